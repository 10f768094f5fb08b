#include "storage/producer/producer_snapshot_file.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/records/crc32c.h"
#include "storage/checkpoint/atomic_file.h"
#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using testutil::TempDir;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::uint64_t big_endian(const std::string& s, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<std::uint8_t>(s[at + i]);
  return v;
}

void put_big_endian(std::string& s, std::size_t at, std::size_t width, std::uint64_t v) {
  for (std::size_t i = 0; i < width; ++i) s[at + width - 1 - i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

void fix_crc(std::string& s) { put_big_endian(s, 2, 4, protocol::crc32c(bytes_of(s).subspan(6))); }

std::map<std::int64_t, ProducerStateEntry> sample_producers() {
  std::map<std::int64_t, ProducerStateEntry> producers;
  // Producer 1000, epoch 3, last batch seqs 10..14 at offsets 96..100, in a
  // transaction from offset 90, coordinator epoch 7.
  producers.emplace(1000, ProducerStateEntry(1000, 3, 7, 5555, 90, BatchMetadata{14, 100, 4, 5555}));
  // Producer 2000 known only through a marker: no data batch.
  producers.emplace(2000, ProducerStateEntry(2000, 1, 2, 6666, std::nullopt, std::nullopt));
  return producers;
}

TEST(ProducerSnapshotFileTest, FileNameIsTheZeroPadded20DigitOffset) {
  const auto path = producer_snapshot_path("/data/t-0", 1234);
  EXPECT_EQ(path.filename().string(), "00000000000000001234.snapshot");
  EXPECT_EQ(producer_snapshot_offset(path), 1234);
  EXPECT_FALSE(producer_snapshot_offset("00000000000000001234.snapshot.tmp"));
  EXPECT_FALSE(producer_snapshot_offset("00000000000000001234.log"));
  EXPECT_FALSE(producer_snapshot_offset("abc.snapshot"));
}

TEST(ProducerSnapshotFileTest, EmptySnapshotBytesAreKafkasVersion1Layout) {
  const std::string bytes = encode_producer_snapshot({});
  ASSERT_EQ(bytes.size(), 10u);
  EXPECT_EQ(big_endian(bytes, 0, 2), 1u);  // version
  // CRC-32C of the four zero bytes of the empty entry count.
  EXPECT_EQ(big_endian(bytes, 2, 4), 0x48674BC7u);
  EXPECT_EQ(big_endian(bytes, 6, 4), 0u);
}

TEST(ProducerSnapshotFileTest, EntryFieldsAreInKafkaSchemaOrder) {
  const std::string bytes = encode_producer_snapshot(sample_producers());
  ASSERT_EQ(bytes.size(), 10u + 2 * 46u);
  EXPECT_EQ(big_endian(bytes, 0, 2), 1u);
  EXPECT_EQ(big_endian(bytes, 2, 4), protocol::crc32c(bytes_of(bytes).subspan(6)));
  EXPECT_EQ(big_endian(bytes, 6, 4), 2u);
  std::size_t at = 10;                              // producer 1000
  EXPECT_EQ(big_endian(bytes, at, 8), 1000u);       // ProducerId
  EXPECT_EQ(big_endian(bytes, at + 8, 2), 3u);      // ProducerEpoch
  EXPECT_EQ(big_endian(bytes, at + 10, 4), 14u);    // LastSequence
  EXPECT_EQ(big_endian(bytes, at + 14, 8), 100u);   // LastOffset
  EXPECT_EQ(big_endian(bytes, at + 22, 4), 4u);     // OffsetDelta
  EXPECT_EQ(big_endian(bytes, at + 26, 8), 5555u);  // Timestamp
  EXPECT_EQ(big_endian(bytes, at + 34, 4), 7u);     // CoordinatorEpoch
  EXPECT_EQ(big_endian(bytes, at + 38, 8), 90u);    // CurrentTxnFirstOffset
  at += 46;                                         // producer 2000: no batch, no transaction
  EXPECT_EQ(big_endian(bytes, at, 8), 2000u);
  EXPECT_EQ(big_endian(bytes, at + 10, 4), 0xFFFFFFFFu);          // -1
  EXPECT_EQ(big_endian(bytes, at + 14, 8), 0xFFFFFFFFFFFFFFFFu);  // -1
  EXPECT_EQ(big_endian(bytes, at + 22, 4), 0u);
  EXPECT_EQ(big_endian(bytes, at + 38, 8), 0xFFFFFFFFFFFFFFFFu);  // -1
}

TEST(ProducerSnapshotFileTest, WriteThenReadRoundTrips) {
  TempDir dir;
  const auto path = producer_snapshot_path(dir.path(), 101);
  ASSERT_TRUE(write_producer_snapshot(path, sample_producers()).ok());
  EXPECT_FALSE(std::filesystem::exists(temp_path_for(path)));
  auto entries = read_producer_snapshot(path);
  ASSERT_TRUE(entries.ok()) << entries.status().detail;
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0], sample_producers().at(1000));
  EXPECT_EQ((*entries)[1], sample_producers().at(2000));
  EXPECT_TRUE((*entries)[1].is_empty());
  auto listed = list_producer_snapshots(dir.path());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->begin()->first, 101);
}

TEST(ProducerSnapshotFileTest, FlippedByteFailsTheCrc) {
  std::string bytes = encode_producer_snapshot(sample_producers());
  bytes[30] ^= 0x01;
  auto r = decode_producer_snapshot(bytes_of(bytes));
  EXPECT_EQ(r.code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(ProducerSnapshotFileTest, UnknownVersionIsCorrupt) {
  std::string bytes = encode_producer_snapshot(sample_producers());
  put_big_endian(bytes, 0, 2, 2);
  EXPECT_EQ(decode_producer_snapshot(bytes_of(bytes)).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(ProducerSnapshotFileTest, TruncatedSnapshotIsCorruptEvenWithMatchingCrc) {
  const std::string full = encode_producer_snapshot(sample_producers());
  for (std::size_t size : {0u, 1u, 5u, 9u, 30u, 101u}) {
    std::string cut = full.substr(0, size);
    if (size >= 6) fix_crc(cut);
    EXPECT_EQ(decode_producer_snapshot(bytes_of(cut)).code(), ErrorCode::CORRUPT_MESSAGE) << size;
  }
}

TEST(ProducerSnapshotFileTest, NegativeCountIsCorrupt) {
  std::string bytes = encode_producer_snapshot({});
  put_big_endian(bytes, 6, 4, 0xFFFFFFFFu);
  fix_crc(bytes);
  EXPECT_EQ(decode_producer_snapshot(bytes_of(bytes)).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(ProducerSnapshotFileTest, CorruptFileOnDiskIsAnErrorValueMissingFileAStorageError) {
  TempDir dir;
  const auto path = producer_snapshot_path(dir.path(), 5);
  std::string bytes = encode_producer_snapshot(sample_producers());
  bytes.back() ^= 0x40;
  testutil::write_all(path, bytes);
  EXPECT_EQ(read_producer_snapshot(path).code(), ErrorCode::CORRUPT_MESSAGE);
  EXPECT_EQ(read_producer_snapshot(producer_snapshot_path(dir.path(), 6)).code(), ErrorCode::KAFKA_STORAGE_ERROR);
}

}  // namespace
}  // namespace sluice::storage
