#include "protocol/compression/gzip_codec.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <string>

namespace sluice::protocol {
namespace {

// windowBits 15 + 16: a 32 KiB window with the gzip header and trailer
// instead of the zlib ones.
constexpr int kGzipWindowBits = 15 + 16;
constexpr std::size_t kMaxChunk = UINT_MAX;  // zlib counts in uInt

// Owns a z_stream for one direction and ends it on every path.
class ZStream {
 public:
  enum class Mode { kDeflate, kInflate };
  explicit ZStream(Mode mode) : mode_(mode) {}
  ZStream(const ZStream&) = delete;
  ZStream& operator=(const ZStream&) = delete;
  ~ZStream() {
    if (!started_) return;
    if (mode_ == Mode::kDeflate) {
      deflateEnd(&zs_);
    } else {
      inflateEnd(&zs_);
    }
  }

  int init(int level) {
    const int rc = mode_ == Mode::kDeflate
                       ? deflateInit2(&zs_, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY)
                       : inflateInit2(&zs_, kGzipWindowBits);
    started_ = rc == Z_OK;
    return rc;
  }
  z_stream* operator->() { return &zs_; }
  z_stream* get() { return &zs_; }

 private:
  Mode mode_;
  z_stream zs_{};
  bool started_ = false;
};

Status corrupt(const char* what) { return {ErrorCode::CORRUPT_MESSAGE, std::string("gzip: ") + what}; }

bool starts_gzip_member(std::span<const std::uint8_t> rest) {
  return rest.size() >= 2 && rest[0] == 0x1f && rest[1] == 0x8b;
}

}  // namespace

Status gzip_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out, std::optional<int> level) {
  ZStream zs(ZStream::Mode::kDeflate);
  if (zs.init(level.value_or(Z_DEFAULT_COMPRESSION)) != Z_OK) {
    return {ErrorCode::INVALID_CONFIG, "gzip: unsupported compression level"};
  }
  const std::size_t start = out.size();
  out.resize(start + deflateBound(zs.get(), static_cast<uLong>(input.size())) + 64);
  zs->next_in = const_cast<Bytef*>(input.data());  // zlib's API is not const-correct; it only reads
  std::size_t in_left = input.size();
  std::size_t produced = 0;
  for (;;) {
    if (produced == out.size() - start) out.resize(out.size() + 64 * 1024);
    const std::size_t in_chunk = std::min(in_left, kMaxChunk);
    const std::size_t out_room = std::min(out.size() - start - produced, kMaxChunk);
    zs->avail_in = static_cast<uInt>(in_chunk);
    zs->next_out = out.data() + start + produced;
    zs->avail_out = static_cast<uInt>(out_room);
    const int rc = deflate(zs.get(), in_chunk == in_left ? Z_FINISH : Z_NO_FLUSH);
    in_left -= in_chunk - zs->avail_in;
    produced += out_room - zs->avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      out.resize(start);
      return {ErrorCode::UNKNOWN_SERVER_ERROR, "gzip: deflate failed"};
    }
  }
  out.resize(start + produced);
  return {};
}

Status gzip_decompress(std::span<const std::uint8_t> input, BoundedOutput& out) {
  ZStream zs(ZStream::Mode::kInflate);
  if (zs.init(0) != Z_OK) return {ErrorCode::UNKNOWN_SERVER_ERROR, "gzip: inflateInit failed"};
  std::span<const std::uint8_t> rest = input;
  if (rest.empty()) return corrupt("empty input");
  for (;;) {
    std::span<std::uint8_t> room = out.room();
    if (room.empty()) return out.too_large();
    const std::size_t in_chunk = std::min(rest.size(), kMaxChunk);
    const std::size_t out_chunk = std::min(room.size(), kMaxChunk);
    zs->next_in = const_cast<Bytef*>(rest.data());
    zs->avail_in = static_cast<uInt>(in_chunk);
    zs->next_out = room.data();
    zs->avail_out = static_cast<uInt>(out_chunk);
    const int rc = inflate(zs.get(), Z_NO_FLUSH);
    const std::size_t consumed = in_chunk - zs->avail_in;
    const std::size_t produced = out_chunk - zs->avail_out;
    rest = rest.subspan(consumed);
    out.commit(produced);
    if (out.exceeded()) return out.too_large();
    if (rc == Z_STREAM_END) {
      if (rest.empty()) return {};
      // Another member follows (concatenated gzip files are one stream).
      if (!starts_gzip_member(rest)) return corrupt("trailing bytes after the gzip trailer");
      if (inflateReset(zs.get()) != Z_OK) return corrupt("cannot reset");
      continue;
    }
    if (rc == Z_BUF_ERROR || (rc == Z_OK && consumed == 0 && produced == 0)) {
      // No progress: either the input ran out mid-stream or the output is
      // full (then room() grows it next time round).
      if (rest.empty() || zs->avail_out != 0) return corrupt("truncated stream");
      continue;
    }
    if (rc != Z_OK) return corrupt(zs->msg != nullptr ? zs->msg : "invalid data");
  }
}

}  // namespace sluice::protocol
