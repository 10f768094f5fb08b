#include "server/internal_topics.h"

#include <algorithm>
#include <string>
#include <vector>

#include "coordinator/controller/controller.h"
#include "coordinator/controller/metadata_image.h"
#include "coordinator/group/group_coordinator.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/config/broker_config.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;

// GroupCoordinator.offsetsTopicConfigs: a compacted log of the latest
// offset and group metadata per key, kept in the producer's compression.
coordinator::CreatableTopic offsets_topic(const RequestContext& ctx) {
  const BrokerConfig& config = ctx.services.config;
  const auto image = ctx.services.image();
  coordinator::CreatableTopic t;
  t.name = std::string(coordinator::kConsumerOffsetsTopic);
  t.num_partitions = static_cast<std::int32_t>(config.int64("offsets.topic.num.partitions"));
  // Kafka refuses to create the topic until offsets.topic.replication.factor
  // brokers are registered (default 3); Sluice caps the factor at the brokers
  // it has, so a single broker serves groups without extra configuration.
  const auto brokers = static_cast<std::int64_t>(std::max<std::size_t>(image->brokers.size(), 1));
  t.replication_factor = static_cast<std::int16_t>(std::min(config.int64("offsets.topic.replication.factor"), brokers));
  t.configs.push_back({"cleanup.policy", "compact"});
  t.configs.push_back({"compression.type", "producer"});
  t.configs.push_back({"segment.bytes", std::to_string(config.int64("offsets.topic.segment.bytes"))});
  return t;
}

asio::awaitable<protocol::Status> create_offsets_topic(RequestContext& ctx) {
  std::vector<coordinator::CreatableTopic> topics{offsets_topic(ctx)};
  // By reference: GCC 12 destroys a by-value capture of a temporary lambda
  // in a co_await expression twice.
  std::vector<coordinator::CreateTopicResult> results =
      co_await await_completion<std::vector<coordinator::CreateTopicResult>>(
          [&](auto done) { ctx.services.controller.create_topics(std::move(topics), false, std::move(done)); });
  if (results.empty()) co_return protocol::Status{ErrorCode::UNKNOWN_SERVER_ERROR, "No result for the topic creation"};
  co_return results.front().status;
}

}  // namespace

asio::awaitable<protocol::Status> ensure_offsets_topic(RequestContext& ctx) {
  if (ctx.services.image()->topic(coordinator::kConsumerOffsetsTopic) == nullptr) {
    protocol::Status created = co_await create_offsets_topic(ctx);
    // Another request created it first: the image already has it.
    if (!created.ok() && created.code != ErrorCode::TOPIC_ALREADY_EXISTS) co_return created;
  }
  const auto image = ctx.services.image();
  const coordinator::TopicImage* topic = image->topic(coordinator::kConsumerOffsetsTopic);
  if (topic == nullptr || topic->partitions.empty()) {
    co_return protocol::Status{ErrorCode::COORDINATOR_NOT_AVAILABLE, "The offsets topic does not exist"};
  }
  ctx.services.groups.set_partition_count(static_cast<std::int32_t>(topic->partitions.size()));
  co_return protocol::Status{};
}

}  // namespace sluice::server
