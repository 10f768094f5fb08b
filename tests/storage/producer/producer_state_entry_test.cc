#include "storage/producer/producer_state_entry.h"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::storage {
namespace {

constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();

TEST(ProducerStateEntryTest, SequenceArithmeticWrapsAtIntMax) {
  EXPECT_EQ(increment_sequence(5, 3), 8);
  EXPECT_EQ(increment_sequence(kMax, 1), 0);
  EXPECT_EQ(increment_sequence(kMax - 1, 3), 1);
  EXPECT_EQ(decrement_sequence(8, 3), 5);
  EXPECT_EQ(decrement_sequence(0, 1), kMax);
  EXPECT_EQ(decrement_sequence(1, 3), kMax - 1);
}

TEST(ProducerStateEntryTest, BatchMetadataDerivesFirstSequenceAndOffsetAcrossWrap) {
  const BatchMetadata batch{/*last_seq=*/1, /*last_offset=*/100, /*offset_delta=*/3, /*timestamp=*/7};
  EXPECT_EQ(batch.first_seq(), kMax - 1);
  EXPECT_EQ(batch.first_offset(), 97);
}

TEST(ProducerStateEntryTest, EmptyEntryHasNoEpochNorSequence) {
  const ProducerStateEntry entry = ProducerStateEntry::empty(42);
  EXPECT_EQ(entry.producer_id(), 42);
  EXPECT_EQ(entry.producer_epoch(), protocol::kNoProducerEpoch);
  EXPECT_TRUE(entry.is_empty());
  EXPECT_EQ(entry.last_seq(), protocol::kNoSequence);
  EXPECT_EQ(entry.last_data_offset(), -1);
  EXPECT_FALSE(entry.current_txn_first_offset());
}

TEST(ProducerStateEntryTest, RetainsOnlyTheLastFiveBatches) {
  ProducerStateEntry entry = ProducerStateEntry::empty(1);
  for (int i = 0; i < 6; ++i) entry.add_batch(0, i * 10 + 9, i * 10 + 9, 9, 1000 + i);
  ASSERT_EQ(entry.batches().size(), kNumBatchesToRetain);
  EXPECT_EQ(entry.first_seq(), 10);  // batch 0 (seqs 0..9) fell out
  EXPECT_EQ(entry.last_seq(), 59);
  EXPECT_EQ(entry.first_data_offset(), 10);
  EXPECT_EQ(entry.last_data_offset(), 59);
  EXPECT_EQ(entry.last_timestamp(), 1005);
  EXPECT_FALSE(entry.find_duplicate_batch(0, 0, 9));
  EXPECT_TRUE(entry.find_duplicate_batch(0, 10, 19));
}

TEST(ProducerStateEntryTest, DuplicateNeedsSameEpochAndExactSequenceRange) {
  ProducerStateEntry entry = ProducerStateEntry::empty(1);
  entry.add_batch(3, 4, 104, 4, 1000);  // seqs 0..4 at offsets 100..104
  auto dup = entry.find_duplicate_batch(3, 0, 4);
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->first_offset(), 100);
  EXPECT_EQ(dup->last_offset, 104);
  EXPECT_FALSE(entry.find_duplicate_batch(2, 0, 4));  // other epoch
  EXPECT_FALSE(entry.find_duplicate_batch(3, 0, 3));  // overlapping, not equal
  EXPECT_FALSE(entry.find_duplicate_batch(3, 1, 4));
}

TEST(ProducerStateEntryTest, NewEpochClearsCachedBatches) {
  ProducerStateEntry entry = ProducerStateEntry::empty(1);
  entry.add_batch(0, 4, 4, 4, 1000);
  entry.add_batch(1, 0, 5, 0, 1001);
  EXPECT_EQ(entry.producer_epoch(), 1);
  ASSERT_EQ(entry.batches().size(), 1u);
  EXPECT_EQ(entry.last_seq(), 0);
}

TEST(ProducerStateEntryTest, UpdateMergesNewBatchesAndMarkerEndsTransaction) {
  ProducerStateEntry entry = ProducerStateEntry::empty(1);
  entry.add_batch(0, 4, 4, 4, 1000);
  ProducerStateEntry next = entry.without_batches();
  EXPECT_TRUE(next.is_empty());
  next.add_batch(0, 9, 9, 4, 1001);
  next.set_current_txn_first_offset(5);
  entry.update(next);
  ASSERT_EQ(entry.batches().size(), 2u);
  EXPECT_EQ(entry.current_txn_first_offset(), 5);
  entry.update_for_marker(0, 7, 1002);
  EXPECT_FALSE(entry.current_txn_first_offset());
  EXPECT_EQ(entry.coordinator_epoch(), 7);
  EXPECT_EQ(entry.last_timestamp(), 1002);
  EXPECT_EQ(entry.batches().size(), 2u);  // same epoch: cache kept
}

}  // namespace
}  // namespace sluice::storage
