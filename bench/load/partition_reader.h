// Reads chosen partitions from a chosen offset without group membership.
// kSimple is librdkafka's group-less consumer (rd_kafka_consume_start_queue);
// kAssign is rd_kafka_assign(), which librdkafka only allows with a group.id,
// so that client also looks up the group coordinator (FindCoordinator) even
// though it never joins.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/load/kafka_client.h"

namespace sluice::bench {

enum class ConsumerApi { kSimple, kAssign };

struct TopicPartitions {
  std::string topic;
  std::int32_t partitions = 0;
};

class PartitionReader {
 public:
  static protocol::Result<std::unique_ptr<PartitionReader>> open(const std::string& bootstrap, ConsumerApi api);
  ~PartitionReader();
  PartitionReader(const PartitionReader&) = delete;
  PartitionReader& operator=(const PartitionReader&) = delete;

  struct Watermarks {
    std::int64_t log_start = 0;
    std::int64_t high = 0;
  };
  // Each partition's log start and high watermark (ListOffsets), in the
  // order of `which`, partitions ascending.
  protocol::Result<std::vector<Watermarks>> watermarks(const std::vector<TopicPartitions>& which);

  // Starts fetching every partition of `which`, each at its entry of
  // `offsets` (same order as watermarks(); an offset or
  // RD_KAFKA_OFFSET_BEGINNING).
  protocol::Status start(const std::vector<TopicPartitions>& which, const std::vector<std::int64_t>& offsets);

  // Hands each message received within `timeout` to `on_message`; returns how
  // many there were. A message carrying an error is returned as the error.
  protocol::Result<int> poll(std::chrono::milliseconds timeout,
                             const std::function<void(const rd_kafka_message_t&)>& on_message);

 private:
  PartitionReader(ConsumerApi api, KafkaHandle client) : api_(api), client_(std::move(client)) {}

  ConsumerApi api_;
  KafkaHandle client_;
  QueueHandle queue_;
  std::vector<std::pair<TopicHandle, std::int32_t>> started_;  // kSimple: partitions to stop
};

}  // namespace sluice::bench
