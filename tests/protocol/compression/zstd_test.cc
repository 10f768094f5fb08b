// zstd (KIP-110): frames with and without a declared size, large windows as
// zstd-jni writes them at high levels, and bounded decoding of each.
#include <gtest/gtest.h>
#include <zstd.h>

#include <memory>
#include <vector>

#include "protocol/compression/zstd_codec.h"
#include "tests/protocol/compression/compression_test_util.h"

namespace sluice::protocol {
namespace {

using testing::compressible_bytes;
using testing::kKiB;
using testing::kMiB;

Result<std::vector<std::uint8_t>> zstd_decode(std::span<const std::uint8_t> input, std::size_t limit) {
  BoundedOutput out(limit);
  if (Status s = zstd_decompress(input, out); !s.ok()) return s;
  return std::move(out).take();
}

struct CctxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// A frame written the way a streaming producer (zstd-jni's output stream)
// writes it: the size is never known up front, so the header carries a
// window descriptor and no content size.
std::vector<std::uint8_t> streamed_frame(std::span<const std::uint8_t> input, int level = 3) {
  std::unique_ptr<ZSTD_CCtx, CctxFree> cctx(ZSTD_createCCtx());
  EXPECT_FALSE(ZSTD_isError(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level)));
  std::vector<std::uint8_t> out(ZSTD_compressBound(input.size()) + 1024);
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  ZSTD_inBuffer src{input.data(), input.size(), 0};
  while (src.pos < src.size) {
    const std::size_t rc = ZSTD_compressStream2(cctx.get(), &dst, &src, ZSTD_e_continue);
    EXPECT_FALSE(ZSTD_isError(rc));
    if (ZSTD_isError(rc)) return {};
  }
  ZSTD_inBuffer none{nullptr, 0, 0};
  for (;;) {
    const std::size_t left = ZSTD_compressStream2(cctx.get(), &dst, &none, ZSTD_e_end);
    EXPECT_FALSE(ZSTD_isError(left));
    if (ZSTD_isError(left) || left == 0) break;
  }
  out.resize(dst.pos);
  return out;
}

// Rewrites a streamed frame's window descriptor to 2^log (the mantissa 0):
// the blocks stay valid, only the memory the header asks for changes.
void set_window_log(std::vector<std::uint8_t>& frame, int log) {
  ASSERT_GT(frame.size(), 6u);
  ASSERT_EQ(frame[4] & 0x20, 0) << "single-segment frames have no window descriptor";
  ASSERT_EQ(frame[4] & 0xC0, 0) << "expected no content size";
  frame[5] = static_cast<std::uint8_t>((log - 10) << 3);
}

TEST(ZstdFrame, OneShotFramesDeclareTheirSizeAndDecode) {
  const std::vector<std::uint8_t> input = compressible_bytes(300 * kKiB);
  std::vector<std::uint8_t> frame;
  ASSERT_TRUE(zstd_compress(input, frame).ok());
  EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), input.size());
  Result<std::vector<std::uint8_t>> back = zstd_decode(frame, kMiB);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == input);
}

TEST(ZstdFrame, StreamedFramesWithoutASizeDecode) {
  const std::vector<std::uint8_t> input = compressible_bytes(500 * kKiB);
  const std::vector<std::uint8_t> frame = streamed_frame(input);
  EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  Result<std::vector<std::uint8_t>> back = zstd_decode(frame, kMiB);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == input);
}

TEST(ZstdFrame, WindowsFarLargerThanTheLimitStillDecode) {
  // zstd-jni at levels 20-22 declares a 128 MiB window. Kafka accepts those
  // frames; so must a broker with a small limit, without a 128 MiB buffer.
  const std::vector<std::uint8_t> input = compressible_bytes(300 * kKiB);
  for (int log : {22, 24, 27, 31}) {
    std::vector<std::uint8_t> frame = streamed_frame(input);
    set_window_log(frame, log);
    Result<std::vector<std::uint8_t>> back = zstd_decode(frame, kMiB);
    ASSERT_TRUE(back.ok()) << "window 2^" << log << ": " << back.status().detail;
    EXPECT_TRUE(*back == input) << log;
  }
}

