// LZ4 frames as Kafka uses them, including KAFKA-3160: magic 0 message sets
// carry a header checksum computed over the magic number too.
#include <gtest/gtest.h>
#include <lz4frame.h>

#include <string>
#include <vector>

#include "protocol/compression/lz4_codec.h"
#include "protocol/compression/xxhash32.h"
#include "tests/protocol/compression/compression_test_util.h"

namespace sluice::protocol {
namespace {

using testing::as_bytes;
using testing::compressible_bytes;
using testing::kKiB;
using testing::kMiB;

constexpr std::size_t kFlgAt = 4;
constexpr std::size_t kBdAt = 5;

Result<std::vector<std::uint8_t>> lz4_decode(std::span<const std::uint8_t> input, std::size_t limit = 16 * kMiB) {
  BoundedOutput out(limit);
  if (Status s = lz4_decompress(input, out); !s.ok()) return s;
  return std::move(out).take();
}

std::vector<std::uint8_t> lz4_encode(std::span<const std::uint8_t> input, Lz4HeaderChecksum checksum) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(lz4_compress(input, out, std::nullopt, checksum).ok());
  return out;
}

// A frame from liblz4 directly with the given preferences (content size,
// checksums, linked blocks: shapes other clients may send).
std::vector<std::uint8_t> liblz4_frame(std::span<const std::uint8_t> input, const LZ4F_preferences_t& prefs) {
  std::vector<std::uint8_t> out(LZ4F_compressFrameBound(input.size(), &prefs));
  const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(), &prefs);
  EXPECT_FALSE(LZ4F_isError(n)) << LZ4F_getErrorName(n);
  out.resize(LZ4F_isError(n) ? 0 : n);
  return out;
}

std::size_t header_checksum_at(const std::vector<std::uint8_t>& frame) {
  return (frame[kFlgAt] & 0x08) != 0 ? 14 : 6;  // after FLG, BD and the optional content size
}

TEST(Lz4XxHash32, MatchesTheReferenceVectors) {
  // Reference values from libxxhash's XXH32; the lengths cover the short
  // path and the 16-byte stripes (a KAFKA-3160 header with a content size
  // hashes 14 bytes, with a dictionary id 18).
  EXPECT_EQ(xxhash32(as_bytes("")), 0x02CC5D05u);
  EXPECT_EQ(xxhash32(as_bytes("a")), 0x550D7456u);
  EXPECT_EQ(xxhash32(as_bytes("abc")), 0x32D153FFu);
  EXPECT_EQ(xxhash32(as_bytes("0123456789abcdef")), 0xC2C45B69u);
  EXPECT_EQ(xxhash32(as_bytes("The quick brown fox jumps over the lazy dog")), 0xE85EA4DEu);
  EXPECT_EQ(xxhash32(as_bytes("The quick brown fox jumps over the lazy dog"), 0x9E3779B1u), 0x98C7F3BFu);
  std::vector<std::uint8_t> counting(19);
  for (std::size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(xxhash32(counting), 0x1BD0703Fu);
}

TEST(Lz4Frame, KafkaWriterShape) {
  // KafkaLZ4BlockOutputStream: version 01, independent blocks, no content
  // size, no checksums; 64 KiB maximum block size.
  const std::vector<std::uint8_t> frame = lz4_encode(compressible_bytes(1000), Lz4HeaderChecksum::kStandard);
  ASSERT_GE(frame.size(), 7u);
  EXPECT_EQ(frame[0], 0x04);
  EXPECT_EQ(frame[1], 0x22);
  EXPECT_EQ(frame[2], 0x4D);
  EXPECT_EQ(frame[3], 0x18);
  EXPECT_EQ(frame[kFlgAt], 0x60);
  EXPECT_EQ(frame[kBdAt], 0x40);
}

TEST(Lz4HeaderChecksum, EachModeWritesTheChecksumItIsNamedFor) {
  const std::vector<std::uint8_t> input = compressible_bytes(10 * kKiB);
  const std::vector<std::uint8_t> standard = lz4_encode(input, Lz4HeaderChecksum::kStandard);
  const std::vector<std::uint8_t> broken = lz4_encode(input, Lz4HeaderChecksum::kKafka3160);
  ASSERT_EQ(standard.size(), broken.size());

  EXPECT_EQ(lz4_expected_header_checksum(standard, Lz4HeaderChecksum::kStandard), standard[6]);
  EXPECT_EQ(lz4_expected_header_checksum(broken, Lz4HeaderChecksum::kKafka3160), broken[6]);
  EXPECT_NE(standard[6], broken[6]) << "the two flavours differ for Kafka's header";
  // Everything but the HC byte is the same frame.
  std::vector<std::uint8_t> patched = broken;
  patched[6] = standard[6];
  EXPECT_EQ(patched, standard);

  // The standard value is what liblz4 itself computes: XXH32 of FLG and BD,
  // second byte. KAFKA-3160's starts from the magic number.
  const std::uint32_t descriptor_hash = xxhash32(std::span(standard).subspan(4, 2));
  EXPECT_EQ(standard[6], static_cast<std::uint8_t>(descriptor_hash >> 8));
  const std::uint32_t broken_hash = xxhash32(std::span(standard).first(6));
  EXPECT_EQ(broken[6], static_cast<std::uint8_t>(broken_hash >> 8));
}

TEST(Lz4HeaderChecksum, LibrdkafkaFramesCarryTheStandardChecksum) {
  const std::vector<std::uint8_t> batch = testing::records_data("librdkafka_lz4.bin");
  ASSERT_GT(batch.size(), 61u + 7u);
  const std::span<const std::uint8_t> frame = std::span(batch).subspan(61);
  EXPECT_EQ(lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kStandard), frame[6]);
}

