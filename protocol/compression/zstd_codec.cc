#include "protocol/compression/zstd_codec.h"

// For ZSTD_decompressBound (exported by libzstd since 1.4.10).
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <string>

namespace sluice::protocol {
namespace {

constexpr int kDefaultLevel = 3;
// The streaming decoder allocates a window buffer as large as the frame
// declares (2^27 for zstd-jni at levels 20-22, which never knows the size in
// advance). It is allowed windows up to about twice the output limit; a frame
// with a larger window is decoded in one shot into the output itself, which
// then is the window, so memory follows the limit either way and Kafka's
// accepted levels all decode.
constexpr int kMinWindowLog = 10;           // ZSTD_WINDOWLOG_MIN
constexpr int kMaxStreamingWindowLog = 27;  // libzstd's default ceiling

struct DctxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};
struct CctxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

Status corrupt(const char* what) { return {ErrorCode::CORRUPT_MESSAGE, std::string("zstd: ") + what}; }

int window_log_max(std::size_t limit) {
  const int needed = static_cast<int>(std::bit_width(limit));
  return std::clamp(needed, kMinWindowLog, kMaxStreamingWindowLog);
}

// Decodes `frames` (whole frames from a frame boundary on) in one call into
// room for no more than the limit allows and the frames can produce.
Status decompress_one_shot(ZSTD_DCtx* dctx, std::span<const std::uint8_t> frames, BoundedOutput& out) {
  const unsigned long long bound = ZSTD_decompressBound(frames.data(), frames.size());
  if (bound == ZSTD_CONTENTSIZE_ERROR) return corrupt("invalid frame");
  const std::size_t allowed = out.limit() - std::min(out.size(), out.limit());
  const std::size_t capacity = static_cast<std::size_t>(std::min<unsigned long long>(bound, allowed));
  const std::size_t before = out.size();
  std::span<std::uint8_t> dst = out.extend(capacity);
  if (dst.size() != capacity) return out.too_large();
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  std::uint8_t empty = 0;
  const std::size_t written =
      ZSTD_decompressDCtx(dctx, capacity == 0 ? &empty : dst.data(), capacity, frames.data(), frames.size());
  if (ZSTD_isError(written)) {
    // The bound holds for valid frames, so a full buffer means the limit.
    if (ZSTD_getErrorCode(written) == ZSTD_error_dstSize_tooSmall && capacity == allowed) return out.too_large();
    return corrupt(ZSTD_getErrorName(written));
  }
  out.truncate(before + written);
  return {};
}

}  // namespace

Status zstd_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out, std::optional<int> level) {
  std::unique_ptr<ZSTD_CCtx, CctxDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) return {ErrorCode::UNKNOWN_SERVER_ERROR, "zstd: cannot create a compression context"};
  const int lvl = level.value_or(kDefaultLevel);
  if (lvl < ZSTD_minCLevel() || lvl > ZSTD_maxCLevel()) {
    return {ErrorCode::INVALID_CONFIG, "zstd: unsupported compression level"};
  }
  const std::size_t at = out.size();
  out.resize(at + ZSTD_compressBound(input.size()));
  const std::size_t written =
      ZSTD_compressCCtx(cctx.get(), out.data() + at, out.size() - at, input.data(), input.size(), lvl);
  if (ZSTD_isError(written)) {
    out.resize(at);
    return {ErrorCode::UNKNOWN_SERVER_ERROR, std::string("zstd: ") + ZSTD_getErrorName(written)};
  }
  out.resize(at + written);
  return {};
}

Status zstd_decompress(std::span<const std::uint8_t> input, BoundedOutput& out) {
  if (input.empty()) return corrupt("empty input");
  // A frame that declares more than the limit is refused before decoding.
  const unsigned long long declared = ZSTD_getFrameContentSize(input.data(), input.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR && declared > out.limit()) {
    return out.too_large();
  }
  std::unique_ptr<ZSTD_DCtx, DctxDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) return {ErrorCode::UNKNOWN_SERVER_ERROR, "zstd: cannot create a decompression context"};
  if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, window_log_max(out.limit())))) {
    return {ErrorCode::UNKNOWN_SERVER_ERROR, "zstd: cannot limit the window size"};
  }
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  std::size_t pending = 1;   // 0 once a frame is complete and flushed
  std::size_t frame_at = 0;  // where the frame being decoded starts
  for (;;) {
    std::span<std::uint8_t> room = out.room();
    if (room.empty()) return out.too_large();
    ZSTD_outBuffer dst{room.data(), room.size(), 0};
    pending = ZSTD_decompressStream(dctx.get(), &dst, &in);
    if (ZSTD_isError(pending)) {
      if (ZSTD_getErrorCode(pending) == ZSTD_error_frameParameter_windowTooLarge) {
        return decompress_one_shot(dctx.get(), input.subspan(frame_at), out);
      }
      return corrupt(ZSTD_getErrorName(pending));
    }
    out.commit(dst.pos);
    if (out.exceeded()) return out.too_large();
    if (pending == 0) frame_at = in.pos;
    if (in.pos == in.size) {
      if (pending == 0) return {};
      // Out of input mid-frame; unless the output filled up (then the
      // decoder may still hold data to flush), the frame is cut short.
      if (dst.pos < dst.size) return corrupt("truncated frame");
    }
  }
}

}  // namespace sluice::protocol
