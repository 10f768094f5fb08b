#include "storage/checkpoint/leader_epoch_checkpoint_file.h"

#include <string>

#include "storage/checkpoint/java_text.h"

namespace sluice::storage {

using protocol::Result;
using protocol::Status;

Status LeaderEpochCheckpointFile::write(std::span<const EpochEntry> entries, bool sync) const {
  std::vector<std::string> lines;
  lines.reserve(entries.size());
  for (const EpochEntry& e : entries) lines.push_back(std::to_string(e.epoch) + ' ' + std::to_string(e.start_offset));
  return file_.write(lines, sync);
}

Result<std::vector<EpochEntry>> LeaderEpochCheckpointFile::read() const {
  std::vector<EpochEntry> entries;
  Status st = file_.read([&](std::string_view line) {
    const auto parts = java_split_whitespace(line);
    if (parts.size() != 2) return false;
    const auto epoch = java_parse_int(parts[0]);
    const auto start_offset = java_parse_long(parts[1]);
    if (!epoch || !start_offset) return false;
    entries.push_back(EpochEntry{*epoch, *start_offset});
    return true;
  });
  if (!st.ok()) return st;
  return entries;
}

}  // namespace sluice::storage
