// Heartbeat (key 12): a member says it is alive; the answer tells it
// whether a rebalance is under way (REBALANCE_IN_PROGRESS).
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/heartbeat_request.h"
#include "protocol/generated/heartbeat_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::ErrorCode;
using protocol::HeartbeatRequest;
using protocol::HeartbeatResponse;

asio::awaitable<HeartbeatResponse> handle_heartbeat(RequestContext& ctx, HeartbeatRequest& req) {
  coordinator::HeartbeatParams params{req.group_id, req.generation_id, req.member_id, req.group_instance_id};
  ErrorCode error = co_await await_completion<ErrorCode>(
      [&](auto done) { ctx.services.groups.heartbeat(std::move(params), std::move(done)); });
  HeartbeatResponse resp;
  resp.error_code = wire_code(error);
  co_return resp;
}

}  // namespace sluice::server
