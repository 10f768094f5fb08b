// Compressed batches captured from real clients decode to the records they
// hold: RecordBatch v2 from librdkafka in every codec, and a legacy magic 1
// gzip wrapper message from kafka-python.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "protocol/compression/codec.h"
#include "protocol/reader.h"
#include "tests/protocol/compression/compression_test_util.h"

namespace sluice::protocol {
namespace {

using testing::kMiB;
using testing::records_data;

constexpr std::size_t kV2RecordsAt = 61;  // RecordBatch v2 header size

struct V2Batch {
  std::int8_t magic = 0;
  std::int16_t attributes = 0;
  std::int32_t record_count = 0;
  std::int32_t batch_length = 0;
  std::span<const std::uint8_t> records;
};

V2Batch parse_v2_header(std::span<const std::uint8_t> bytes) {
  V2Batch b;
  Reader r(bytes);
  (void)r.i64();  // baseOffset
  b.batch_length = r.i32();
  (void)r.i32();  // partitionLeaderEpoch
  b.magic = r.i8();
  (void)r.u32();  // crc (CRC-32C; checked by the records layer)
  b.attributes = r.i16();
  (void)r.i32();  // lastOffsetDelta
  (void)r.i64();  // baseTimestamp
  (void)r.i64();  // maxTimestamp
  (void)r.i64();  // producerId
  (void)r.i16();  // producerEpoch
  (void)r.i32();  // baseSequence
  b.record_count = r.i32();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), kV2RecordsAt);
  b.records = bytes.subspan(kV2RecordsAt);
  return b;
}

std::string read_varint_string(Reader& r) {
  const std::int32_t n = r.varint();
  if (n < 0) return "<null>";
  const std::span<const std::uint8_t> s = r.view(static_cast<std::size_t>(n));
  return std::string(s.begin(), s.end());
}

// Walks `count` v2 records: each a zig-zag varint length and that many bytes,
// which must add up to exactly the whole buffer. Returns the keys.
std::vector<std::string> v2_record_keys(std::span<const std::uint8_t> records, std::int32_t count) {
  std::vector<std::string> keys;
  Reader r(records);
  for (std::int32_t i = 0; i < count; ++i) {
    const std::int32_t length = r.varint();
    EXPECT_GT(length, 0) << "record " << i;
    if (length <= 0) return keys;
    Reader rec = r.sub(static_cast<std::size_t>(length));
    (void)rec.i8();       // attributes
    (void)rec.varlong();  // timestampDelta
    EXPECT_EQ(rec.varint(), i) << "offsetDelta";
    keys.push_back(read_varint_string(rec));
    (void)read_varint_string(rec);  // value
    const std::int32_t headers = rec.varint();
    for (std::int32_t h = 0; h < headers; ++h) {
      (void)read_varint_string(rec);
      (void)read_varint_string(rec);
    }
    EXPECT_TRUE(rec.ok()) << "record " << i;
    EXPECT_EQ(rec.remaining(), 0u) << "record " << i;
  }
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u) << "records must fill the decompressed payload exactly";
  return keys;
}

class CompressionClientData : public ::testing::TestWithParam<std::string> {};

TEST_P(CompressionClientData, LibrdkafkaBatchDecompressesToItsRecords) {
  const std::string codec = GetParam();
  const std::vector<std::uint8_t> file = records_data("librdkafka_" + codec + ".bin");
  ASSERT_GT(file.size(), kV2RecordsAt);
  const V2Batch batch = parse_v2_header(file);
  ASSERT_EQ(batch.magic, 2);
  ASSERT_EQ(static_cast<std::size_t>(batch.batch_length) + 12, file.size());
  const std::optional<CompressionType> type = compression_from_attributes(batch.attributes);
  ASSERT_TRUE(type.has_value());
  ASSERT_EQ(compression_name(*type), codec);

  Result<std::vector<std::uint8_t>> records = decompress(*type, batch.records, kMiB);
  ASSERT_TRUE(records.ok()) << records.status().detail;
  EXPECT_EQ(v2_record_keys(*records, batch.record_count), (std::vector<std::string>{"key-1", "key-2", "key-3"}));

  // The same producer's uncompressed batch holds the very same record bytes.
  const std::vector<std::uint8_t> plain = records_data("librdkafka_none.bin");
  const V2Batch plain_batch = parse_v2_header(plain);
  EXPECT_EQ(compression_from_attributes(plain_batch.attributes), CompressionType::kNone);
  EXPECT_TRUE(std::equal(records->begin(), records->end(), plain_batch.records.begin(), plain_batch.records.end()));

  // Too small a limit for these records is refused.
  EXPECT_EQ(decompress(*type, batch.records, records->size() - 1).code(), ErrorCode::RECORD_LIST_TOO_LARGE);
}

INSTANTIATE_TEST_SUITE_P(Compression, CompressionClientData, ::testing::Values("gzip", "snappy", "lz4", "zstd"));

