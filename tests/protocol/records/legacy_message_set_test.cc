#include "protocol/records/legacy_message_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "protocol/compression/lz4_codec.h"
#include "protocol/records/control_record.h"
#include "protocol/records/convert.h"
#include "protocol/records/record_batch_builder.h"
#include "tests/protocol/records/records_test_util.h"

namespace sluice::protocol {
namespace {

using testing::as_bytes;
using testing::as_string;
using testing::record_data;

constexpr std::size_t kMaxInflate = 1 << 20;

std::vector<std::uint8_t> build_legacy(std::int8_t magic, CompressionType codec, std::int64_t first_offset = 10) {
  LegacyMessageSetBuilder b(magic, codec);
  b.append(first_offset, 5000, as_bytes("a"), as_bytes("apple"));
  b.append(first_offset + 1, 5001, std::nullopt, as_bytes("banana"));
  b.append(first_offset + 3, 4999, as_bytes("c"), std::nullopt);  // a gap, as compaction leaves
  auto bytes = b.build();
  EXPECT_TRUE(bytes.ok()) << bytes.status().detail;
  return std::move(bytes).value();
}

TEST(LegacyMessageSet, RoundTripBothMagicsAndLegacyCodecs) {
  for (std::int8_t magic : {0, 1}) {
    for (CompressionType codec :
         {CompressionType::kNone, CompressionType::kGzip, CompressionType::kSnappy, CompressionType::kLz4}) {
      SCOPED_TRACE("magic " + std::to_string(magic) + " " + std::string(compression_name(codec)));
      const auto bytes = build_legacy(magic, codec);  // the set's views point into it
      auto set = read_legacy_message_set(bytes, kMaxInflate);
      ASSERT_TRUE(set.ok()) << set.status().detail;
      ASSERT_EQ(set->messages.size(), 3u);
      EXPECT_EQ(set->source_compression, codec);
      const auto& m = set->messages;
      EXPECT_EQ(m[0].offset, 10);
      EXPECT_EQ(m[1].offset, 11);
      EXPECT_EQ(m[2].offset, 13);
      EXPECT_EQ(as_string(m[0].key), "a");
      EXPECT_EQ(as_string(m[0].value), "apple");
      EXPECT_FALSE(m[1].key.has_value());
      EXPECT_FALSE(m[2].value.has_value());
      EXPECT_EQ(m[0].magic, magic);
      EXPECT_EQ(m[0].timestamp, magic == 1 ? 5000 : kNoTimestamp);
      EXPECT_EQ(m[2].timestamp, magic == 1 ? 4999 : kNoTimestamp);
    }
  }
}

TEST(LegacyMessageSet, Magic0Lz4CarriesTheKafka3160Checksum) {
  const std::vector<std::uint8_t> bytes = build_legacy(0, CompressionType::kLz4);
  // Wrapper value: after offset, size, crc, magic, attributes, key (-1) and the value length.
  const std::span<const std::uint8_t> frame = std::span(bytes).subspan(8 + 4 + 4 + 1 + 1 + 4 + 4);
  auto broken = lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kKafka3160);
  auto standard = lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kStandard);
  ASSERT_TRUE(broken && standard);
  ASSERT_NE(*broken, *standard);
  EXPECT_EQ(frame[6], *broken);  // magic(4) + FLG + BD, then HC
}

