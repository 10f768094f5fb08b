// CreatePartitions (key 37): adds partitions to existing topics.
#include "coordinator/controller/controller.h"
#include "protocol/generated/create_partitions_request.h"
#include "protocol/generated/create_partitions_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::CreatePartitionsRequest;
using protocol::CreatePartitionsResponse;

asio::awaitable<CreatePartitionsResponse> handle_create_partitions(RequestContext& ctx, CreatePartitionsRequest& req) {
  std::vector<coordinator::CreatePartitionsTopic> topics;
  for (const auto& t : req.topics) {
    coordinator::CreatePartitionsTopic out{t.name, t.count, std::nullopt};
    if (t.assignments) {
      out.assignments.emplace();
      for (const auto& a : *t.assignments) out.assignments->push_back(a.broker_ids);
    }
    topics.push_back(std::move(out));
  }
  std::vector<coordinator::CreatePartitionsResult> results =
      co_await await_completion<std::vector<coordinator::CreatePartitionsResult>>([&](auto done) {
        ctx.services.controller.create_partitions(std::move(topics), req.validate_only, std::move(done));
      });
  CreatePartitionsResponse resp;
  for (const auto& r : results) {
    auto& out = resp.results.emplace_back();
    out.name = r.name;
    out.error_code = static_cast<std::int16_t>(r.status.code);
    if (!r.status.ok()) out.error_message = r.status.detail;
  }
  co_return resp;
}

}  // namespace sluice::server
