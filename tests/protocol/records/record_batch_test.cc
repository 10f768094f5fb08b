#include "protocol/records/record_batch.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <string>

#include "protocol/compression/codec.h"
#include "protocol/records/control_record.h"
#include "protocol/records/record_batch_builder.h"
#include "tests/protocol/records/records_test_util.h"

namespace sluice::protocol {
namespace {

using testing::as_bytes;
using testing::as_string;
using testing::record_data;

constexpr std::size_t kMaxInflate = 1 << 20;

std::vector<std::uint8_t> sample_batch(CompressionType codec) {
  BatchOptions o;
  o.compression = codec;
  o.base_offset = 100;
  o.partition_leader_epoch = 3;
  o.producer_id = 42;
  o.producer_epoch = 1;
  o.base_sequence = 7;
  RecordBatchBuilder b(o);
  const std::array<RecordHeader, 2> headers = {RecordHeader{"h1", as_bytes("v1")}, RecordHeader{"h2", std::nullopt}};
  b.append(1000, as_bytes("k0"), as_bytes("v0"), headers);
  static const std::string kLong(300, 'x');  // the builder keeps views
  b.append(1005, std::nullopt, as_bytes(kLong));
  b.append(999, as_bytes("k2"), std::nullopt);  // tombstone, earlier timestamp
  auto built = b.build();
  EXPECT_TRUE(built.ok()) << built.status().detail;
  return std::move(built).value();
}

TEST(RecordBatch, BuildParseRoundTripForEveryCodec) {
  for (CompressionType codec : {CompressionType::kNone, CompressionType::kGzip, CompressionType::kSnappy,
                                CompressionType::kLz4, CompressionType::kZstd}) {
    SCOPED_TRACE(std::string(compression_name(codec)));
    const std::vector<std::uint8_t> bytes = sample_batch(codec);
    auto view = RecordBatchView::parse(bytes);
    ASSERT_TRUE(view.ok()) << view.status().detail;
    const RecordBatchHeader& h = view->header();
    EXPECT_EQ(h.base_offset, 100);
    EXPECT_EQ(h.size_in_bytes(), bytes.size());
    EXPECT_EQ(h.partition_leader_epoch, 3);
    EXPECT_EQ(h.compression(), codec);
    EXPECT_EQ(h.records_count, 3);
    EXPECT_EQ(h.last_offset_delta, 2);
    EXPECT_EQ(h.last_offset(), 102);
    EXPECT_EQ(h.base_timestamp, 1000);
    EXPECT_EQ(h.max_timestamp, 1005);
    EXPECT_EQ(h.producer_id, 42);
    EXPECT_EQ(h.producer_epoch, 1);
    EXPECT_EQ(h.base_sequence, 7);
    EXPECT_EQ(h.last_sequence(), 9);
    EXPECT_EQ(h.timestamp_type(), TimestampType::kCreateTime);
    EXPECT_FALSE(h.is_transactional());
    EXPECT_FALSE(h.is_control());
    EXPECT_TRUE(view->crc_ok());

    std::vector<Record> records;
    std::vector<std::uint8_t> scratch;
    ASSERT_TRUE(view->records(records, scratch, kMaxInflate).ok());
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(as_string(records[0].key), "k0");
    EXPECT_EQ(as_string(records[0].value), "v0");
    ASSERT_EQ(records[0].headers.size(), 2u);
    EXPECT_EQ(records[0].headers[0].key, "h1");
    EXPECT_EQ(as_string(records[0].headers[0].value), "v1");
    EXPECT_FALSE(records[0].headers[1].value.has_value());
    EXPECT_FALSE(records[1].key.has_value());
    EXPECT_EQ(records[1].value->size(), 300u);
    EXPECT_EQ(records[1].timestamp_delta, 5);
    EXPECT_EQ(records[2].timestamp_delta, -1);
    EXPECT_EQ(records[2].offset_delta, 2);
    EXPECT_FALSE(records[2].value.has_value());
  }
}

TEST(RecordBatch, CrcMismatchIsDetectedAnywhereItCovers) {
  std::vector<std::uint8_t> bytes = sample_batch(CompressionType::kNone);
  for (std::size_t i = batch_layout::kAttributes; i < bytes.size(); i += 7) {
    std::vector<std::uint8_t> bad = bytes;
    bad[i] ^= 0x01;
    auto view = RecordBatchView::parse(bad);
    if (!view.ok()) continue;  // e.g. a record count that went negative
    EXPECT_FALSE(view->crc_ok()) << "flipped byte " << i;
  }
}

TEST(RecordBatch, OffsetAndLeaderEpochChangeWithoutBreakingTheCrc) {
  std::vector<std::uint8_t> bytes = sample_batch(CompressionType::kLz4);
  set_base_offset(bytes, 1'000'000'000'000);
  set_partition_leader_epoch(bytes, 17);
  auto view = RecordBatchView::parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->crc_ok());
  EXPECT_EQ(view->header().base_offset, 1'000'000'000'000);
  EXPECT_EQ(view->header().last_offset(), 1'000'000'000'002);
  EXPECT_EQ(view->header().partition_leader_epoch, 17);
}

TEST(RecordBatch, LogAppendTimeStampKeepsTheCrcValid) {
  std::vector<std::uint8_t> bytes = sample_batch(CompressionType::kNone);
  set_max_timestamp(bytes, TimestampType::kLogAppendTime, 123456789);
  auto view = RecordBatchView::parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->crc_ok());
  EXPECT_EQ(view->header().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(view->header().max_timestamp, 123456789);
  EXPECT_EQ(view->header().compression(), CompressionType::kNone);
}

TEST(RecordBatch, SequenceNumbersWrapAtIntMax) {
  RecordBatchHeader h;
  h.base_sequence = 2147483646;
  h.last_offset_delta = 3;
  EXPECT_EQ(h.last_sequence(), 1);
  h.base_sequence = kNoSequence;
  EXPECT_EQ(h.last_sequence(), kNoSequence);
}

TEST(RecordBatch, ControlBatchCarriesTheMarker) {
  MarkerBatchOptions o;
  o.base_offset = 55;
  o.producer_id = 9;
  o.producer_epoch = 2;
  o.timestamp = 777;
  auto bytes = build_marker_batch({ControlType::kCommit, 12}, o);
  ASSERT_TRUE(bytes.ok());
  auto view = RecordBatchView::parse(*bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->header().is_control());
  EXPECT_TRUE(view->header().is_transactional());
  EXPECT_EQ(view->header().producer_id, 9);
  EXPECT_TRUE(view->crc_ok());
  std::vector<Record> records;
  std::vector<std::uint8_t> scratch;
  ASSERT_TRUE(view->records(records, scratch, kMaxInflate).ok());
  ASSERT_EQ(records.size(), 1u);
  auto marker = parse_end_txn_marker(records[0]);
  ASSERT_TRUE(marker.ok());
  EXPECT_EQ(marker->type, ControlType::kCommit);
  EXPECT_EQ(marker->coordinator_epoch, 12);
}

TEST(RecordBatch, BatchesWrittenByLibrdkafkaDecode) {
  for (const char* name : {"librdkafka_none.bin", "librdkafka_gzip.bin", "librdkafka_snappy.bin", "librdkafka_lz4.bin",
                           "librdkafka_zstd.bin", "librdkafka_idempotent.bin"}) {
    SCOPED_TRACE(name);
    const std::vector<std::uint8_t> bytes = record_data(name);
    ASSERT_FALSE(bytes.empty());
    auto view = RecordBatchView::parse(bytes);
    ASSERT_TRUE(view.ok()) << view.status().detail;
    EXPECT_EQ(view->header().size_in_bytes(), bytes.size());
    EXPECT_TRUE(view->crc_ok());
    std::vector<Record> records;
    std::vector<std::uint8_t> scratch;
    ASSERT_TRUE(view->records(records, scratch, kMaxInflate).ok());
    ASSERT_EQ(records.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(as_string(records[i].key), "key-" + std::to_string(i + 1));
      EXPECT_EQ(as_string(records[i].value), "value-" + std::to_string(i + 1));
      EXPECT_EQ(records[i].offset_delta, i);
    }
    ASSERT_EQ(records[0].headers.size(), 1u);
    EXPECT_EQ(records[0].headers[0].key, "golden-header");
    EXPECT_EQ(as_string(records[0].headers[0].value), "hv-1");
  }
  auto idem = RecordBatchView::parse(record_data("librdkafka_idempotent.bin"));
  ASSERT_TRUE(idem.ok());
  EXPECT_TRUE(idem->header().has_producer_id());
  EXPECT_EQ(idem->header().base_sequence, 0);
}

TEST(RecordBatch, TruncationAndCorruptionAreErrorsNeverCrashes) {
  for (CompressionType codec : {CompressionType::kNone, CompressionType::kZstd, CompressionType::kGzip}) {
    const std::vector<std::uint8_t> bytes = sample_batch(codec);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_FALSE(RecordBatchView::parse(cut).ok()) << n;
    }
    // A batch whose length claims less than its records: the records fail.
    for (std::size_t i = batch_layout::kRecords; i < bytes.size(); ++i) {
      std::vector<std::uint8_t> bad = bytes;
      bad[i] = static_cast<std::uint8_t>(bad[i] ^ 0x5a);
      auto view = RecordBatchView::parse(bad);
      ASSERT_TRUE(view.ok());
      std::vector<Record> records;
      std::vector<std::uint8_t> scratch;
      (void)view->records(records, scratch, kMaxInflate);  // any result, no crash
    }
  }
}

