// AlterConfigs (key 33): replaces the whole dynamic config of a topic or a
// broker (the deprecated form; IncrementalAlterConfigs changes single keys).
#include "coordinator/controller/controller.h"
#include "protocol/generated/alter_configs_request.h"
#include "protocol/generated/alter_configs_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/alter_configs_results.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::AlterConfigsRequest;
using protocol::AlterConfigsResponse;

asio::awaitable<AlterConfigsResponse> handle_alter_configs(RequestContext& ctx, AlterConfigsRequest& req) {
  std::vector<coordinator::LegacyAlterConfigsResource> resources;
  for (const auto& r : req.resources) {
    coordinator::LegacyAlterConfigsResource out{r.resource_type, r.resource_name, {}};
    for (const auto& c : r.configs) out.configs.push_back({c.name, c.value});
    resources.push_back(std::move(out));
  }
  std::vector<coordinator::AlterConfigsResult> results =
      co_await await_completion<std::vector<coordinator::AlterConfigsResult>>([&](auto done) {
        ctx.services.controller.legacy_alter_configs(std::move(resources), req.validate_only, std::move(done));
      });
  AlterConfigsResponse resp;
  fill_alter_configs_responses(results, resp);
  co_return resp;
}

}  // namespace sluice::server
