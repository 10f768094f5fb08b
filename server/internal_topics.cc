#include "server/internal_topics.h"

#include <algorithm>
#include <string>
#include <vector>

#include "coordinator/controller/controller.h"
#include "coordinator/controller/metadata_image.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/txn/transaction_coordinator.h"
#include "coordinator/txn/txn_state_store.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/config/broker_config.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;

// Kafka refuses to create an internal topic until its replication factor's
// worth of brokers are registered (default 3); Sluice caps the factor (and
// the topic's min.insync.replicas with it) at the brokers it has, so a
// single broker serves groups and transactions without extra configuration.
std::int16_t capped_replication(const RequestContext& ctx, const char* key) {
  const auto brokers = static_cast<std::int64_t>(std::max<std::size_t>(ctx.services.image()->brokers.size(), 1));
  return static_cast<std::int16_t>(std::min(ctx.services.config.int64(key), brokers));
}

// GroupCoordinator.offsetsTopicConfigs: a compacted log of the latest
// offset and group metadata per key, kept in the producer's compression.
coordinator::CreatableTopic offsets_topic(const RequestContext& ctx) {
  const BrokerConfig& config = ctx.services.config;
  coordinator::CreatableTopic t;
  t.name = std::string(coordinator::kConsumerOffsetsTopic);
  t.num_partitions = static_cast<std::int32_t>(config.int64("offsets.topic.num.partitions"));
  t.replication_factor = capped_replication(ctx, "offsets.topic.replication.factor");
  t.configs.push_back({"cleanup.policy", "compact"});
  t.configs.push_back({"compression.type", "producer"});
  t.configs.push_back({"segment.bytes", std::to_string(config.int64("offsets.topic.segment.bytes"))});
  return t;
}

// TransactionStateManager.transactionTopicConfigs: compacted, uncompressed.
coordinator::CreatableTopic transaction_state_topic(const RequestContext& ctx) {
  const BrokerConfig& config = ctx.services.config;
  coordinator::CreatableTopic t;
  t.name = std::string(coordinator::kTransactionStateTopic);
  t.num_partitions = static_cast<std::int32_t>(config.int64("transaction.state.log.num.partitions"));
  t.replication_factor = capped_replication(ctx, "transaction.state.log.replication.factor");
  const std::int64_t min_isr =
      std::min<std::int64_t>(config.int64("transaction.state.log.min.isr"), t.replication_factor);
  t.configs.push_back({"cleanup.policy", "compact"});
  t.configs.push_back({"compression.type", "uncompressed"});
  t.configs.push_back({"min.insync.replicas", std::to_string(min_isr)});
  t.configs.push_back({"unclean.leader.election.enable", "false"});
  t.configs.push_back({"segment.bytes", std::to_string(config.int64("transaction.state.log.segment.bytes"))});
  return t;
}

// The topic's partition count, creating it first if it is missing.
asio::awaitable<protocol::Result<std::int32_t>> ensure_topic(RequestContext& ctx, coordinator::CreatableTopic spec) {
  const std::string name = spec.name;
  if (ctx.services.image()->topic(name) == nullptr) {
    std::vector<coordinator::CreatableTopic> topics{std::move(spec)};
    // By reference: GCC 12 destroys a by-value capture of a temporary lambda
    // in a co_await expression twice.
    std::vector<coordinator::CreateTopicResult> results =
        co_await await_completion<std::vector<coordinator::CreateTopicResult>>(
            [&](auto done) { ctx.services.controller.create_topics(std::move(topics), false, std::move(done)); });
    const protocol::Status created =
        results.empty() ? protocol::Status{ErrorCode::UNKNOWN_SERVER_ERROR, "No result for the topic creation"}
                        : results.front().status;
    // Another request created it first: the image already has it.
    if (!created.ok() && created.code != ErrorCode::TOPIC_ALREADY_EXISTS) co_return created;
  }
  const auto image = ctx.services.image();
  const coordinator::TopicImage* topic = image->topic(name);
  if (topic == nullptr || topic->partitions.empty()) {
    co_return protocol::Status{ErrorCode::COORDINATOR_NOT_AVAILABLE, "The topic " + name + " does not exist"};
  }
  co_return static_cast<std::int32_t>(topic->partitions.size());
}

}  // namespace

asio::awaitable<protocol::Status> ensure_offsets_topic(RequestContext& ctx) {
  auto partitions = co_await ensure_topic(ctx, offsets_topic(ctx));
  if (!partitions.ok()) co_return partitions.status();
  ctx.services.groups.set_partition_count(*partitions);
  co_return protocol::Status{};
}

asio::awaitable<protocol::Status> ensure_transaction_state_topic(RequestContext& ctx) {
  auto partitions = co_await ensure_topic(ctx, transaction_state_topic(ctx));
  if (!partitions.ok()) co_return partitions.status();
  ctx.services.txns.set_partition_count(*partitions);
  co_return protocol::Status{};
}

}  // namespace sluice::server
