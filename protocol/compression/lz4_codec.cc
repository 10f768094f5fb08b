#include "protocol/compression/lz4_codec.h"

#include <lz4frame.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "protocol/compression/xxhash32.h"

namespace sluice::protocol {
namespace {

constexpr std::uint32_t kFrameMagic = 0x184D2204;  // little-endian on the wire
constexpr std::size_t kMaxHeaderSize = 19;         // magic, FLG, BD, content size, dict id, HC
constexpr std::uint8_t kFlagContentSize = 0x08;
constexpr std::uint8_t kFlagDictId = 0x01;

Status corrupt(const std::string& what) { return {ErrorCode::CORRUPT_MESSAGE, "lz4: " + what}; }

struct DctxDeleter {
  void operator()(LZ4F_dctx* d) const { LZ4F_freeDecompressionContext(d); }
};
using DctxPtr = std::unique_ptr<LZ4F_dctx, DctxDeleter>;

// Size of the frame header (through HC) of the frame starting at `frame`, or
// 0 if it is not a complete LZ4 frame header.
std::size_t header_size(std::span<const std::uint8_t> frame) {
  if (frame.size() < 7) return 0;
  const std::uint32_t magic = static_cast<std::uint32_t>(frame[0]) | static_cast<std::uint32_t>(frame[1]) << 8 |
                              static_cast<std::uint32_t>(frame[2]) << 16 | static_cast<std::uint32_t>(frame[3]) << 24;
  if (magic != kFrameMagic) return 0;
  const std::uint8_t flg = frame[4];
  const std::size_t size = 4 + 2 + ((flg & kFlagContentSize) != 0 ? 8 : 0) + ((flg & kFlagDictId) != 0 ? 4 : 0) + 1;
  return frame.size() >= size ? size : 0;
}

// The content size a frame header declares (0 when it declares none).
std::uint64_t declared_content_size(std::span<const std::uint8_t> frame) {
  if (header_size(frame) == 0 || (frame[4] & kFlagContentSize) == 0) return 0;
  std::uint64_t size = 0;
  for (int i = 7; i >= 0; --i) size = size << 8 | frame[6 + i];
  return size;
}

// LZ4F verifies the HC byte itself; a frame from an old Kafka client gets its
// HC rewritten to the standard value first (in a copy of the header) so that
// both flavours decode.
std::array<std::uint8_t, kMaxHeaderSize> repaired_header(std::span<const std::uint8_t> frame, std::size_t size) {
  std::array<std::uint8_t, kMaxHeaderSize> header{};
  std::copy_n(frame.begin(), size, header.begin());
  header[size - 1] = *lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kStandard);
  return header;
}

}  // namespace

std::optional<std::uint8_t> lz4_expected_header_checksum(std::span<const std::uint8_t> frame,
                                                         Lz4HeaderChecksum checksum) {
  const std::size_t size = header_size(frame);
  if (size == 0) return std::nullopt;
  // Standard: XXH32 of the descriptor (FLG .. before HC). KAFKA-3160: from
  // the magic number on.
  const std::size_t from = checksum == Lz4HeaderChecksum::kStandard ? 4 : 0;
  const std::uint32_t hash = xxhash32(frame.subspan(from, size - 1 - from));
  return static_cast<std::uint8_t>((hash >> 8) & 0xFF);
}

Status lz4_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out, std::optional<int> level,
                    Lz4HeaderChecksum checksum) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
  prefs.compressionLevel = level.value_or(0);
  const std::size_t at = out.size();
  out.resize(at + LZ4F_compressFrameBound(input.size(), &prefs));
  const std::size_t written = LZ4F_compressFrame(out.data() + at, out.size() - at, input.data(), input.size(), &prefs);
  if (LZ4F_isError(written)) {
    out.resize(at);
    return {ErrorCode::UNKNOWN_SERVER_ERROR, std::string("lz4: ") + LZ4F_getErrorName(written)};
  }
  out.resize(at + written);
  if (checksum == Lz4HeaderChecksum::kKafka3160) {
    const std::span<std::uint8_t> frame = std::span<std::uint8_t>(out).subspan(at);
    const std::size_t size = header_size(frame);
    if (size == 0) return {ErrorCode::UNKNOWN_SERVER_ERROR, "lz4: unexpected frame header"};
    frame[size - 1] = *lz4_expected_header_checksum(frame, Lz4HeaderChecksum::kKafka3160);
  }
  return {};
}

Status lz4_decompress(std::span<const std::uint8_t> input, BoundedOutput& out) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return {ErrorCode::UNKNOWN_SERVER_ERROR, "lz4: cannot create a decompression context"};
  }
  DctxPtr dctx(raw);
  if (input.empty()) return corrupt("empty input");

  std::span<const std::uint8_t> rest = input;
  std::array<std::uint8_t, kMaxHeaderSize> patched{};
  std::span<const std::uint8_t> pending_header;  // a repaired header to feed first
  bool frame_start = true;
  std::size_t hint = 1;
  while (!rest.empty() || !pending_header.empty()) {
    if (frame_start && pending_header.empty()) {
      const std::size_t size = header_size(rest);
      // A declared content size past the limit fails before any decoding
      // (LZ4F itself checks the declared size against the real one).
      if (declared_content_size(rest) > out.limit() - std::min(out.size(), out.limit())) return out.too_large();
      if (size != 0 && rest[size - 1] != *lz4_expected_header_checksum(rest, Lz4HeaderChecksum::kStandard) &&
          rest[size - 1] == *lz4_expected_header_checksum(rest, Lz4HeaderChecksum::kKafka3160)) {
        patched = repaired_header(rest, size);
        pending_header = std::span<const std::uint8_t>(patched).first(size);
        rest = rest.subspan(size);
      }
      frame_start = false;
    }
    std::span<std::uint8_t> room = out.room();
    if (room.empty()) return out.too_large();
    std::span<const std::uint8_t>& src = pending_header.empty() ? rest : pending_header;
    std::size_t produced = room.size();
    std::size_t consumed = src.size();
    hint = LZ4F_decompress(dctx.get(), room.data(), &produced, src.data(), &consumed, nullptr);
    if (LZ4F_isError(hint)) return corrupt(LZ4F_getErrorName(hint));
    src = src.subspan(consumed);
    out.commit(produced);
    if (out.exceeded()) return out.too_large();
    if (hint == 0) frame_start = true;  // frame complete; another may follow
    if (consumed == 0 && produced == 0 && room.size() > 0) return corrupt("no progress");
  }
  // Flush what the decoder still holds (a full output buffer can leave some).
  while (hint != 0) {
    std::span<std::uint8_t> room = out.room();
    if (room.empty()) return out.too_large();
    std::size_t produced = room.size();
    std::size_t consumed = 0;
    const std::uint8_t none = 0;
    hint = LZ4F_decompress(dctx.get(), room.data(), &produced, &none, &consumed, nullptr);
    if (LZ4F_isError(hint)) return corrupt(LZ4F_getErrorName(hint));
    out.commit(produced);
    if (out.exceeded()) return out.too_large();
    if (produced == 0 && hint != 0) return corrupt("truncated frame");
  }
  return {};
}

}  // namespace sluice::protocol
