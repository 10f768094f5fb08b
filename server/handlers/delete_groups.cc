// DeleteGroups (key 42): deletes empty groups and their committed offsets.
// A group named twice is deleted (and answered) once, as Kafka does.
#include <algorithm>
#include <string>
#include <vector>

#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/delete_groups_request.h"
#include "protocol/generated/delete_groups_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::DeleteGroupsRequest;
using protocol::DeleteGroupsResponse;
using protocol::ErrorCode;

asio::awaitable<DeleteGroupsResponse> handle_delete_groups(RequestContext& ctx, DeleteGroupsRequest& req) {
  std::vector<std::string> group_ids;
  for (const std::string& g : req.groups_names) {
    if (std::find(group_ids.begin(), group_ids.end(), g) == group_ids.end()) group_ids.push_back(g);
  }
  std::vector<ErrorCode> errors = co_await await_completion<std::vector<ErrorCode>>(
      [&](auto done) { ctx.services.groups.delete_groups(group_ids, std::move(done)); });

  DeleteGroupsResponse resp;
  for (std::size_t i = 0; i < group_ids.size(); ++i) {
    auto& out = resp.results.emplace_back();
    out.group_id = group_ids[i];
    out.error_code = wire_code(i < errors.size() ? errors[i] : ErrorCode::UNKNOWN_SERVER_ERROR);
  }
  co_return resp;
}

}  // namespace sluice::server
