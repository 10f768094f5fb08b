// CreateTopics (key 19): validated and written by the controller; v5+
// answers the created topic's partitions, replication and configs.
#include <map>

#include "coordinator/controller/controller.h"
#include "protocol/generated/create_topics_request.h"
#include "protocol/generated/create_topics_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using protocol::CreateTopicsRequest;
using protocol::CreateTopicsResponse;
using protocol::ErrorCode;

coordinator::CreatableTopic to_controller(const CreateTopicsRequest::CreatableTopic& t) {
  coordinator::CreatableTopic out;
  out.name = t.name;
  out.num_partitions = t.num_partitions;
  out.replication_factor = t.replication_factor;
  for (const auto& a : t.assignments) out.assignments.push_back({a.partition_index, a.broker_ids});
  for (const auto& c : t.configs) out.configs.push_back({c.name, c.value});
  return out;
}

void fill(const coordinator::CreateTopicResult& r, CreateTopicsResponse::CreatableTopicResult& out) {
  out.topic_id = r.topic_id;
  out.error_code = static_cast<std::int16_t>(r.status.code);
  out.error_message = r.status.ok() ? std::nullopt : std::optional<std::string>(r.status.detail);
  if (!r.status.ok()) {
    out.configs = std::nullopt;
    return;
  }
  out.num_partitions = r.num_partitions;
  out.replication_factor = r.replication_factor;
  out.configs.emplace();
  for (const auto& c : r.configs) {
    auto& cfg = out.configs->emplace_back();
    cfg.name = c.name;
    cfg.value = c.value;
    cfg.read_only = c.read_only;
    cfg.config_source = static_cast<std::int8_t>(c.source);
    cfg.is_sensitive = c.sensitive;
  }
}

}  // namespace

asio::awaitable<CreateTopicsResponse> handle_create_topics(RequestContext& ctx, CreateTopicsRequest& req) {
  // A topic named twice is refused both times (Kafka's INVALID_REQUEST).
  std::map<std::string, int> count;
  for (const auto& t : req.topics) ++count[t.name];
  std::vector<coordinator::CreatableTopic> topics;
  for (const auto& t : req.topics) {
    if (count[t.name] == 1) topics.push_back(to_controller(t));
  }
  const bool validate_only = ctx.api_version() >= 1 && req.validate_only;
  std::vector<coordinator::CreateTopicResult> results =
      co_await await_completion<std::vector<coordinator::CreateTopicResult>>(
          [&](auto done) { ctx.services.controller.create_topics(std::move(topics), validate_only, std::move(done)); });

  CreateTopicsResponse resp;
  std::size_t next = 0;
  for (const auto& t : req.topics) {
    auto& out = resp.topics.emplace_back();
    out.name = t.name;
    if (count[t.name] > 1) {
      out.error_code = static_cast<std::int16_t>(ErrorCode::INVALID_REQUEST);
      out.error_message = "Create topics request from client `" + std::string(ctx.client_id()) +
                          "` contains multiple entries for the following topics: " + t.name;
      out.configs = std::nullopt;
      continue;
    }
    if (next < results.size()) fill(results[next++], out);
  }
  co_return resp;
}

}  // namespace sluice::server
