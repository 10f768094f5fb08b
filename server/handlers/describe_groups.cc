// DescribeGroups (key 15): each group's state, protocol and members with
// their metadata and assignment; a group this broker does not know is
// described as Dead.
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/describe_groups_request.h"
#include "protocol/generated/describe_groups_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"
#include "server/metadata/authorized_operations.h"

namespace sluice::server {

using coordinator::DescribedGroup;
using protocol::DescribeGroupsRequest;
using protocol::DescribeGroupsResponse;

asio::awaitable<DescribeGroupsResponse> handle_describe_groups(RequestContext& ctx, DescribeGroupsRequest& req) {
  const std::int16_t version = ctx.api_version();
  std::vector<DescribedGroup> groups = co_await await_completion<std::vector<DescribedGroup>>(
      [&](auto done) { ctx.services.groups.describe_groups(req.groups, std::move(done)); });

  DescribeGroupsResponse resp;
  for (DescribedGroup& g : groups) {
    auto& out = resp.groups.emplace_back();
    out.error_code = wire_code(g.error);
    out.group_id = std::move(g.group_id);
    out.group_state = std::move(g.state);
    out.protocol_type = std::move(g.protocol_type);
    out.protocol_data = std::move(g.protocol_data);
    for (coordinator::DescribedMember& m : g.members) {
      auto& member = out.members.emplace_back();
      member.member_id = std::move(m.member_id);
      if (version >= 4) member.group_instance_id = std::move(m.group_instance_id);
      member.client_id = std::move(m.client_id);
      member.client_host = std::move(m.client_host);
      member.member_metadata = std::move(m.metadata);
      member.member_assignment = std::move(m.assignment);
    }
    // KIP-430; the field keeps its "not asked" default otherwise.
    if (version >= 3 && req.include_authorized_operations) out.authorized_operations = group_authorized_operations();
  }
  co_return resp;
}

}  // namespace sluice::server
