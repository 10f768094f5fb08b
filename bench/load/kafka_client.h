// librdkafka handles owned with RAII, and the few admin steps the load runs
// share: creating the topic and waiting until its partitions have leaders.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/result.h"

namespace sluice::bench {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, KafkaDeleter>;
using QueueHandle = std::unique_ptr<rd_kafka_queue_t, KafkaDeleter>;
using MessageHandle = std::unique_ptr<rd_kafka_message_t, KafkaDeleter>;

using KafkaSettings = std::vector<std::pair<std::string, std::string>>;

// A producer or consumer with the given librdkafka properties; `customize`
// may set callbacks on the configuration before the handle is made.
protocol::Result<KafkaHandle> make_client(rd_kafka_type_t type, const KafkaSettings& settings,
                                          const std::function<void(rd_kafka_conf_t*)>& customize = {});

// CreateTopics with replication factor 1; an existing topic is fine.
protocol::Status create_topic(rd_kafka_t* rk, const std::string& topic, std::int32_t partitions);

// Polls Metadata until `topic` reports `partitions` partitions, each with a
// leader: the point after which produce and fetch need no more discovery.
protocol::Status await_partitions(rd_kafka_t* rk, const std::string& topic, std::int32_t partitions,
                                  std::chrono::milliseconds timeout);

protocol::Status kafka_error(const std::string& what, rd_kafka_resp_err_t err);

}  // namespace sluice::bench