TEST(Lz4HeaderChecksum, BothFlavoursDecode) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, 64 * kKiB + 3, 300 * kKiB}) {
    const std::vector<std::uint8_t> input = compressible_bytes(size);
    for (Lz4HeaderChecksum mode : {Lz4HeaderChecksum::kStandard, Lz4HeaderChecksum::kKafka3160}) {
      Result<std::vector<std::uint8_t>> back = lz4_decode(lz4_encode(input, mode));
      ASSERT_TRUE(back.ok()) << size << ": " << back.status().detail;
      EXPECT_TRUE(*back == input) << size;
    }
  }
}

TEST(Lz4HeaderChecksum, CompressForMagicZeroWritesTheBrokenChecksumAndOthersTheStandardOne) {
  const std::vector<std::uint8_t> input = compressible_bytes(2000);
  for (std::int8_t magic : {0, 1, 2}) {
    std::vector<std::uint8_t> frame;
    ASSERT_TRUE(compress(CompressionType::kLz4, input, frame, CompressOptions::for_magic(magic)).ok());
    const Lz4HeaderChecksum expected = magic == 0 ? Lz4HeaderChecksum::kKafka3160 : Lz4HeaderChecksum::kStandard;
    EXPECT_EQ(lz4_expected_header_checksum(frame, expected), frame[6]) << int{magic};
    Result<std::vector<std::uint8_t>> back = decompress(CompressionType::kLz4, frame, kMiB);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(*back == input);
  }
}

TEST(Lz4HeaderChecksum, AChecksumMatchingNeitherFlavourIsCorrupt) {
  std::vector<std::uint8_t> frame = lz4_encode(compressible_bytes(2000), Lz4HeaderChecksum::kStandard);
  const std::uint8_t standard = *lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kStandard);
  const std::uint8_t broken = *lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kKafka3160);
  int tried = 0;
  for (int hc = 0; hc < 256; ++hc) {
    if (hc == standard || hc == broken) continue;
    frame[6] = static_cast<std::uint8_t>(hc);
    EXPECT_EQ(lz4_decode(frame).code(), ErrorCode::CORRUPT_MESSAGE) << hc;
    ++tried;
  }
  EXPECT_EQ(tried, 254);
}

TEST(Lz4HeaderChecksum, ExpectedChecksumNeedsACompleteLz4Header) {
  const std::vector<std::uint8_t> frame = lz4_encode(as_bytes("abc"), Lz4HeaderChecksum::kStandard);
  for (std::size_t n = 0; n < 7; ++n) {
    EXPECT_EQ(lz4_expected_header_checksum(std::span(frame).first(n), Lz4HeaderChecksum::kStandard), std::nullopt);
  }
  std::vector<std::uint8_t> not_lz4 = frame;
  not_lz4[0] = 0x05;
  EXPECT_EQ(lz4_expected_header_checksum(not_lz4, Lz4HeaderChecksum::kStandard), std::nullopt);
}

TEST(Lz4Frame, ContentSizeFrameDecodesInBothFlavours) {
  const std::vector<std::uint8_t> input = compressible_bytes(100 * kKiB);
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = input.size();
  std::vector<std::uint8_t> frame = liblz4_frame(input, prefs);
  ASSERT_NE(frame[kFlgAt] & 0x08, 0);
  const std::size_t hc = header_checksum_at(frame);
  EXPECT_EQ(lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kStandard), frame[hc]);

  Result<std::vector<std::uint8_t>> back = lz4_decode(frame);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == input);

  frame[hc] = *lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kKafka3160);
  back = lz4_decode(frame);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == input);
}

