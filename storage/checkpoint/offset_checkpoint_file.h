// Kafka's OffsetCheckpointFile: per-log-dir (topic, partition) -> offset maps
// in CheckpointFile framing, one "topic partition offset" line per entry:
//
//   0
//   2
//   orders 0 1500
//   orders 1 1498
//
// Used for recovery-point-offset-checkpoint, log-start-offset-checkpoint and
// replication-offset-checkpoint (the high watermarks). Writes fsync: call
// them off network threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "protocol/result.h"
#include "storage/checkpoint/checkpoint_file.h"

namespace sluice::storage {

class OffsetCheckpointFile {
 public:
  static constexpr std::int32_t kCurrentVersion = 0;
  static constexpr std::string_view kRecoveryPointFileName = "recovery-point-offset-checkpoint";
  static constexpr std::string_view kLogStartOffsetFileName = "log-start-offset-checkpoint";
  static constexpr std::string_view kReplicationOffsetFileName = "replication-offset-checkpoint";

  struct TopicPartition {
    std::string topic;
    std::int32_t partition = 0;
    auto operator<=>(const TopicPartition&) const = default;
  };
  using Offsets = std::map<TopicPartition, std::int64_t>;

  explicit OffsetCheckpointFile(std::filesystem::path path) : file_(std::move(path), kCurrentVersion) {}

  const std::filesystem::path& path() const { return file_.path(); }

  // Atomically replaces the file; lines are in (topic, partition) order.
  // A topic name containing whitespace (never a legal Kafka topic) could not
  // be read back, so it is refused with INVALID_TOPIC_EXCEPTION.
  protocol::Status write(const Offsets& offsets, bool sync = true) const;

  // A missing file reads as empty. Malformed content -> KAFKA_STORAGE_ERROR
  // naming the file and line. A repeated (topic, partition) keeps the last
  // line's offset, as Kafka's HashMap does.
  protocol::Result<Offsets> read() const;

 private:
  CheckpointFile file_;
};

}  // namespace sluice::storage
