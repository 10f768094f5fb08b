// gzip as Java's GZIPOutputStream writes it and GZIPInputStream reads it.
#include <gtest/gtest.h>
#include <zlib.h>

#include <vector>

#include "protocol/compression/gzip_codec.h"
#include "tests/protocol/compression/compression_test_util.h"

namespace sluice::protocol {
namespace {

using testing::as_bytes;
using testing::compressible_bytes;
using testing::kKiB;
using testing::kMiB;

Result<std::vector<std::uint8_t>> gzip_decode(std::span<const std::uint8_t> input, std::size_t limit = kMiB) {
  BoundedOutput out(limit);
  if (Status s = gzip_decompress(input, out); !s.ok()) return s;
  return std::move(out).take();
}

TEST(GzipFormat, WritesAGzipMemberWithDeflate) {
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(gzip_compress(as_bytes("kafka"), out).ok());
  ASSERT_GE(out.size(), 18u);  // 10-byte header, 8-byte trailer
  EXPECT_EQ(out[0], 0x1F);
  EXPECT_EQ(out[1], 0x8B);
  EXPECT_EQ(out[2], 8);  // CM = deflate
  // The trailer: CRC-32 and ISIZE of the input, little-endian.
  const std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>("kafka"), 5));
  const std::size_t t = out.size() - 8;
  EXPECT_EQ(out[t] | out[t + 1] << 8 | out[t + 2] << 16 | static_cast<std::uint32_t>(out[t + 3]) << 24, crc);
  EXPECT_EQ(out[t + 4], 5);
}

TEST(GzipFormat, ConcatenatedMembersReadAsOneStream) {
  std::vector<std::uint8_t> stream;
  ASSERT_TRUE(gzip_compress(as_bytes("first member, "), stream).ok());
  ASSERT_TRUE(gzip_compress(as_bytes("second member"), stream).ok());
  Result<std::vector<std::uint8_t>> back = gzip_decode(stream);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(std::string(back->begin(), back->end()), "first member, second member");
}

TEST(GzipFormat, AWrongTrailerChecksumIsCorrupt) {
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(gzip_compress(compressible_bytes(5000), out).ok());
  out[out.size() - 8] ^= 0x01;  // CRC-32
  EXPECT_EQ(gzip_decode(out).code(), ErrorCode::CORRUPT_MESSAGE);
  out[out.size() - 8] ^= 0x01;
  out[out.size() - 4] ^= 0x01;  // ISIZE
  EXPECT_EQ(gzip_decode(out).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(GzipFormat, ZlibAndRawDeflateAreNotGzip) {
  const std::vector<std::uint8_t> input = compressible_bytes(2000);
  std::vector<std::uint8_t> zlib_stream(compressBound(static_cast<uLong>(input.size())));
  uLongf n = static_cast<uLongf>(zlib_stream.size());
  ASSERT_EQ(compress2(zlib_stream.data(), &n, input.data(), static_cast<uLong>(input.size()), 6), Z_OK);
  zlib_stream.resize(n);
  EXPECT_EQ(gzip_decode(zlib_stream).code(), ErrorCode::CORRUPT_MESSAGE);
  // The same deflate data without the zlib header.
  EXPECT_EQ(gzip_decode(std::span(zlib_stream).subspan(2)).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(GzipFormat, OutputIsBoundedWithinOneMember) {
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(gzip_compress(compressible_bytes(300 * kKiB), out).ok());
  BoundedOutput bounded(100 * kKiB);
  EXPECT_EQ(gzip_decompress(out, bounded).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_LE(bounded.allocated(), 100 * kKiB + 1);
  EXPECT_EQ(bounded.size(), 100 * kKiB + 1) << "decoding stops one byte past the limit";
}

}  // namespace
}  // namespace sluice::protocol
