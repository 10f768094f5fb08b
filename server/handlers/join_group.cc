// JoinGroup (key 11): a member joins (or rejoins) a classic group; answered
// when the rebalance's join phase ends, the leader with every member's
// subscription metadata.
#include <optional>
#include <string>

#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/join_group_request.h"
#include "protocol/generated/join_group_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using coordinator::JoinGroupResult;
using protocol::JoinGroupRequest;
using protocol::JoinGroupResponse;

// Kafka records the client's address as Java's InetAddress.toString()
// prints it with no host name: "/127.0.0.1".
std::string client_host(const network::ConnectionInfo& connection) {
  return "/" + connection.peer.address().to_string();
}

coordinator::JoinGroupParams to_coordinator(const RequestContext& ctx, JoinGroupRequest& req) {
  const std::int16_t version = ctx.api_version();
  coordinator::JoinGroupParams p;
  p.group_id = req.group_id;
  p.member_id = req.member_id;
  p.group_instance_id = req.group_instance_id;
  p.protocol_type = req.protocol_type;
  for (auto& proto : req.protocols) p.protocols.push_back({proto.name, std::move(proto.metadata)});
  p.session_timeout_ms = req.session_timeout_ms;
  // v0 has no rebalance timeout: the session timeout stands in for it.
  p.rebalance_timeout_ms = version >= 1 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  p.client_id = std::string(ctx.client_id());
  p.client_host = client_host(ctx.connection);
  // KIP-394: from v4 a new dynamic member is first handed its id
  // (MEMBER_ID_REQUIRED) and rejoins with it; a static member (KIP-345)
  // never is, as in Kafka's GroupCoordinatorAdapter.
  p.require_known_member_id = version >= 4 && !req.group_instance_id;
  p.supports_skip_assignment = version >= 9;  // KIP-814
  p.reason = req.reason;
  return p;
}

}  // namespace

asio::awaitable<JoinGroupResponse> handle_join_group(RequestContext& ctx, JoinGroupRequest& req) {
  const std::int16_t version = ctx.api_version();
  coordinator::JoinGroupParams params = to_coordinator(ctx, req);
  JoinGroupResult r = co_await await_completion<JoinGroupResult>(
      [&](auto done) { ctx.services.groups.join_group(std::move(params), std::move(done)); });

  JoinGroupResponse resp;
  resp.error_code = wire_code(r.error);
  resp.generation_id = r.generation_id;
  if (version >= 7) resp.protocol_type = std::move(r.protocol_type);
  // The protocol name is nullable only from v7; older versions send "" for none.
  resp.protocol_name =
      version >= 7 ? std::move(r.protocol_name) : std::optional<std::string>(r.protocol_name.value_or(""));
  resp.leader = std::move(r.leader);
  resp.skip_assignment = version >= 9 && r.skip_assignment;
  resp.member_id = std::move(r.member_id);
  for (coordinator::JoinGroupMember& m : r.members) {
    auto& out = resp.members.emplace_back();
    out.member_id = std::move(m.member_id);
    if (version >= 5) out.group_instance_id = std::move(m.group_instance_id);
    out.metadata = std::move(m.metadata);
  }
  co_return resp;
}

}  // namespace sluice::server
