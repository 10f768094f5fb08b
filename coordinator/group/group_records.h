// The records of __consumer_offsets in Kafka's exact format, so tools that
// read the topic (kafka-console-consumer's OffsetsMessageFormatter, Kafka
// itself after a migration) decode what Sluice writes. A key is a version
// (int16) then OffsetCommitKey (versions 0 and 1) or GroupMetadataKey
// (version 2); a value is a version then the matching value; a null value
// is a tombstone.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "protocol/generated/group_metadata_value.h"
#include "protocol/result.h"

namespace sluice::coordinator {

struct OffsetKey {
  std::string group;
  std::string topic;
  std::int32_t partition = 0;
  bool operator==(const OffsetKey&) const = default;
};

struct GroupKey {
  std::string group;
  bool operator==(const GroupKey&) const = default;
};

using GroupRecordKey = std::variant<OffsetKey, GroupKey>;

// A committed offset as OffsetCommitValue stores it.
struct CommittedOffset {
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
  std::string metadata;
  std::int64_t commit_timestamp = -1;
  std::optional<std::int64_t> expire_timestamp;  // only commits with a retention time
  bool operator==(const CommittedOffset&) const = default;
};

// A record for the log: key and value (nullopt: tombstone).
struct GroupRecord {
  std::vector<std::uint8_t> key;
  std::optional<std::vector<std::uint8_t>> value;
};

GroupRecord offset_commit_record(const OffsetKey& key, const CommittedOffset& value);
GroupRecord offset_tombstone(const OffsetKey& key);
// GroupMetadataValue is written at version 3 (Kafka since 2.3).
protocol::Result<GroupRecord> group_metadata_record(const std::string& group,
                                                    const protocol::GroupMetadataValue& value);
GroupRecord group_tombstone(const std::string& group);

// A transactional producer, as a TxnOffsetCommit batch carries it.
struct BatchProducer {
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
};

// The batch written for `records`: uncompressed, CreateTime `timestamp`.
// With `producer`, a transactional batch of that producer with no sequence
// (RecordBatch.NO_SEQUENCE), as Kafka writes a TxnOffsetCommit.
protocol::Result<std::vector<std::uint8_t>> build_group_batch(const std::vector<GroupRecord>& records,
                                                              std::int64_t timestamp,
                                                              std::optional<BatchProducer> producer = std::nullopt);

// CORRUPT_MESSAGE for bytes that are not a key Kafka writes (unknown key
// versions are other record types of newer coordinators: UNSUPPORTED_VERSION).
protocol::Result<GroupRecordKey> decode_group_record_key(std::span<const std::uint8_t> key);
protocol::Result<CommittedOffset> decode_offset_commit_value(std::span<const std::uint8_t> value);
protocol::Result<protocol::GroupMetadataValue> decode_group_metadata_value(std::span<const std::uint8_t> value);

}  // namespace sluice::coordinator
