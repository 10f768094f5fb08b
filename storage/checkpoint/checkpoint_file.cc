#include "storage/checkpoint/checkpoint_file.h"

#include "storage/checkpoint/atomic_file.h"
#include "storage/checkpoint/java_text.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Status;

namespace {

Status malformed(const std::string& location, std::size_t line_number, std::string_view line) {
  return Status(ErrorCode::KAFKA_STORAGE_ERROR, "Malformed line " + std::to_string(line_number) +
                                                    " in checkpoint file [" + location + "]: " + std::string(line));
}

}  // namespace

std::string format_checkpoint(std::int32_t version, const std::vector<std::string>& entry_lines) {
  std::string out = std::to_string(version);
  out += '\n';
  out += std::to_string(entry_lines.size());
  out += '\n';
  for (const std::string& line : entry_lines) {
    out += line;
    out += '\n';
  }
  return out;
}

Status parse_checkpoint(std::string_view text, const std::string& location, std::int32_t expected_version,
                        const std::function<bool(std::string_view line)>& on_entry) {
  const std::vector<std::string_view> lines = java_read_lines(text);
  if (lines.empty()) return Status::Ok();

  const auto version = java_parse_int(lines[0]);
  if (!version) return malformed(location, 1, lines[0]);
  if (*version != expected_version) {
    return Status(ErrorCode::KAFKA_STORAGE_ERROR, "Unrecognised version:" + std::to_string(*version) +
                                                      ", expected version: " + std::to_string(expected_version) +
                                                      " in checkpoint file at: " + location);
  }
  if (lines.size() < 2) return Status::Ok();

  const auto expected_size = java_parse_int(lines[1]);
  if (!expected_size) return malformed(location, 2, lines[1]);

  for (std::size_t i = 2; i < lines.size(); ++i) {
    if (!on_entry(lines[i])) return malformed(location, i + 1, lines[i]);
  }
  const std::size_t found = lines.size() - 2;
  if (*expected_size < 0 || static_cast<std::size_t>(*expected_size) != found) {
    return Status(ErrorCode::KAFKA_STORAGE_ERROR, "Expected [" + std::to_string(*expected_size) +
                                                      "] entries in checkpoint file [" + location +
                                                      "], but found only [" + std::to_string(found) + "]");
  }
  return Status::Ok();
}

CheckpointFile::CheckpointFile(std::filesystem::path path, std::int32_t version)
    : path_(std::move(path)), version_(version) {}

Status CheckpointFile::read(const std::function<bool(std::string_view line)>& on_entry) const {
  std::lock_guard lock(mutex_);
  auto text = read_file_if_exists(path_);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return Status::Ok();
  return parse_checkpoint(**text, path_.string(), version_, on_entry);
}

Status CheckpointFile::write(const std::vector<std::string>& entry_lines, bool sync) const {
  std::lock_guard lock(mutex_);
  return write_file_atomically(path_, format_checkpoint(version_, entry_lines), sync);
}

}  // namespace sluice::storage