TEST(LegacyMessageSet, CrcMismatchIsCorrupt) {
  std::vector<std::uint8_t> bytes = build_legacy(1, CompressionType::kNone);
  bytes[30] ^= 0x40;
  auto set = read_legacy_message_set(bytes, kMaxInflate);
  EXPECT_EQ(set.code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(LegacyMessageSet, WrapperOffsetThatOverflowsTheInnerOffsetsIsCorrupt) {
  // Found by the fuzzer: a magic 1 wrapper at offset INT64_MIN made the
  // absolute inner offsets (wrapper - last relative + relative) overflow.
  std::vector<std::uint8_t> bytes = build_legacy(1, CompressionType::kGzip);
  bytes[0] = 0x80;  // the wrapper's offset (outside the CRC): INT64_MIN
  std::fill(bytes.begin() + 1, bytes.begin() + 8, 0);
  auto set = read_legacy_message_set(bytes, kMaxInflate);
  EXPECT_EQ(set.code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(LegacyMessageSet, EveryTruncationIsAnErrorOrFewerMessages) {
  for (CompressionType codec : {CompressionType::kNone, CompressionType::kGzip}) {
    const std::vector<std::uint8_t> bytes = build_legacy(1, codec);
    for (std::size_t n = 1; n < bytes.size(); ++n) {
      std::span<const std::uint8_t> cut(bytes.data(), n);
      auto set = read_legacy_message_set(cut, kMaxInflate);
      // A cut at a message boundary is a valid, shorter message set.
      if (set.ok()) {
        EXPECT_EQ(codec, CompressionType::kNone) << n;
        EXPECT_LT(set->messages.size(), 3u) << n;
      }
    }
  }
}

TEST(LegacyMessageSet, KafkaPythonMagic1MessagesDecode) {
  for (const char* name : {"kafka_python_magic1_none.bin", "kafka_python_magic1_gzip.bin"}) {
    SCOPED_TRACE(name);
    const auto bytes = record_data(name);  // the set's views point into it
    auto set = read_legacy_message_set(bytes, kMaxInflate);
    ASSERT_TRUE(set.ok()) << set.status().detail;
    ASSERT_EQ(set->messages.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(set->messages[i].magic, 1);
      // Producers' offsets are placeholders the broker replaces; they only
      // need to be consecutive.
      EXPECT_EQ(set->messages[i].offset, set->messages[0].offset + i);
      EXPECT_EQ(as_string(set->messages[i].key), "key-" + std::to_string(i + 1));
      EXPECT_EQ(as_string(set->messages[i].value), "value-" + std::to_string(i + 1));
      EXPECT_GT(set->messages[i].timestamp, 1'600'000'000'000);
    }
  }
}

TEST(Convert, UpConvertKeepsKeysValuesAndTimestamps) {
  const auto bytes = build_legacy(1, CompressionType::kSnappy);
  auto set = read_legacy_message_set(bytes, kMaxInflate);
  ASSERT_TRUE(set.ok());
  auto batch_bytes = up_convert(set->messages, CompressionType::kSnappy);
  ASSERT_TRUE(batch_bytes.ok());
  auto batch = RecordBatchView::parse(*batch_bytes);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->crc_ok());
  EXPECT_EQ(batch->header().compression(), CompressionType::kSnappy);
  std::vector<Record> records;
  std::vector<std::uint8_t> scratch;
  ASSERT_TRUE(batch->records(records, scratch, kMaxInflate).ok());
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(as_string(records[1].value), "banana");
  EXPECT_EQ(batch->header().base_timestamp + records[2].timestamp_delta, 4999);
  EXPECT_EQ(batch->header().max_timestamp, 5001);
}

std::vector<std::uint8_t> v2_batches() {
  std::vector<std::uint8_t> out;
  for (int b = 0; b < 2; ++b) {
    BatchOptions o;
    o.base_offset = 100 + 10 * b;
    o.compression = b == 0 ? CompressionType::kNone : CompressionType::kGzip;
    RecordBatchBuilder builder(o);
    // The builder keeps views: the keys must outlive build().
    std::vector<std::string> keys;
    for (int i = 0; i < 3; ++i) keys.push_back("k" + std::to_string(b) + std::to_string(i));
    for (int i = 0; i < 3; ++i) builder.append(1000 + i, as_bytes(keys[i]), as_bytes("value"));
    auto bytes = builder.build();
    out.insert(out.end(), bytes->begin(), bytes->end());
  }
  MarkerBatchOptions m;
  m.base_offset = 120;
  auto marker = build_marker_batch({ControlType::kCommit, 0}, m);
  out.insert(out.end(), marker->begin(), marker->end());
  return out;
}

TEST(Convert, DownConvertToEachLegacyMagic) {
  for (std::int8_t magic : {0, 1}) {
    SCOPED_TRACE(static_cast<int>(magic));
    auto legacy = down_convert(v2_batches(), magic, 101, kMaxInflate);
    ASSERT_TRUE(legacy.ok()) << legacy.status().detail;
    auto set = read_legacy_message_set(*legacy, kMaxInflate);
    ASSERT_TRUE(set.ok()) << set.status().detail;
    // Offset 100 of the uncompressed batch is left out; the compressed batch
    // keeps all its records; the control batch is dropped.
    ASSERT_EQ(set->messages.size(), 5u);
    EXPECT_EQ(set->messages[0].offset, 101);
    EXPECT_EQ(set->messages[2].offset, 110);
    EXPECT_EQ(set->messages[4].offset, 112);
    EXPECT_EQ(as_string(set->messages[3].key), "k11");
    EXPECT_EQ(set->messages[4].timestamp, magic == 1 ? 1002 : kNoTimestamp);
    EXPECT_EQ(set->source_compression, CompressionType::kGzip);
  }
}

TEST(Convert, DownConvertOfZstdIsUnsupported) {
  BatchOptions o;
  o.compression = CompressionType::kZstd;
  RecordBatchBuilder builder(o);
  builder.append(1, std::nullopt, as_bytes("v"));
  auto bytes = builder.build();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(down_convert(*bytes, 1, 0, kMaxInflate).code(), ErrorCode::UNSUPPORTED_COMPRESSION_TYPE);
}

TEST(Convert, LogAppendTimeDownConvertsToTheBatchTimestamp) {
  BatchOptions o;
  o.timestamp_type = TimestampType::kLogAppendTime;
  o.log_append_time = 424242;
  RecordBatchBuilder builder(o);
  builder.append(1, std::nullopt, as_bytes("v"));
  auto legacy = down_convert(*builder.build(), 1, 0, kMaxInflate);
  ASSERT_TRUE(legacy.ok());
  auto set = read_legacy_message_set(*legacy, kMaxInflate);
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->messages.size(), 1u);
  EXPECT_EQ(set->messages[0].timestamp, 424242);
  EXPECT_EQ(set->messages[0].timestamp_type(), TimestampType::kLogAppendTime);
}

}  // namespace
}  // namespace sluice::protocol