TEST(RecordBatch, ClaimedCountsAndLengthsAllocateNothing) {
  std::vector<std::uint8_t> bytes = sample_batch(CompressionType::kNone);
  // Claim two billion records.
  bytes[batch_layout::kRecordsCount] = 0x7f;
  update_crc(bytes);
  auto view = RecordBatchView::parse(bytes);
  ASSERT_TRUE(view.ok());
  std::vector<Record> records;
  std::vector<std::uint8_t> scratch;
  EXPECT_EQ(view->records(records, scratch, kMaxInflate).code, ErrorCode::CORRUPT_MESSAGE);
  EXPECT_LT(records.capacity(), 1000u);
}

// Found by the segment recovery fuzzer: a header whose last offset overflows
// int64 was arithmetic on garbage; it is corrupt, whatever the CRC says.
TEST(RecordBatch, OffsetsThatOverflowAreCorrupt) {
  std::vector<std::uint8_t> bytes = sample_batch(CompressionType::kNone);  // last offset delta 2
  set_base_offset(bytes, std::numeric_limits<std::int64_t>::max() - 3);
  ASSERT_TRUE(parse_batch_header(bytes).ok());  // its next offset, INT64_MAX, still fits
  set_base_offset(bytes, std::numeric_limits<std::int64_t>::max() - 2);
  EXPECT_EQ(parse_batch_header(bytes).status().code, ErrorCode::CORRUPT_MESSAGE);
  EXPECT_EQ(RecordBatchView::parse(bytes).status().code, ErrorCode::CORRUPT_MESSAGE);

  set_base_offset(bytes, 0);
  bytes[batch_layout::kLastOffsetDelta] = 0xff;  // a negative delta
  EXPECT_EQ(parse_batch_header(bytes).status().code, ErrorCode::CORRUPT_MESSAGE);
}

