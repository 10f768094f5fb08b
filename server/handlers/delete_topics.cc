// DeleteTopics (key 20): by name (v0-v5) or by name or id (v6+); the
// controller removes them and their logs go in the background.
#include "coordinator/controller/controller.h"
#include "protocol/generated/delete_topics_request.h"
#include "protocol/generated/delete_topics_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/config/broker_config.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::DeleteTopicsRequest;
using protocol::DeleteTopicsResponse;
using protocol::ErrorCode;

asio::awaitable<DeleteTopicsResponse> handle_delete_topics(RequestContext& ctx, DeleteTopicsRequest& req) {
  coordinator::DeleteTopicsRequest request;
  if (ctx.api_version() >= 6) {
    for (const auto& t : req.topics) {
      if (t.name) {
        request.names.push_back(*t.name);
      } else {
        request.ids.push_back(t.topic_id);
      }
    }
  } else {
    request.names = req.topic_names;
  }
  DeleteTopicsResponse resp;
  if (!ctx.services.config.boolean("delete.topic.enable")) {
    // Kafka answers TOPIC_DELETION_DISABLED for every topic.
    for (const auto& n : request.names) {
      auto& r = resp.responses.emplace_back();
      r.name = n;
      r.error_code = static_cast<std::int16_t>(ErrorCode::TOPIC_DELETION_DISABLED);
    }
    for (const auto& id : request.ids) {
      auto& r = resp.responses.emplace_back();
      r.name = std::nullopt;
      r.topic_id = id;
      r.error_code = static_cast<std::int16_t>(ErrorCode::TOPIC_DELETION_DISABLED);
    }
    co_return resp;
  }
  std::vector<coordinator::DeleteTopicResult> results =
      co_await await_completion<std::vector<coordinator::DeleteTopicResult>>(
          [&](auto done) { ctx.services.controller.delete_topics(std::move(request), std::move(done)); });
  for (const auto& r : results) {
    auto& out = resp.responses.emplace_back();
    out.name = r.name;
    out.topic_id = r.topic_id;
    out.error_code = static_cast<std::int16_t>(r.status.code);
    if (!r.status.ok() && !r.status.detail.empty()) out.error_message = r.status.detail;
  }
  co_return resp;
}

}  // namespace sluice::server
