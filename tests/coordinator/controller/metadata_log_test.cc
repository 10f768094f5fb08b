#include "coordinator/controller/metadata_log.h"

#include <gtest/gtest.h>

#include "coordinator/controller/bootstrap_records.h"
#include "protocol/records/control_record.h"
#include "protocol/records/record_batch_builder.h"
#include "tests/coordinator/controller/controller_test_util.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;
using testing::read_batches;

VersionedRecord topic(const std::string& name, protocol::Uuid id) {
  protocol::TopicRecord r;
  r.name = name;
  r.topic_id = id;
  return at_current_version(std::move(r));
}

VersionedRecord partition(protocol::Uuid id, std::int32_t p) {
  protocol::PartitionRecord r;
  r.topic_id = id;
  r.partition_id = p;
  r.replicas = {1};
  r.isr = {1};
  r.leader = 1;
  r.leader_epoch = 0;
  r.partition_epoch = 0;
  r.directories = {directory_id::kUnassigned};
  return at_current_version(std::move(r));
}

class MetadataLogTest : public testing::MetadataLogTest {};

TEST_F(MetadataLogTest, AppendWritesOneDurableBatchAtTheEpoch) {
  auto log = open_log();
  auto metadata = MetadataLog::open(log, clock_);
  ASSERT_TRUE(metadata.ok()) << metadata.status().detail;
  EXPECT_TRUE((*metadata)->empty());
  EXPECT_EQ((*metadata)->last_epoch(), 0);

  std::vector<VersionedRecord> records = {topic("t", {1, 2}), partition({1, 2}, 0), partition({1, 2}, 1)};
  auto image = (*metadata)->append(records, 5);
  ASSERT_TRUE(image.ok()) << image.status().detail;
  EXPECT_EQ((*image)->offset, 2);
  EXPECT_EQ((*image)->epoch, 5);
  EXPECT_EQ((*image)->topic("t")->partitions.size(), 2u);

  EXPECT_EQ(log->log_end_offset(), 3);
  EXPECT_EQ(log->recovery_point(), 3) << "flushed before the append returns";
  EXPECT_EQ(log->high_watermark(), 3) << "committed";
  auto batches = read_batches(*log);
  ASSERT_EQ(batches.size(), 1u) << "one atomic batch";
  EXPECT_EQ(batches[0].epoch, 5);
  EXPECT_TRUE(batches[0].keys_null);
  EXPECT_EQ(batches[0].records, records);
  EXPECT_EQ((*metadata)->last_epoch(), 5);
}

TEST_F(MetadataLogTest, RecordsThatDoNotApplyAreNeverWritten) {
  auto log = open_log();
  auto metadata = MetadataLog::open(log, clock_);
  ASSERT_TRUE(metadata.ok());
  std::vector<VersionedRecord> orphan = {partition({9, 9}, 0)};
  EXPECT_EQ((*metadata)->append(orphan, 1).code(), ErrorCode::CORRUPT_MESSAGE);
  std::vector<VersionedRecord> open_txn = {at_current_version(protocol::BeginTransactionRecord{})};
  EXPECT_EQ((*metadata)->append(open_txn, 1).code(), ErrorCode::CORRUPT_MESSAGE);
  EXPECT_EQ(log->log_end_offset(), 0);
}

TEST_F(MetadataLogTest, ReopenReplaysEveryBatch) {
  std::shared_ptr<const MetadataImage> before;
  {
    auto log = open_log();
    auto metadata = MetadataLog::open(log, clock_);
    ASSERT_TRUE(metadata.ok());
    ASSERT_TRUE((*metadata)->append(bootstrap_records(), 1).ok());
    ASSERT_TRUE((*metadata)->append(std::vector{topic("a", {1, 1}), partition({1, 1}, 0)}, 1).ok());
    ASSERT_TRUE((*metadata)->append(std::vector{topic("b", {2, 2}), partition({2, 2}, 0)}, 2).ok());
    before = (*metadata)->image();
    ASSERT_TRUE(log->close().ok());
  }
  auto log = open_log();
  auto metadata = MetadataLog::open(log, clock_);
  ASSERT_TRUE(metadata.ok()) << metadata.status().detail;
  const MetadataImage& image = *(*metadata)->image();
  EXPECT_EQ(image.metadata_version(), 21);
  EXPECT_NE(image.topic("a"), nullptr);
  EXPECT_NE(image.topic("b"), nullptr);
  EXPECT_EQ(image.offset, 7);
  EXPECT_TRUE(image.same_metadata(*before));
  EXPECT_EQ(image.offset, before->offset);
  EXPECT_EQ((*metadata)->last_epoch(), 2);
  EXPECT_FALSE((*metadata)->open_transaction());
}

