// LeaveGroup (key 13): members leave a group, which then rebalances. v0-2
// name one member; v3+ (KIP-345) a batch, each answered on its own.
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/leave_group_request.h"
#include "protocol/generated/leave_group_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using coordinator::LeaveGroupResult;
using protocol::ErrorCode;
using protocol::LeaveGroupRequest;
using protocol::LeaveGroupResponse;

asio::awaitable<LeaveGroupResponse> handle_leave_group(RequestContext& ctx, LeaveGroupRequest& req) {
  const std::int16_t version = ctx.api_version();
  coordinator::LeaveGroupParams params;
  params.group_id = req.group_id;
  if (version < 3) {
    params.members.push_back({req.member_id, std::nullopt, std::nullopt});
  } else {
    for (const auto& m : req.members) params.members.push_back({m.member_id, m.group_instance_id, m.reason});
  }
  LeaveGroupResult r = co_await await_completion<LeaveGroupResult>(
      [&](auto done) { ctx.services.groups.leave_group(std::move(params), std::move(done)); });

  LeaveGroupResponse resp;
  resp.error_code = wire_code(r.error);
  if (version < 3) {
    // One error only: the request's, else the member's.
    if (r.error == ErrorCode::NONE && !r.members.empty()) resp.error_code = wire_code(r.members.front().error);
    co_return resp;
  }
  for (LeaveGroupResult::Member& m : r.members) {
    auto& out = resp.members.emplace_back();
    out.member_id = std::move(m.member_id);
    out.group_instance_id = std::move(m.group_instance_id);
    out.error_code = wire_code(m.error);
  }
  co_return resp;
}

}  // namespace sluice::server
