#include "storage/checkpoint/partition_metadata_file.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "storage/checkpoint/atomic_file.h"
#include "storage/checkpoint/java_text.h"
#include "storage/checkpoint/uuid_text.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;
using protocol::Uuid;

namespace {

Status malformed(const std::filesystem::path& path, std::size_t line_number, std::string_view line) {
  return Status(ErrorCode::KAFKA_STORAGE_ERROR, "Malformed line " + std::to_string(line_number) +
                                                    " in partition metadata file " + path.string() + ": " +
                                                    std::string(line));
}

}  // namespace

std::string PartitionMetadataFile::format(const Uuid& topic_id) {
  return "version: " + std::to_string(kCurrentVersion) + "\ntopic_id: " + topic_id.to_base64();
}

Status PartitionMetadataFile::write(const Uuid& topic_id) const {
  if (topic_id.is_zero()) {
    return Status(ErrorCode::INCONSISTENT_TOPIC_ID, "refusing to write a zero topic id to " + path_.string());
  }
  return write_file_atomically(path_, format(topic_id), /*sync=*/true);
}

Result<Uuid> PartitionMetadataFile::read() const {
  auto text = read_file_if_exists(path_);
  if (!text.ok()) return text.status();
  if (!text->has_value()) {
    return Result<Uuid>(ErrorCode::KAFKA_STORAGE_ERROR, "partition metadata file " + path_.string() + " is missing");
  }
  const std::vector<std::string_view> lines = java_read_lines(**text);
  if (lines.empty()) return malformed(path_, 1, "");

  // Like Kafka, the key names are not checked: "<anything>: <value>".
  const auto version_parts = java_split_colon_whitespace(lines[0]);
  if (version_parts.size() != 2) return malformed(path_, 1, lines[0]);
  const auto version = java_parse_int(version_parts[1]);
  if (!version) return malformed(path_, 1, lines[0]);
  if (*version != kCurrentVersion) {
    return Result<Uuid>(ErrorCode::KAFKA_STORAGE_ERROR, "Unrecognized version of partition metadata file " +
                                                            path_.string() + ": " + std::to_string(*version));
  }

  if (lines.size() < 2) return malformed(path_, 2, "");
  const auto id_parts = java_split_colon_whitespace(lines[1]);
  if (id_parts.size() != 2) return malformed(path_, 2, lines[1]);
  auto id = parse_uuid_base64(id_parts[1]);
  if (!id.ok()) return malformed(path_, 2, lines[1]);
  if (id->is_zero()) {
    return Result<Uuid>(ErrorCode::KAFKA_STORAGE_ERROR,
                        "Invalid topic ID in partition metadata file (" + path_.string() + ")");
  }
  return *id;
}

bool PartitionMetadataFile::exists() const {
  std::error_code ec;
  return std::filesystem::exists(path_, ec);
}

Status PartitionMetadataFile::remove() const {
  if (::unlink(path_.c_str()) != 0) return storage_error("delete", path_, errno);
  return Status::Ok();
}

}  // namespace sluice::storage
