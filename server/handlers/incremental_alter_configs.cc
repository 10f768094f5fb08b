// IncrementalAlterConfigs (key 44, KIP-339): SET, DELETE, APPEND and
// SUBTRACT on single keys of a topic's or a broker's dynamic config.
#include "coordinator/controller/controller.h"
#include "protocol/generated/incremental_alter_configs_request.h"
#include "protocol/generated/incremental_alter_configs_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/alter_configs_results.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::IncrementalAlterConfigsRequest;
using protocol::IncrementalAlterConfigsResponse;

asio::awaitable<IncrementalAlterConfigsResponse> handle_incremental_alter_configs(RequestContext& ctx,
                                                                                  IncrementalAlterConfigsRequest& req) {
  std::vector<coordinator::IncrementalAlterConfigsResource> resources;
  for (const auto& r : req.resources) {
    coordinator::IncrementalAlterConfigsResource out{r.resource_type, r.resource_name, {}};
    for (const auto& c : r.configs) {
      out.configs.push_back({c.name, static_cast<coordinator::AlterConfigOp>(c.config_operation), c.value});
    }
    resources.push_back(std::move(out));
  }
  std::vector<coordinator::AlterConfigsResult> results =
      co_await await_completion<std::vector<coordinator::AlterConfigsResult>>([&](auto done) {
        ctx.services.controller.incremental_alter_configs(std::move(resources), req.validate_only, std::move(done));
      });
  IncrementalAlterConfigsResponse resp;
  fill_alter_configs_responses(results, resp);
  co_return resp;
}

}  // namespace sluice::server