TEST(Lz4Frame, ADeclaredContentSizePastTheLimitFailsBeforeDecoding) {
  const std::vector<std::uint8_t> input = compressible_bytes(100 * kKiB);
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = input.size();
  std::vector<std::uint8_t> frame = liblz4_frame(input, prefs);
  BoundedOutput out(50 * kKiB);
  EXPECT_EQ(lz4_decompress(frame, out).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_EQ(out.size(), 0u) << "nothing decoded";

  // A size as large as the field holds, in both checksum flavours.
  const std::size_t hc = header_checksum_at(frame);
  for (std::size_t i = 6; i < 14; ++i) frame[i] = 0xFF;
  for (Lz4HeaderChecksum mode : {Lz4HeaderChecksum::kStandard, Lz4HeaderChecksum::kKafka3160}) {
    frame[hc] = *lz4_expected_header_checksum(frame, mode);
    BoundedOutput bounded(kMiB);
    EXPECT_EQ(lz4_decompress(frame, bounded).code, ErrorCode::RECORD_LIST_TOO_LARGE);
    EXPECT_LE(bounded.allocated(), kMiB + 1);
  }
}

TEST(Lz4Frame, AContentSizeThatDisagreesWithTheDataIsCorrupt) {
  const std::vector<std::uint8_t> input = compressible_bytes(10 * kKiB);
  for (std::uint64_t claimed : {input.size() - 1, input.size() + 1, std::uint64_t{1}}) {
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.contentSize = input.size();
    std::vector<std::uint8_t> frame = liblz4_frame(input, prefs);
    for (std::size_t i = 0; i < 8; ++i) frame[6 + i] = static_cast<std::uint8_t>(claimed >> (8 * i));
    frame[header_checksum_at(frame)] = *lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kStandard);
    EXPECT_EQ(lz4_decode(frame).code(), ErrorCode::CORRUPT_MESSAGE) << claimed;
  }
}

TEST(Lz4Frame, LinkedBlocksAndChecksumsDecode) {
  const std::vector<std::uint8_t> input = compressible_bytes(300 * kKiB);
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockMode = LZ4F_blockLinked;
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
  std::vector<std::uint8_t> frame = liblz4_frame(input, prefs);
  Result<std::vector<std::uint8_t>> back = lz4_decode(frame);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == input);

  // The content checksum (last four bytes) is verified.
  frame[frame.size() - 1] ^= 0x01;
  EXPECT_EQ(lz4_decode(frame).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(Lz4Frame, LargeBlocksAreBoundedToo) {
  // 4 MiB blocks: the limit applies inside a block, not only between them.
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max4MB;
  const std::vector<std::uint8_t> frame = liblz4_frame(std::vector<std::uint8_t>(8 * kMiB, 'z'), prefs);
  BoundedOutput out(kMiB);
  EXPECT_EQ(lz4_decompress(frame, out).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_LE(out.allocated(), kMiB + 1);
}

TEST(Lz4Frame, ConcatenatedFramesOfEitherFlavourDecode) {
  std::vector<std::uint8_t> stream = lz4_encode(as_bytes("first frame, "), Lz4HeaderChecksum::kStandard);
  const std::vector<std::uint8_t> second = lz4_encode(as_bytes("second frame"), Lz4HeaderChecksum::kKafka3160);
  stream.insert(stream.end(), second.begin(), second.end());
  Result<std::vector<std::uint8_t>> back = lz4_decode(stream);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(std::string(back->begin(), back->end()), "first frame, second frame");
}

TEST(Lz4Frame, TruncatedFramesAreCorrupt) {
  const std::vector<std::uint8_t> input = compressible_bytes(150 * kKiB);
  for (Lz4HeaderChecksum mode : {Lz4HeaderChecksum::kStandard, Lz4HeaderChecksum::kKafka3160}) {
    const std::vector<std::uint8_t> frame = lz4_encode(input, mode);
    // Every cut in the header and end mark, and a sample in between.
    for (std::size_t n = 0; n < frame.size(); n += (n < 16 || n + 16 > frame.size()) ? 1 : 97) {
      EXPECT_EQ(lz4_decode(std::span(frame).first(n)).code(), ErrorCode::CORRUPT_MESSAGE) << n;
    }
  }
}

}  // namespace
}  // namespace sluice::protocol
