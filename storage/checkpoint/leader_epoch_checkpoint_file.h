// Kafka's LeaderEpochCheckpointFile: a partition directory's
// "leader-epoch-checkpoint", CheckpointFile framing with one
// "epoch startOffset" line per entry, oldest first:
//
//   0
//   2
//   0 0
//   3 1500
//
// Writes fsync: call them off network threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/result.h"
#include "storage/checkpoint/checkpoint_file.h"
#include "storage/epoch/epoch_entry.h"

namespace sluice::storage {

class LeaderEpochCheckpointFile {
 public:
  static constexpr std::int32_t kCurrentVersion = 0;
  static constexpr std::string_view kFileName = "leader-epoch-checkpoint";

  explicit LeaderEpochCheckpointFile(std::filesystem::path path) : file_(std::move(path), kCurrentVersion) {}

  // The checkpoint inside a partition directory.
  static std::filesystem::path in_dir(const std::filesystem::path& partition_dir) { return partition_dir / kFileName; }

  const std::filesystem::path& path() const { return file_.path(); }

  // Atomically replaces the file with `entries` in the given order.
  protocol::Status write(std::span<const EpochEntry> entries, bool sync = true) const;

  // A missing file reads as empty; malformed -> KAFKA_STORAGE_ERROR naming
  // the file and line.
  protocol::Result<std::vector<EpochEntry>> read() const;

 private:
  CheckpointFile file_;
};

}  // namespace sluice::storage
