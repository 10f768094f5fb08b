// SyncGroup (key 14): the leader hands in the assignment of every member;
// each member gets its own share once it is stored.
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/sync_group_request.h"
#include "protocol/generated/sync_group_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using coordinator::SyncGroupResult;
using protocol::ErrorCode;
using protocol::SyncGroupRequest;
using protocol::SyncGroupResponse;

coordinator::SyncGroupParams to_coordinator(SyncGroupRequest& req) {
  coordinator::SyncGroupParams p;
  p.group_id = req.group_id;
  p.generation_id = req.generation_id;
  p.member_id = req.member_id;
  p.group_instance_id = req.group_instance_id;
  p.protocol_type = req.protocol_type;
  p.protocol_name = req.protocol_name;
  for (auto& a : req.assignments) p.assignments.emplace_back(a.member_id, std::move(a.assignment));
  return p;
}

}  // namespace

asio::awaitable<SyncGroupResponse> handle_sync_group(RequestContext& ctx, SyncGroupRequest& req) {
  const std::int16_t version = ctx.api_version();
  SyncGroupResponse resp;
  // From v5 the protocol type and name are mandatory (KIP-559).
  if (version >= 5 && (!req.protocol_type || !req.protocol_name)) {
    resp.error_code = wire_code(ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
    co_return resp;
  }
  coordinator::SyncGroupParams params = to_coordinator(req);
  SyncGroupResult r = co_await await_completion<SyncGroupResult>(
      [&](auto done) { ctx.services.groups.sync_group(std::move(params), std::move(done)); });

  resp.error_code = wire_code(r.error);
  if (version >= 5) {
    resp.protocol_type = std::move(r.protocol_type);
    resp.protocol_name = std::move(r.protocol_name);
  }
  resp.assignment = std::move(r.assignment);
  co_return resp;
}

}  // namespace sluice::server
