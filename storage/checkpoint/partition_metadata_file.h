// Kafka's PartitionMetadataFile: "partition.metadata" in each partition
// directory, recording the topic id (KIP-516) so a recreated topic with the
// same name is never mistaken for the old one. Exactly two lines and no
// trailing newline, as Kafka writes it:
//
//   version: 0
//   topic_id: <22-char base64 uuid>
//
// write() fsyncs: call it off network threads.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "protocol/result.h"
#include "protocol/uuid.h"

namespace sluice::storage {

class PartitionMetadataFile {
 public:
  static constexpr int kCurrentVersion = 0;
  static constexpr std::string_view kFileName = "partition.metadata";

  explicit PartitionMetadataFile(std::filesystem::path path) : path_(std::move(path)) {}
  static std::filesystem::path in_dir(const std::filesystem::path& partition_dir) { return partition_dir / kFileName; }

  const std::filesystem::path& path() const { return path_; }

  // The exact file text for `topic_id`.
  static std::string format(const protocol::Uuid& topic_id);

  // Atomically writes the file. A zero id is refused (INCONSISTENT_TOPIC_ID),
  // since Kafka would refuse to read it back.
  protocol::Status write(const protocol::Uuid& topic_id) const;

  // The recorded topic id. Errors (KAFKA_STORAGE_ERROR naming the file): the
  // file is missing or unreadable, a line is malformed, the version is not 0,
  // or the id is zero.
  protocol::Result<protocol::Uuid> read() const;

  bool exists() const;
  protocol::Status remove() const;

 private:
  std::filesystem::path path_;
};

}  // namespace sluice::storage
