// Decompression bombs: a few KiB that inflate to 64 MiB must fail against a
// 1 MiB limit without the output buffer ever growing much past the limit.
#include <gtest/gtest.h>

#include <vector>

#include "protocol/compression/bounded_output.h"
#include "protocol/compression/gzip_codec.h"
#include "protocol/compression/lz4_codec.h"
#include "protocol/compression/snappy_codec.h"
#include "protocol/compression/zstd_codec.h"
#include "tests/protocol/compression/compression_test_util.h"

namespace sluice::protocol {
namespace {

using testing::compress_or_fail;
using testing::kMiB;
using testing::zeros_64mib;

constexpr std::size_t kLimit = kMiB;

Status decompress_with(CompressionType type, std::span<const std::uint8_t> input, BoundedOutput& out) {
  switch (type) {
    case CompressionType::kGzip:
      return gzip_decompress(input, out);
    case CompressionType::kSnappy:
      return snappy_decompress(input, out);
    case CompressionType::kLz4:
      return lz4_decompress(input, out);
    case CompressionType::kZstd:
      return zstd_decompress(input, out);
    case CompressionType::kNone:
      break;
  }
  return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE};
}

class CompressionBomb : public ::testing::TestWithParam<CompressionType> {};

TEST_P(CompressionBomb, SixtyFourMebibytesOfZerosFailAgainstAOneMebibyteLimit) {
  const CompressionType type = GetParam();
  const std::vector<std::uint8_t> bomb = compress_or_fail(type, zeros_64mib());
  ASSERT_LT(bomb.size(), 4 * kMiB) << "zeros should compress far below the limit";

  BoundedOutput out(kLimit, bomb.size() * 4);
  const Status s = decompress_with(type, bomb, out);
  EXPECT_EQ(s.code, ErrorCode::RECORD_LIST_TOO_LARGE) << s.detail;
  // The buffer never holds more than limit + 1 bytes (the byte that shows
  // the data goes on), nowhere near the 64 MiB the bomb would produce.
  EXPECT_LE(out.allocated(), kLimit + 1);
  EXPECT_LE(out.size(), kLimit + 1);

  // The same through the entry point.
  EXPECT_EQ(decompress(type, bomb, kLimit).code(), ErrorCode::RECORD_LIST_TOO_LARGE);
}

INSTANTIATE_TEST_SUITE_P(Compression, CompressionBomb, ::testing::ValuesIn(testing::kAllCodecs),
                         [](const auto& info) { return testing::codec_param_name(info.param); });

TEST(CompressionBombRawSnappy, OneBlockClaimingSixtyFourMebibytesIsRefusedBeforeAllocating) {
  std::vector<std::uint8_t> raw;
  ASSERT_TRUE(snappy_compress_raw(zeros_64mib(), raw).ok());
  BoundedOutput out(kLimit);
  const std::size_t before = out.allocated();
  EXPECT_EQ(snappy_decompress(raw, out).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_EQ(out.allocated(), before) << "the claimed length alone decides";
  EXPECT_EQ(out.size(), 0u);
}

TEST(CompressionBombRawSnappy, AClaimNoBlockOfThatSizeCouldMeetIsCorruptEvenWithoutALimit) {
  // Varint length 0xFFFFFFFF (4 GiB) followed by a few bytes.
  const std::vector<std::uint8_t> raw = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x61, 0x62};
  BoundedOutput out(SIZE_MAX);
  EXPECT_EQ(snappy_decompress(raw, out).code, ErrorCode::CORRUPT_MESSAGE);
  EXPECT_LT(out.allocated(), kMiB);
}

}  // namespace
}  // namespace sluice::protocol
