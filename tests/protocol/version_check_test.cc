// Per-version presence, nullability and tagged fields, as Kafka's generated
// code enforces them.
#include <gtest/gtest.h>

#include "protocol/generated/all_messages.h"

namespace sluice::protocol {
namespace {

TEST(VersionCheck, NonDefaultFieldAVersionCannotCarryIsUnsupported) {
  ProduceRequest req;
  req.transactional_id = "txn";  // versions 3+
  EXPECT_EQ(encode(req, 2).code(), ErrorCode::UNSUPPORTED_VERSION);
  EXPECT_TRUE(encode(req, 3).ok());

  MetadataRequest meta;
  meta.allow_auto_topic_creation = false;  // versions 4+, default true
  EXPECT_EQ(encode(meta, 3).code(), ErrorCode::UNSUPPORTED_VERSION);
  meta.allow_auto_topic_creation = true;
  EXPECT_TRUE(encode(meta, 3).ok());
}

TEST(VersionCheck, NestedFieldsAreCheckedToo) {
  FetchRequest req;
  auto& partition = req.topics.emplace_back().partitions.emplace_back();
  partition.last_fetched_epoch = 3;  // versions 12+, not ignorable
  EXPECT_EQ(encode(req, 11).code(), ErrorCode::UNSUPPORTED_VERSION);
  EXPECT_TRUE(encode(req, 12).ok());
  partition.last_fetched_epoch = -1;
  partition.current_leader_epoch = 5;  // versions 9+, ignorable: dropped
  EXPECT_TRUE(encode(req, 8).ok());
  req.topics[0].topic_id = Uuid{1, 2};  // versions 13+, ignorable: dropped
  EXPECT_TRUE(encode(req, 12).ok());
}

TEST(VersionCheck, IgnorableFieldsAreDroppedSilently) {
  FetchResponse resp;
  resp.throttle_time_ms = 100;  // versions 1+, ignorable
  auto bytes = encode(resp, 0);
  ASSERT_TRUE(bytes.ok());
  auto back = decode<FetchResponse>(*bytes, 0);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->throttle_time_ms, 0);
}

TEST(VersionCheck, NullWhereTheVersionIsNotNullableIsAnError) {
  MetadataRequest req;
  req.topics.reset();  // null means "all topics" only from version 1
  EXPECT_EQ(encode(req, 0).code(), ErrorCode::INVALID_REQUEST);
  auto v1 = encode(req, 1);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(*v1, (std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xff}));
}

TEST(VersionCheck, DefaultsMatchKafka) {
  FetchRequest fetch;
  EXPECT_EQ(fetch.replica_id, -1);
  EXPECT_EQ(fetch.max_bytes, 0x7fffffff);
  EXPECT_EQ(fetch.isolation_level, 0);
  MetadataRequest meta;
  ASSERT_TRUE(meta.topics.has_value());  // nullable but not null by default
  EXPECT_TRUE(meta.allow_auto_topic_creation);
  ProduceRequest produce;
  EXPECT_FALSE(produce.transactional_id.has_value());
  EXPECT_TRUE(ProduceRequest::PartitionProduceData{}.records.is_null());
}

TEST(VersionCheck, TaggedFieldsAreWrittenOnlyWhenNotDefault) {
  FetchResponse resp;
  auto& partition = resp.responses.emplace_back().partitions.emplace_back();
  partition.records = RecordsView(std::span<const std::uint8_t>());
  auto plain = encode(resp, 12);
  ASSERT_TRUE(plain.ok());
  partition.current_leader.leader_id = 4;
  partition.current_leader.leader_epoch = 9;
  auto tagged = encode(resp, 12);
  ASSERT_TRUE(tagged.ok());
  // tag 1, size 1 + 4 + 4 bytes, struct body (two int32 and an empty tag buffer)
  EXPECT_EQ(tagged->size(), plain->size() + 2 + 9);
  auto back = decode<FetchResponse>(*tagged, 12);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->responses[0].partitions[0].current_leader.leader_id, 4);
  EXPECT_EQ(back->responses[0].partitions[0].current_leader.leader_epoch, 9);
}

TEST(VersionCheck, UnknownTaggedFieldsSurviveARoundTrip) {
  // ApiVersionsRequest v3: two compact strings, then a tag buffer with tag 7.
  const std::vector<std::uint8_t> bytes = {2, 'a', 2, 'b', 1, 7, 3, 'x', 'y', 'z'};
  auto req = decode<ApiVersionsRequest>(bytes, 3);
  ASSERT_TRUE(req.ok()) << req.status().detail;
  ASSERT_EQ(req->unknown_tagged_fields.size(), 1u);
  EXPECT_EQ(req->unknown_tagged_fields[0].tag, 7u);
  auto again = encode(*req, 3);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, bytes);
}

TEST(VersionCheck, NullableStructUsesAPresenceByte) {
  ConsumerGroupHeartbeatResponse resp;
  auto absent = encode(resp, 0);
  ASSERT_TRUE(absent.ok());
  resp.assignment.emplace();
  auto present = encode(resp, 0);
  ASSERT_TRUE(present.ok());
  // -1 for null; 1 followed by the struct (empty array + tag buffer) when set.
  EXPECT_EQ(present->size(), absent->size() + 2);
  auto back = decode<ConsumerGroupHeartbeatResponse>(*present, 0);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->assignment.has_value());
  back = decode<ConsumerGroupHeartbeatResponse>(*absent, 0);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->assignment.has_value());
}

TEST(VersionCheck, OverlongClassicStringIsRejected) {
  MetadataRequest req;
  req.topics->emplace_back().name = std::string(40000, 'x');
  EXPECT_EQ(encode(req, 8).code(), ErrorCode::INVALID_REQUEST);
  EXPECT_TRUE(encode(req, 9).ok());  // compact strings have no int16 limit
}

}  // namespace
}  // namespace sluice::protocol