TEST(ZstdFrame, LargeWindowFramesAfterOthersDecodeToo) {
  const std::vector<std::uint8_t> first = compressible_bytes(70 * kKiB);
  const std::vector<std::uint8_t> second = testing::random_bytes(90 * kKiB);
  std::vector<std::uint8_t> stream = streamed_frame(first);
  std::vector<std::uint8_t> big_window = streamed_frame(second);
  set_window_log(big_window, 27);
  stream.insert(stream.end(), big_window.begin(), big_window.end());
  std::vector<std::uint8_t> expected = first;
  expected.insert(expected.end(), second.begin(), second.end());

  Result<std::vector<std::uint8_t>> back = zstd_decode(stream, kMiB);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == expected);
  // The whole output is within the limit, exactly.
  back = zstd_decode(stream, expected.size());
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(zstd_decode(stream, expected.size() - 1).code(), ErrorCode::RECORD_LIST_TOO_LARGE);
}

TEST(ZstdBomb, StreamedBombFailsAtTheLimit) {
  const std::vector<std::uint8_t> bomb = streamed_frame(testing::zeros_64mib(), 1);
  ASSERT_LT(bomb.size(), kMiB);
  BoundedOutput out(kMiB);
  EXPECT_EQ(zstd_decompress(bomb, out).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_LE(out.allocated(), kMiB + 1);
}

TEST(ZstdBomb, LargeWindowBombFailsAtTheLimit) {
  std::vector<std::uint8_t> bomb = streamed_frame(testing::zeros_64mib(), 1);
  set_window_log(bomb, 27);
  BoundedOutput out(kMiB);
  EXPECT_EQ(zstd_decompress(bomb, out).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_LE(out.allocated(), kMiB + 1);
}

TEST(ZstdBomb, ADeclaredSizePastTheLimitFailsBeforeDecoding) {
  std::vector<std::uint8_t> frame;
  ASSERT_TRUE(zstd_compress(compressible_bytes(2 * kMiB), frame).ok());
  BoundedOutput out(kMiB);
  const std::size_t before = out.allocated();
  EXPECT_EQ(zstd_decompress(frame, out).code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(out.allocated(), before);
}

TEST(ZstdFrame, ADeclaredSizeThatDisagreesWithTheDataIsCorrupt) {
  const std::vector<std::uint8_t> input = compressible_bytes(1000);
  std::vector<std::uint8_t> frame;
  ASSERT_TRUE(zstd_compress(input, frame).ok());
  // Level 3 on 1000 bytes: single segment, a 2-byte content size field
  // (stored minus 256) right after the descriptor byte.
  ASSERT_EQ(frame[4] & 0xE0, 0x60);
  const std::uint16_t stored = static_cast<std::uint16_t>(frame[5] | frame[6] << 8);
  ASSERT_EQ(stored + 256u, input.size());
  frame[5] = static_cast<std::uint8_t>(frame[5] + 1);
  EXPECT_EQ(zstd_decode(frame, kMiB).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(ZstdFrame, TruncatedFramesAreCorruptInEveryDecodingPath) {
  const std::vector<std::uint8_t> input = compressible_bytes(200 * kKiB);
  std::vector<std::uint8_t> one_shot;
  ASSERT_TRUE(zstd_compress(input, one_shot).ok());
  std::vector<std::uint8_t> big_window = streamed_frame(input);
  set_window_log(big_window, 27);
  for (const auto* frame : {&one_shot, &big_window}) {
    for (std::size_t n = 0; n < frame->size(); n += n < 32 ? 1 : 61) {
      EXPECT_EQ(zstd_decode(std::span(*frame).first(n), kMiB).code(), ErrorCode::CORRUPT_MESSAGE) << n;
    }
  }
}

TEST(ZstdFrame, ConcatenatedAndSkippableFramesDecode) {
  std::vector<std::uint8_t> stream;
  ASSERT_TRUE(zstd_compress(testing::as_bytes("one "), stream).ok());
  // A skippable frame: magic 0x184D2A50, little-endian size, payload.
  const std::vector<std::uint8_t> skippable = {0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'};
  stream.insert(stream.end(), skippable.begin(), skippable.end());
  ASSERT_TRUE(zstd_compress(testing::as_bytes("two"), stream).ok());
  Result<std::vector<std::uint8_t>> back = zstd_decode(stream, kMiB);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(std::string(back->begin(), back->end()), "one two");
}

}  // namespace
}  // namespace sluice::protocol
