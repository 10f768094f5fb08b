// __transaction_state records in Kafka's byte format: Kafka's
// TransactionLogMessageFormatter (and Kafka itself) must decode what Sluice
// writes, and Sluice must read what Kafka wrote.
#include "coordinator/txn/txn_records.h"

#include <gtest/gtest.h>

#include "coordinator/txn/txn_loader.h"
#include "protocol/generated/transaction_log_value.h"
#include "protocol/message_support.h"

namespace sluice::coordinator {
namespace {

using Bytes = std::vector<std::uint8_t>;
using protocol::ErrorCode;

TxnTransit ongoing() {
  TxnTransit t;
  t.producer_id = 1000;
  t.producer_epoch = 3;
  t.txn_timeout_ms = 60000;
  t.state = TxnState::kOngoing;
  t.partitions = {{"a", 0}, {"a", 1}, {"b", 2}};
  t.txn_start_timestamp = 100;
  t.txn_last_update_timestamp = 200;
  return t;
}

TEST(TxnRecordsTest, KeyAndValueBytesAreKafkasVersionZero) {
  const TxnRecord r = txn_record("t1", ongoing());
  // Key version 0, transactional id "t1".
  EXPECT_EQ(r.key, (Bytes{0, 0, 0, 2, 't', '1'}));
  ASSERT_TRUE(r.value);
  // Value version 0: producer id, epoch, timeout, state, partitions by
  // topic, last update timestamp, start timestamp.
  const Bytes expected{
      0, 0,                                                     // version
      0, 0, 0,    0,    0, 0, 0x03, 0xE8,                       // producer id 1000
      0, 3,                                                     // epoch
      0, 0, 0xEA, 0x60,                                         // timeout 60000
      1,                                                        // Ongoing
      0, 0, 0,    2,                                            // two topics
      0, 1, 'a',  0,    0, 0, 2,    0,    0, 0, 0, 0, 0, 0, 1,  // a: 0, 1
      0, 1, 'b',  0,    0, 0, 1,    0,    0, 0, 2,              // b: 2
      0, 0, 0,    0,    0, 0, 0,    200,                        // last update
      0, 0, 0,    0,    0, 0, 0,    100,                        // start
  };
  EXPECT_EQ(*r.value, expected);
}

TEST(TxnRecordsTest, RoundTrip) {
  const TxnRecord r = txn_record("t1", ongoing());
  auto key = decode_txn_key(r.key);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "t1");
  auto value = decode_txn_value(*r.value);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, ongoing());  // last producer id and epoch: -1 both ways
}

TEST(TxnRecordsTest, EmptyStateWritesNullPartitions) {
  TxnTransit t = ongoing();
  t.state = TxnState::kEmpty;
  t.partitions.clear();
  t.txn_start_timestamp = -1;
  const TxnRecord r = txn_record("t1", t);
  ASSERT_TRUE(r.value);
  // After version, id, epoch, timeout and state: a null array.
  const Bytes partitions(r.value->begin() + 17, r.value->begin() + 21);
  EXPECT_EQ(partitions, (Bytes{0xFF, 0xFF, 0xFF, 0xFF}));
  auto value = decode_txn_value(*r.value);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->state, TxnState::kEmpty);
  EXPECT_TRUE(value->partitions.empty());
}

TEST(TxnRecordsTest, StateIdsAreKafkas) {
  const std::vector<std::pair<TxnState, int>> ids = {
      {TxnState::kEmpty, 0},        {TxnState::kOngoing, 1},           {TxnState::kPrepareCommit, 2},
      {TxnState::kPrepareAbort, 3}, {TxnState::kCompleteCommit, 4},    {TxnState::kCompleteAbort, 5},
      {TxnState::kDead, 6},         {TxnState::kPrepareEpochFence, 7},
  };
  for (const auto& [state, id] : ids) {
    TxnTransit t = ongoing();
    t.state = state;
    const TxnRecord r = txn_record("t", t);
    EXPECT_EQ((*r.value)[16], id) << txn_state_name(state);
    auto back = decode_txn_value(*r.value);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->state, state);
  }
}

TEST(TxnRecordsTest, ReadsFlexibleVersionOne) {
  // What Kafka writes once transaction.version >= 1.
  protocol::TransactionLogValue v;
  v.producer_id = 5;
  v.producer_epoch = 1;
  v.transaction_timeout_ms = 1000;
  v.transaction_status = 2;  // PrepareCommit
  auto& partitions = v.transaction_partitions.emplace().emplace_back();
  partitions.topic = "x";
  partitions.partition_ids = {3, 4};
  v.transaction_last_update_timestamp_ms = 9;
  v.transaction_start_timestamp_ms = 8;
  Bytes bytes{0, 1};
  ASSERT_TRUE(protocol::encode_into(v, 1, bytes).ok());
  auto t = decode_txn_value(bytes);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->state, TxnState::kPrepareCommit);
  EXPECT_EQ(t->partitions, (TopicPartitionSet{{"x", 3}, {"x", 4}}));
  EXPECT_EQ(t->txn_start_timestamp, 8);
  EXPECT_EQ(t->txn_last_update_timestamp, 9);
}

TEST(TxnRecordsTest, RejectsWhatIsNotATransactionRecord) {
  EXPECT_EQ(decode_txn_key(Bytes{0}).code(), ErrorCode::CORRUPT_MESSAGE);
  EXPECT_EQ(decode_txn_key(Bytes{0, 0, 0, 9, 'x'}).code(), ErrorCode::CORRUPT_MESSAGE);
  EXPECT_EQ(decode_txn_key(Bytes{0, 5, 0, 1, 'x'}).code(), ErrorCode::UNSUPPORTED_VERSION);
  TxnRecord r = txn_record("t", ongoing());
  (*r.value)[16] = 9;  // no such state
  EXPECT_EQ(decode_txn_value(*r.value).code(), ErrorCode::CORRUPT_MESSAGE);
  EXPECT_EQ(decode_txn_value(Bytes{0, 0, 1}).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(TxnRecordsTest, ReplayKeepsTheLatestAndTombstonesRemove) {
  LoadedTxns loaded;
  const auto apply = [&](const TxnRecord& r) {
    std::optional<std::span<const std::uint8_t>> value;
    if (r.value) value = *r.value;
    replay_txn_record(loaded, r.key, value);
  };
  TxnTransit first = ongoing();
  TxnTransit second = ongoing();
  second.state = TxnState::kPrepareCommit;
  apply(txn_record("t1", first));
  apply(txn_record("t2", first));
  apply(txn_record("t1", second));
  apply(txn_tombstone("t2"));
  apply(TxnRecord{Bytes{0, 9, 1, 2}, Bytes{1}});  // another record type: skipped
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded.at("t1").state, TxnState::kPrepareCommit);
  const TxnRecord tomb = txn_tombstone("t2");
  EXPECT_EQ(tomb.key, (Bytes{0, 0, 0, 2, 't', '2'}));
  EXPECT_FALSE(tomb.value);
}

}  // namespace
}  // namespace sluice::coordinator
