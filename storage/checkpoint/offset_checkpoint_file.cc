#include "storage/checkpoint/offset_checkpoint_file.h"

#include <algorithm>
#include <vector>

#include "storage/checkpoint/java_text.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

bool has_whitespace(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; });
}

}  // namespace

Status OffsetCheckpointFile::write(const Offsets& offsets, bool sync) const {
  std::vector<std::string> lines;
  lines.reserve(offsets.size());
  for (const auto& [tp, offset] : offsets) {
    if (tp.topic.empty() || has_whitespace(tp.topic)) {
      return Status(ErrorCode::INVALID_TOPIC_EXCEPTION,
                    "topic name '" + tp.topic + "' cannot be written to checkpoint file " + path().string());
    }
    lines.push_back(tp.topic + ' ' + std::to_string(tp.partition) + ' ' + std::to_string(offset));
  }
  return file_.write(lines, sync);
}

Result<OffsetCheckpointFile::Offsets> OffsetCheckpointFile::read() const {
  Offsets offsets;
  Status st = file_.read([&](std::string_view line) {
    const auto parts = java_split_whitespace(line);
    if (parts.size() != 3) return false;
    const auto partition = java_parse_int(parts[1]);
    const auto offset = java_parse_long(parts[2]);
    if (!partition || !offset) return false;
    offsets.insert_or_assign(TopicPartition{std::string(parts[0]), *partition}, *offset);
    return true;
  });
  if (!st.ok()) return st;
  return offsets;
}

}  // namespace sluice::storage
