// Kafka's CheckpointFile framing, shared by recovery-point-offset-checkpoint,
// log-start-offset-checkpoint, replication-offset-checkpoint and
// leader-epoch-checkpoint:
//
//   <version>\n
//   <entry count>\n
//   <one entry per line>\n ...
//
// Writes replace the file atomically and durably (atomic_file.h), so they
// block on fsync: call them off network threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.h"

namespace sluice::storage {

// The file's text for `entry_lines` (each without its newline), as Kafka's
// CheckpointWriteBuffer writes it ("\n" line ends, as Java's newLine() on Linux).
std::string format_checkpoint(std::int32_t version, const std::vector<std::string>& entry_lines);

// Parses checkpoint text the way Kafka's CheckpointReadBuffer does: empty
// text, or text ending after the version line, means no entries; a version
// other than `expected_version`, a non-integer version/count line, a line
// `on_entry` rejects (returns false), or a count that differs from the lines
// found is an error (KAFKA_STORAGE_ERROR naming `location` and the line).
protocol::Status parse_checkpoint(std::string_view text, const std::string& location, std::int32_t expected_version,
                                  const std::function<bool(std::string_view line)>& on_entry);

// One checkpoint file on disk. Reads and writes on one object are serialized
// (they share "<file>.tmp"), like Kafka's CheckpointFile lock.
class CheckpointFile {
 public:
  CheckpointFile(std::filesystem::path path, std::int32_t version);

  const std::filesystem::path& path() const { return path_; }

  // A missing file reads as no entries (Kafka creates it empty on first use).
  protocol::Status read(const std::function<bool(std::string_view line)>& on_entry) const;
  protocol::Status write(const std::vector<std::string>& entry_lines, bool sync = true) const;

 private:
  std::filesystem::path path_;
  std::int32_t version_;
  mutable std::mutex mutex_;
};

}  // namespace sluice::storage
