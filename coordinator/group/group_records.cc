#include "coordinator/group/group_records.h"

#include "coordinator/common/versioned_record.h"
#include "protocol/generated/group_metadata_key.h"
#include "protocol/generated/offset_commit_key.h"
#include "protocol/generated/offset_commit_value.h"
#include "protocol/message_support.h"
#include "protocol/records/record_batch_builder.h"

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

constexpr std::int16_t kOffsetCommitKeyVersion = 1;
constexpr std::int16_t kGroupMetadataKeyVersion = 2;
// OffsetCommitValue v1 carries an expire timestamp; v3 (Kafka 2.1+) a leader epoch.
constexpr std::int16_t kOffsetCommitValueWithExpiry = 1;
constexpr std::int16_t kOffsetCommitValueVersion = 3;
constexpr std::int16_t kGroupMetadataValueVersion = 3;

template <class M>
Result<M> decode_body(std::span<const std::uint8_t> bytes, std::int16_t version) {
  auto m = protocol::decode<M>(bytes.subspan(2), version);
  if (!m.ok()) {
    return Status{
        m.code() == ErrorCode::UNSUPPORTED_VERSION ? ErrorCode::UNSUPPORTED_VERSION : ErrorCode::CORRUPT_MESSAGE,
        m.status().detail};
  }
  return m;
}

}  // namespace

GroupRecord offset_commit_record(const OffsetKey& key, const CommittedOffset& value) {
  protocol::OffsetCommitKey k;
  k.group = key.group;
  k.topic = key.topic;
  k.partition = key.partition;
  protocol::OffsetCommitValue v;
  v.offset = value.offset;
  v.leader_epoch = value.leader_epoch;
  v.metadata = value.metadata;
  v.commit_timestamp = value.commit_timestamp;
  std::int16_t version = kOffsetCommitValueVersion;
  if (value.expire_timestamp) {
    version = kOffsetCommitValueWithExpiry;
    v.expire_timestamp = *value.expire_timestamp;
  }
  return GroupRecord{versioned(k, kOffsetCommitKeyVersion), versioned(v, version)};
}

GroupRecord offset_tombstone(const OffsetKey& key) {
  protocol::OffsetCommitKey k;
  k.group = key.group;
  k.topic = key.topic;
  k.partition = key.partition;
  return GroupRecord{versioned(k, kOffsetCommitKeyVersion), std::nullopt};
}

Result<GroupRecord> group_metadata_record(const std::string& group, const protocol::GroupMetadataValue& value) {
  protocol::GroupMetadataKey k;
  k.group = group;
  std::vector<std::uint8_t> v{0, static_cast<std::uint8_t>(kGroupMetadataValueVersion)};
  if (Status s = protocol::encode_into(value, kGroupMetadataValueVersion, v); !s.ok()) return s;
  return GroupRecord{versioned(k, kGroupMetadataKeyVersion), std::move(v)};
}

GroupRecord group_tombstone(const std::string& group) {
  protocol::GroupMetadataKey k;
  k.group = group;
  return GroupRecord{versioned(k, kGroupMetadataKeyVersion), std::nullopt};
}

Result<std::vector<std::uint8_t>> build_group_batch(const std::vector<GroupRecord>& records, std::int64_t timestamp,
                                                    std::optional<BatchProducer> producer) {
  protocol::BatchOptions options;
  if (producer) {
    options.producer_id = producer->producer_id;
    options.producer_epoch = producer->producer_epoch;
    options.base_sequence = protocol::kNoSequence;
    options.transactional = true;
  }
  protocol::RecordBatchBuilder builder(options);
  for (const GroupRecord& r : records) {
    protocol::NullableBytes value;
    if (r.value) value = protocol::Bytes(*r.value);
    builder.append(timestamp, protocol::Bytes(r.key), value);
  }
  return builder.build();
}

Result<GroupRecordKey> decode_group_record_key(std::span<const std::uint8_t> key) {
  auto version = read_version(key, "Group record key");
  if (!version.ok()) return version.status();
  if (*version == 0 || *version == 1) {
    auto k = decode_body<protocol::OffsetCommitKey>(key, *version);
    if (!k.ok()) return k.status();
    return GroupRecordKey(OffsetKey{std::move(k->group), std::move(k->topic), k->partition});
  }
  if (*version == kGroupMetadataKeyVersion) {
    auto k = decode_body<protocol::GroupMetadataKey>(key, *version);
    if (!k.ok()) return k.status();
    return GroupRecordKey(GroupKey{std::move(k->group)});
  }
  return Status{ErrorCode::UNSUPPORTED_VERSION, "Unknown group record key version " + std::to_string(*version)};
}

Result<CommittedOffset> decode_offset_commit_value(std::span<const std::uint8_t> value) {
  auto version = read_version(value, "OffsetCommitValue");
  if (!version.ok()) return version.status();
  auto v = decode_body<protocol::OffsetCommitValue>(value, *version);
  if (!v.ok()) return v.status();
  CommittedOffset out;
  out.offset = v->offset;
  out.leader_epoch = *version >= 3 ? v->leader_epoch : -1;
  out.metadata = std::move(v->metadata);
  out.commit_timestamp = v->commit_timestamp;
  if (*version == 1 && v->expire_timestamp != -1) out.expire_timestamp = v->expire_timestamp;
  return out;
}

Result<protocol::GroupMetadataValue> decode_group_metadata_value(std::span<const std::uint8_t> value) {
  auto version = read_version(value, "GroupMetadataValue");
  if (!version.ok()) return version.status();
  return decode_body<protocol::GroupMetadataValue>(value, *version);
}

}  // namespace sluice::coordinator
