#include "protocol/compression/zstd_codec.h"

#include <zstd.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <string>

namespace sluice::protocol {
namespace {

constexpr int kDefaultLevel = 3;
// The decoder allocates a window buffer as large as the frame declares. Every
// level up to 19, whatever Kafka client wrote it, needs at most 8 MiB (2^23);
// a larger window is accepted only when the output limit is larger anyway,
// up to libzstd's default ceiling of 2^27.
constexpr int kMinWindowLogMax = 23;
constexpr int kMaxWindowLogMax = 27;

struct DctxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};
struct CctxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

Status corrupt(const char* what) { return {ErrorCode::CORRUPT_MESSAGE, std::string("zstd: ") + what}; }

int window_log_max(std::size_t limit) {
  const int needed = static_cast<int>(std::bit_width(limit));
  return std::clamp(needed, kMinWindowLogMax, kMaxWindowLogMax);
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
  std::size_t pending = 1;  // 0 once a frame is complete and flushed
  for (;;) {
    std::span<std::uint8_t> room = out.room();
    if (room.empty()) return out.too_large();
    ZSTD_outBuffer dst{room.data(), room.size(), 0};
    pending = ZSTD_decompressStream(dctx.get(), &dst, &in);
    if (ZSTD_isError(pending)) return corrupt(ZSTD_getErrorName(pending));
    out.commit(dst.pos);
    if (out.exceeded()) return out.too_large();
    if (in.pos == in.size) {
      if (pending == 0) return {};
      // Out of input mid-frame; unless the output filled up (then the
      // decoder may still hold data to flush), the frame is cut short.
      if (dst.pos < dst.size) return corrupt("truncated frame");
    }
  }
}

}  // namespace sluice::protocol
