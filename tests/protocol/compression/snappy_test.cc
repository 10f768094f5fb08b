// Snappy in both shapes Kafka clients send: snappy-java's xerial framing
// (Java producers) and bare raw blocks (librdkafka, kafka-python).
#include <gtest/gtest.h>
#include <snappy.h>

#include <string>
#include <vector>

#include "protocol/compression/snappy_codec.h"
#include "protocol/reader.h"
#include "tests/protocol/compression/compression_test_util.h"

namespace sluice::protocol {
namespace {

using testing::as_bytes;
using testing::compressible_bytes;
using testing::kKiB;
using testing::kMiB;

const std::vector<std::uint8_t> kXerialHeader = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};

Result<std::vector<std::uint8_t>> snappy_decode(std::span<const std::uint8_t> input, std::size_t limit = kMiB) {
  BoundedOutput out(limit);
  if (Status s = snappy_decompress(input, out); !s.ok()) return s;
  return std::move(out).take();
}

// A raw snappy block holding `text` as one literal (tag (len-1) << 2), built
// by hand so these tests do not lean on the encoder under test.
std::vector<std::uint8_t> literal_block(std::string_view text) {
  EXPECT_LE(text.size(), 60u);
  std::vector<std::uint8_t> block(2 + text.size());
  block[0] = static_cast<std::uint8_t>(text.size());
  block[1] = static_cast<std::uint8_t>((text.size() - 1) << 2);
  std::copy(text.begin(), text.end(), block.begin() + 2);
  return block;
}

void append_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

std::vector<std::uint8_t> xerial_of(std::initializer_list<std::vector<std::uint8_t>> blocks) {
  std::vector<std::uint8_t> out = kXerialHeader;
  for (const auto& block : blocks) {
    append_be32(out, static_cast<std::uint32_t>(block.size()));
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

std::string text_of(const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); }

TEST(SnappyXerial, OutputStartsWithTheSnappyJavaHeaderAndHas32KiBBlocks) {
  const std::vector<std::uint8_t> input = compressible_bytes(100 * kKiB);
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(snappy_compress_xerial(input, out).ok());
  ASSERT_GE(out.size(), kXerialHeader.size());
  EXPECT_TRUE(std::equal(kXerialHeader.begin(), kXerialHeader.end(), out.begin()));
  EXPECT_TRUE(is_xerial_snappy(out));

  // Walk the blocks with the plain snappy library: 3 x 32 KiB, then the rest.
  Reader r(std::span<const std::uint8_t>(out).subspan(kXerialHeader.size()));
  std::vector<std::size_t> block_sizes;
  std::string joined;
  while (r.remaining() > 0) {
    const std::int32_t length = r.i32();
    ASSERT_TRUE(r.ok());
    ASSERT_GT(length, 0);
    const std::span<const std::uint8_t> block = r.view(static_cast<std::size_t>(length));
    ASSERT_TRUE(r.ok());
    std::string plain;
    ASSERT_TRUE(snappy::Uncompress(reinterpret_cast<const char*>(block.data()), block.size(), &plain));
    block_sizes.push_back(plain.size());
    joined += plain;
  }
  EXPECT_EQ(block_sizes, (std::vector<std::size_t>{32 * kKiB, 32 * kKiB, 32 * kKiB, 4 * kKiB}));
  EXPECT_EQ(joined, std::string(input.begin(), input.end()));
}

TEST(SnappyXerial, EmptyInputIsTheHeaderAlone) {
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(snappy_compress_xerial({}, out).ok());
  EXPECT_EQ(out, kXerialHeader);
  Result<std::vector<std::uint8_t>> back = snappy_decode(out);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
}

TEST(SnappyXerial, HandBuiltTwoBlockStreamDecodes) {
  const std::vector<std::uint8_t> stream = xerial_of({literal_block("hello, "), literal_block("xerial world")});
  Result<std::vector<std::uint8_t>> back = snappy_decode(stream);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(text_of(*back), "hello, xerial world");
}

TEST(SnappyXerial, ConcatenatedStreamsWithARepeatedHeaderDecode) {
  // snappy-java writes a new header for each stream; concatenating two
  // compressed values must read as both.
  std::vector<std::uint8_t> stream = xerial_of({literal_block("first ")});
  const std::vector<std::uint8_t> second = xerial_of({literal_block("second")});
  stream.insert(stream.end(), second.begin(), second.end());
  Result<std::vector<std::uint8_t>> back = snappy_decode(stream);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(text_of(*back), "first second");
}

TEST(SnappyXerial, ZeroLengthBlocksAreSkipped) {
  const std::vector<std::uint8_t> stream = xerial_of({{}, literal_block("abc"), {}});
  Result<std::vector<std::uint8_t>> back = snappy_decode(stream);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(text_of(*back), "abc");
}

TEST(SnappyXerial, AbsurdBlockLengthsAreCorruptWithoutAllocating) {
  for (std::uint32_t length : {0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 1000u}) {
    std::vector<std::uint8_t> stream = kXerialHeader;
    append_be32(stream, length);
    const std::vector<std::uint8_t> block = literal_block("short");
    stream.insert(stream.end(), block.begin(), block.end());
    BoundedOutput out(SIZE_MAX);
    EXPECT_EQ(snappy_decompress(stream, out).code, ErrorCode::CORRUPT_MESSAGE) << length;
    EXPECT_LT(out.allocated(), kMiB) << length;
  }
}

TEST(SnappyXerial, TruncatedHeaderAndBlockLengthAreCorrupt) {
  const std::vector<std::uint8_t> stream = xerial_of({literal_block("payload")});
  for (std::size_t n = kXerialHeader.size() / 2; n < stream.size(); ++n) {
    if (n == kXerialHeader.size()) continue;  // the header alone: an empty stream
    Result<std::vector<std::uint8_t>> r = snappy_decode(std::span(stream).first(n));
    EXPECT_EQ(r.code(), ErrorCode::CORRUPT_MESSAGE) << n;
  }
}

TEST(SnappyXerial, AStreamNeedingANewerReaderIsRefused) {
  std::vector<std::uint8_t> stream = xerial_of({literal_block("x")});
  stream[15] = 2;  // minimum compatible version 2
  EXPECT_EQ(snappy_decode(stream).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(SnappyXerial, EachBlockCountsAgainstTheLimit) {
  const std::vector<std::uint8_t> input = compressible_bytes(200 * kKiB);
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(snappy_compress_xerial(input, out).ok());
  BoundedOutput bounded(100 * kKiB);
  EXPECT_EQ(snappy_decompress(out, bounded).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_LE(bounded.allocated(), 100 * kKiB + 1);
}

TEST(SnappyRaw, RawBlocksDecode) {
  const std::vector<std::uint8_t> input = compressible_bytes(150 * kKiB);
  std::vector<std::uint8_t> raw;
  ASSERT_TRUE(snappy_compress_raw(input, raw).ok());
  EXPECT_FALSE(is_xerial_snappy(raw));
  Result<std::vector<std::uint8_t>> back = snappy_decode(raw);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == input);

  // A block made by the snappy library itself, as librdkafka sends it.
  std::string lib;
  snappy::Compress("kafka raw snappy, kafka raw snappy", 34, &lib);
  Result<std::vector<std::uint8_t>> from_lib = snappy_decode(as_bytes(lib));
  ASSERT_TRUE(from_lib.ok());
  EXPECT_EQ(text_of(*from_lib), "kafka raw snappy, kafka raw snappy");
}

TEST(SnappyRaw, EmptyBlockDecodesButNotWithJunkAfterIt) {
  EXPECT_TRUE(snappy_decode(std::vector<std::uint8_t>{0x00}).ok());
  EXPECT_EQ(snappy_decode(std::vector<std::uint8_t>{0x00, 0x07}).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(SnappyRaw, ABlockShorterOrLongerThanItsClaimIsCorrupt) {
  std::vector<std::uint8_t> block = literal_block("abcdef");
  block[0] = 7;  // claims one byte more than the literal holds
  EXPECT_EQ(snappy_decode(block).code(), ErrorCode::CORRUPT_MESSAGE);
  block[0] = 5;  // one byte less
  EXPECT_EQ(snappy_decode(block).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(SnappyRaw, ACopyBeforeAnyOutputIsCorrupt) {
  // Claims 4 bytes, then a 1-byte-offset copy with nothing to copy from.
  EXPECT_EQ(snappy_decode(std::vector<std::uint8_t>{0x04, 0x01, 0x01}).code(), ErrorCode::CORRUPT_MESSAGE);
}

}  // namespace
}  // namespace sluice::protocol