// Found by the record batch fuzzer: timestamps more than int64 apart in one
// batch (a producer's, rebuilt by the broker) encode as wrapped deltas, as
// Java's do, and decode back to themselves.
TEST(RecordBatch, TimestampsMoreThanInt64ApartRoundTrip) {
  constexpr std::int64_t kLate = std::numeric_limits<std::int64_t>::max() - 5;
  constexpr std::int64_t kEarly = std::numeric_limits<std::int64_t>::min() + 7;
  RecordBatchBuilder b(BatchOptions{});
  b.append(kLate, std::nullopt, as_bytes("late"));
  b.append(kEarly, std::nullopt, as_bytes("early"));
  auto built = b.build();
  ASSERT_TRUE(built.ok());
  auto view = RecordBatchView::parse(*built);
  ASSERT_TRUE(view.ok());
  std::vector<Record> records;
  std::vector<std::uint8_t> scratch;
  ASSERT_TRUE(view->records(records, scratch, kMaxInflate).ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(record_timestamp(view->header(), records[0]), kLate);
  EXPECT_EQ(record_timestamp(view->header(), records[1]), kEarly);
  EXPECT_EQ(view->header().max_timestamp, kLate);
}

TEST(RecordBatch, EntryIteratorWalksBatchesAndStopsAtAPartialOne) {
  std::vector<std::uint8_t> all = sample_batch(CompressionType::kNone);
  const std::size_t first = all.size();
  std::vector<std::uint8_t> second = sample_batch(CompressionType::kSnappy);
  all.insert(all.end(), second.begin(), second.end());
  all.insert(all.end(), second.begin(), second.begin() + 30);  // partial
  EntryIterator it(all);
  auto a = it.next();
  auto b = it.next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), first);
  EXPECT_EQ(b->size(), second.size());
  EXPECT_FALSE(it.next().has_value());
  EXPECT_TRUE(it.error().ok());
  EXPECT_EQ(it.remaining(), 30u);
}

TEST(RecordBatch, DecompressionIsBounded) {
  BatchOptions o;
  o.compression = CompressionType::kZstd;
  RecordBatchBuilder b(o);
  const std::string big(4 << 20, 'z');
  b.append(1, std::nullopt, as_bytes(big));
  auto bytes = b.build();
  ASSERT_TRUE(bytes.ok());
  EXPECT_LT(bytes->size(), 4096u);
  auto view = RecordBatchView::parse(*bytes);
  ASSERT_TRUE(view.ok());
  std::vector<Record> records;
  std::vector<std::uint8_t> scratch;
  EXPECT_EQ(view->records(records, scratch, 1 << 20).code, ErrorCode::RECORD_LIST_TOO_LARGE);
}

}  // namespace
}  // namespace sluice::protocol