// A legacy message (magic 0/1): offset, size, crc, magic, attributes,
// [timestamp,] key, value.
struct LegacyMessage {
  std::int64_t offset = 0;
  std::uint32_t crc = 0;
  std::int8_t magic = 0;
  std::int8_t attributes = 0;
  std::span<const std::uint8_t> crc_covered;  // magic .. end of value
  std::span<const std::uint8_t> key;
  std::span<const std::uint8_t> value;
  bool key_null = false;
};

std::vector<LegacyMessage> parse_message_set(std::span<const std::uint8_t> bytes) {
  std::vector<LegacyMessage> out;
  Reader r(bytes);
  while (r.remaining() > 0) {
    LegacyMessage m;
    m.offset = r.i64();
    const std::int32_t size = r.i32();
    if (!r.ok() || size < 14 || static_cast<std::size_t>(size) > r.remaining()) {
      ADD_FAILURE() << "bad message size " << size;
      return out;
    }
    Reader msg = r.sub(static_cast<std::size_t>(size));
    m.crc = msg.u32();
    m.crc_covered =
        bytes.subspan(r.position() - static_cast<std::size_t>(size) + 4, static_cast<std::size_t>(size) - 4);
    m.magic = msg.i8();
    m.attributes = msg.i8();
    if (m.magic >= 1) (void)msg.i64();  // timestamp
    const std::int32_t key_len = msg.i32();
    m.key_null = key_len < 0;
    if (key_len > 0) m.key = msg.view(static_cast<std::size_t>(key_len));
    const std::int32_t value_len = msg.i32();
    if (value_len > 0) m.value = msg.view(static_cast<std::size_t>(value_len));
    EXPECT_TRUE(msg.ok());
    EXPECT_EQ(msg.remaining(), 0u);
    out.push_back(m);
  }
  return out;
}

std::uint32_t crc32_of(std::span<const std::uint8_t> bytes) {
  return static_cast<std::uint32_t>(crc32(0, bytes.data(), static_cast<uInt>(bytes.size())));
}

TEST(CompressionClientDataLegacy, KafkaPythonMagic1GzipWrapperHoldsTheInnerMessages) {
  const std::vector<std::uint8_t> file = records_data("kafka_python_magic1_gzip.bin");
  const std::vector<LegacyMessage> outer = parse_message_set(file);
  ASSERT_EQ(outer.size(), 1u);
  const LegacyMessage& wrapper = outer[0];
  EXPECT_EQ(wrapper.magic, 1);
  EXPECT_EQ(compression_from_attributes(wrapper.attributes), CompressionType::kGzip);
  EXPECT_TRUE(wrapper.key_null);
  EXPECT_EQ(crc32_of(wrapper.crc_covered), wrapper.crc);

  Result<std::vector<std::uint8_t>> inner_bytes = decompress(CompressionType::kGzip, wrapper.value, kMiB);
  ASSERT_TRUE(inner_bytes.ok()) << inner_bytes.status().detail;
  const std::vector<LegacyMessage> inner = parse_message_set(*inner_bytes);
  ASSERT_EQ(inner.size(), 3u);
  for (std::size_t i = 0; i < inner.size(); ++i) {
    EXPECT_EQ(inner[i].offset, static_cast<std::int64_t>(i)) << "relative inner offsets (KIP-31)";
    EXPECT_EQ(inner[i].magic, 1);
    EXPECT_EQ(compression_from_attributes(inner[i].attributes), CompressionType::kNone);
    EXPECT_EQ(crc32_of(inner[i].crc_covered), inner[i].crc) << "inner message " << i;
    EXPECT_EQ(std::string(inner[i].key.begin(), inner[i].key.end()), "key-" + std::to_string(i + 1));
    EXPECT_EQ(std::string(inner[i].value.begin(), inner[i].value.end()), "value-" + std::to_string(i + 1));
  }
}

TEST(CompressionClientDataLegacy, RecompressingTheInnerSetForEachMagicRoundTrips) {
  const std::vector<std::uint8_t> file = records_data("kafka_python_magic1_gzip.bin");
  const std::vector<LegacyMessage> outer = parse_message_set(file);
  ASSERT_EQ(outer.size(), 1u);
  Result<std::vector<std::uint8_t>> inner = decompress(CompressionType::kGzip, outer[0].value, kMiB);
  ASSERT_TRUE(inner.ok());
  // Legacy message sets may use gzip, snappy and lz4 (zstd needs magic 2).
  for (CompressionType type : {CompressionType::kGzip, CompressionType::kSnappy, CompressionType::kLz4}) {
    for (std::int8_t magic : {0, 1}) {
      std::vector<std::uint8_t> packed;
      ASSERT_TRUE(compress(type, *inner, packed, CompressOptions::for_magic(magic)).ok());
      Result<std::vector<std::uint8_t>> back = decompress(type, packed, kMiB);
      ASSERT_TRUE(back.ok()) << compression_name(type) << " magic " << int{magic};
      EXPECT_EQ(*back, *inner);
    }
  }
}

}  // namespace
}  // namespace sluice::protocol