TEST_F(MetadataLogTest, ControlBatchesAreSkipped) {
  auto log = open_log();
  // A transaction marker stands in for Raft's own control records.
  auto marker = protocol::build_marker_batch({protocol::ControlType::kCommit, 0}, {});
  ASSERT_TRUE(marker.ok());
  std::vector<storage::RecordError> errors;
  ASSERT_TRUE(log->append_as_leader(*marker, 3, storage::AppendOrigin::kCoordinator, errors).ok());
  auto metadata = MetadataLog::open(log, clock_);
  ASSERT_TRUE(metadata.ok()) << metadata.status().detail;
  EXPECT_TRUE((*metadata)->image()->topics_by_id.empty());
  EXPECT_EQ((*metadata)->last_epoch(), 3);
}

TEST_F(MetadataLogTest, UnknownRecordTypesRefuseToLoad) {
  auto log = open_log();
  // An AccessControlEntryRecord (type 18): Kafka's, not Sluice's.
  const std::vector<std::uint8_t> acl = {0x01, 18, 0x00, 0x00};
  protocol::RecordBatchBuilder builder({});
  builder.append(0, std::nullopt, protocol::Bytes(acl));
  auto batch = builder.build();
  ASSERT_TRUE(batch.ok());
  std::vector<storage::RecordError> errors;
  ASSERT_TRUE(log->append_as_leader(*batch, 1, storage::AppendOrigin::kCoordinator, errors).ok());
  auto metadata = MetadataLog::open(log, clock_);
  EXPECT_EQ(metadata.code(), ErrorCode::UNSUPPORTED_VERSION);
}

TEST_F(MetadataLogTest, AnOpenTransactionIsDroppedAndCanBeAborted) {
  auto log = open_log();
  {
    auto metadata = MetadataLog::open(log, clock_);
    ASSERT_TRUE(metadata.ok());
    // Written around the loader, as a crash in the middle of a transaction leaves it.
    std::vector<std::vector<std::uint8_t>> values;
    for (const VersionedRecord& r : {at_current_version(protocol::BeginTransactionRecord{}), topic("half", {3, 3})}) {
      values.push_back(*encode_metadata_record(r));
    }
    protocol::RecordBatchBuilder builder({});
    for (const auto& v : values) builder.append(0, std::nullopt, protocol::Bytes(v));
    auto batch = builder.build();
    std::vector<storage::RecordError> errors;
    ASSERT_TRUE(log->append_as_leader(*batch, 1, storage::AppendOrigin::kCoordinator, errors).ok());
  }
  auto metadata = MetadataLog::open(log, clock_);
  ASSERT_TRUE(metadata.ok());
  EXPECT_EQ((*metadata)->open_transaction(), 0);
  EXPECT_EQ((*metadata)->image()->topic("half"), nullptr);
  EXPECT_EQ((*metadata)->append(std::vector{topic("x", {4, 4})}, 2).code(), ErrorCode::UNKNOWN_SERVER_ERROR);
  ASSERT_TRUE((*metadata)->append(std::vector{abort_transaction_record()}, 2).ok());
  EXPECT_FALSE((*metadata)->open_transaction());
  ASSERT_TRUE((*metadata)->append(std::vector{topic("x", {4, 4})}, 2).ok());
  EXPECT_EQ((*metadata)->image()->topic("half"), nullptr);
}

}  // namespace
}  // namespace sluice::coordinator
