// ListGroups (key 16): the groups this broker coordinates, optionally
// filtered by state (v4+, KIP-518) and type (v5+, KIP-848).
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/list_groups_request.h"
#include "protocol/generated/list_groups_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using coordinator::ListGroupsResult;
using protocol::ListGroupsRequest;
using protocol::ListGroupsResponse;

asio::awaitable<ListGroupsResponse> handle_list_groups(RequestContext& ctx, ListGroupsRequest& req) {
  const std::int16_t version = ctx.api_version();
  ListGroupsResult r = co_await await_completion<ListGroupsResult>([&](auto done) {
    ctx.services.groups.list_groups(std::move(req.states_filter), std::move(req.types_filter), std::move(done));
  });

  ListGroupsResponse resp;
  resp.error_code = wire_code(r.error);
  for (coordinator::ListedGroup& g : r.groups) {
    auto& out = resp.groups.emplace_back();
    out.group_id = std::move(g.group_id);
    out.protocol_type = std::move(g.protocol_type);
    if (version >= 4) out.group_state = std::move(g.state);
    if (version >= 5) out.group_type = std::move(g.type);
  }
  co_return resp;
}

}  // namespace sluice::server
