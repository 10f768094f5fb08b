// __consumer_offsets records in Kafka's byte format: tools that read the
// topic (and Kafka itself) must decode what Sluice writes.
#include "coordinator/group/group_records.h"

#include <gtest/gtest.h>

namespace sluice::coordinator {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(GroupRecordsTest, OffsetCommitKeyAndValueBytes) {
  CommittedOffset value;
  value.offset = 42;
  value.leader_epoch = 3;
  value.metadata = "m";
  value.commit_timestamp = 0x0102030405060708;
  const GroupRecord r = offset_commit_record({"g", "t", 5}, value);
  // Key version 1, group "g", topic "t", partition 5.
  EXPECT_EQ(r.key, (Bytes{0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 5}));
  // Value version 3: offset, leader epoch, metadata, commit timestamp.
  ASSERT_TRUE(r.value);
  EXPECT_EQ(*r.value, (Bytes{0, 3, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 3, 0, 1, 'm', 1, 2, 3, 4, 5, 6, 7, 8}));

  auto key = decode_group_record_key(r.key);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(std::get<OffsetKey>(*key), (OffsetKey{"g", "t", 5}));
  auto decoded = decode_offset_commit_value(*r.value);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, value);
}

TEST(GroupRecordsTest, RetentionTimeWritesVersionOneWithExpireTimestamp) {
  CommittedOffset value;
  value.offset = 7;
  value.commit_timestamp = 1000;
  value.expire_timestamp = 5000;
  const GroupRecord r = offset_commit_record({"g", "t", 0}, value);
  ASSERT_TRUE(r.value);
  EXPECT_EQ((*r.value)[1], 1);
  auto decoded = decode_offset_commit_value(*r.value);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->expire_timestamp, 5000);
  EXPECT_EQ(decoded->leader_epoch, -1);
}

TEST(GroupRecordsTest, GroupMetadataRoundTripAndTombstones) {
  protocol::GroupMetadataValue v;
  v.protocol_type = "consumer";
  v.generation = 4;
  v.protocol = "range";
  v.leader = "m1";
  v.current_state_timestamp = 99;
  auto& m = v.members.emplace_back();
  m.member_id = "m1";
  m.group_instance_id = "i1";
  m.client_id = "c";
  m.client_host = "/127.0.0.1";
  m.rebalance_timeout = 300000;
  m.session_timeout = 10000;
  m.subscription = {1, 2};
  m.assignment = {3};
  auto r = group_metadata_record("grp", v);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->key, (Bytes{0, 2, 0, 3, 'g', 'r', 'p'}));
  ASSERT_TRUE(r->value);
  EXPECT_EQ((*r->value)[1], 3) << "GroupMetadataValue version 3";
  auto decoded = decode_group_metadata_value(*r->value);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, v);

  EXPECT_FALSE(group_tombstone("grp").value);
  EXPECT_FALSE(offset_tombstone({"grp", "t", 1}).value);
  EXPECT_EQ(std::get<GroupKey>(*decode_group_record_key(group_tombstone("grp").key)).group, "grp");
}

TEST(GroupRecordsTest, BadBytesAreErrorsNotCrashes) {
  EXPECT_FALSE(decode_group_record_key(Bytes{}).ok());
  EXPECT_FALSE(decode_group_record_key(Bytes{0, 1, 0, 9, 'g'}).ok());
  EXPECT_EQ(decode_group_record_key(Bytes{0, 7, 0, 0}).code(), protocol::ErrorCode::UNSUPPORTED_VERSION);
  EXPECT_FALSE(decode_offset_commit_value(Bytes{0, 3, 0, 0}).ok());
  EXPECT_FALSE(decode_group_metadata_value(Bytes{0}).ok());
}

}  // namespace
}  // namespace sluice::coordinator
