#include "protocol/compression/snappy_codec.h"

#include <snappy.h>

#include <algorithm>
#include <array>
#include <string>

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {
namespace {

// snappy-java's SnappyCodec header: magic, then version and minimum
// compatible version, both 1.
constexpr std::array<std::uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr std::size_t kXerialHeaderSize = kXerialMagic.size() + 4 + 4;
constexpr std::int32_t kXerialVersion = 1;
constexpr std::int32_t kXerialCompatibleVersion = 1;
// SnappyOutputStream's default block size.
constexpr std::size_t kXerialBlockSize = 32 * 1024;
// The most output a raw block can produce per input byte: a 3-byte copy
// element expands to at most 64 bytes. A block claiming more is corrupt,
// which bounds what is allocated for it even under a generous limit.
constexpr std::size_t kMaxExpansion = 22;

Status corrupt(const char* what) { return {ErrorCode::CORRUPT_MESSAGE, std::string("snappy: ") + what}; }

const char* chars(const std::uint8_t* p) { return reinterpret_cast<const char*>(p); }

// Appends one raw block; the caller made sure `block` is small enough.
void append_raw_block(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out, std::size_t at) {
  out.resize(at + snappy::MaxCompressedLength(block.size()));
  std::size_t written = 0;
  snappy::RawCompress(chars(block.data()), block.size(), reinterpret_cast<char*>(out.data() + at), &written);
  out.resize(at + written);
}

Status decompress_raw_block(std::span<const std::uint8_t> block, BoundedOutput& out) {
  std::size_t length = 0;
  if (!snappy::GetUncompressedLength(chars(block.data()), block.size(), &length)) {
    return corrupt("invalid block length");
  }
  if (length / kMaxExpansion > block.size()) return corrupt("block length beyond what its size can hold");
  // The claimed length is checked against the limit before anything is
  // allocated for it; RawUncompress then never writes past it.
  std::span<std::uint8_t> dst = out.extend(length);
  if (dst.size() != length) return out.too_large();
  // An empty block is still checked (it must be the length byte alone); it
  // gets a real buffer since an empty span may have no data pointer.
  char empty = 0;
  char* target = length == 0 ? &empty : reinterpret_cast<char*>(dst.data());
  if (!snappy::RawUncompress(chars(block.data()), block.size(), target)) return corrupt("invalid block");
  return {};
}

Status decompress_xerial(std::span<const std::uint8_t> input, BoundedOutput& out) {
  Reader r(input);
  while (r.remaining() > 0) {
    // snappy-java writes a fresh header when streams are concatenated.
    if (r.remaining() >= kXerialHeaderSize && is_xerial_snappy(input.subspan(r.position()))) {
      r.skip(kXerialMagic.size());
      (void)r.i32();  // version
      if (r.i32() > kXerialCompatibleVersion) return corrupt("unsupported xerial version");
      continue;
    }
    const std::int32_t length = r.i32();
    if (!r.ok()) return corrupt("truncated block length");
    if (length < 0 || static_cast<std::size_t>(length) > r.remaining()) return corrupt("truncated block");
    if (length == 0) continue;
    if (Status s = decompress_raw_block(r.view(static_cast<std::size_t>(length)), out); !s.ok()) return s;
  }
  return {};
}

}  // namespace

bool is_xerial_snappy(std::span<const std::uint8_t> input) {
  return input.size() >= kXerialMagic.size() && std::equal(kXerialMagic.begin(), kXerialMagic.end(), input.begin());
}

Status snappy_compress_raw(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out) {
  append_raw_block(input, out, out.size());
  return {};
}

Status snappy_compress_xerial(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out) {
  std::size_t at = out.size();
  out.resize(at + kXerialHeaderSize);
  Writer header(std::span<std::uint8_t>(out).subspan(at));
  header.raw(kXerialMagic);
  header.i32(kXerialVersion);
  header.i32(kXerialCompatibleVersion);
  // Empty input is the header alone, as SnappyOutputStream writes it.
  while (!input.empty()) {
    const std::span<const std::uint8_t> block = input.first(std::min(input.size(), kXerialBlockSize));
    input = input.subspan(block.size());
    at = out.size();
    append_raw_block(block, out, at + 4);
    Writer length(std::span<std::uint8_t>(out).subspan(at, 4));
    length.i32(static_cast<std::int32_t>(out.size() - at - 4));
  }
  return {};
}

Status snappy_decompress(std::span<const std::uint8_t> input, BoundedOutput& out) {
  if (input.empty()) return corrupt("empty input");
  if (is_xerial_snappy(input)) {
    if (input.size() < kXerialHeaderSize) return corrupt("truncated xerial header");
    return decompress_xerial(input, out);
  }
  return decompress_raw_block(input, out);
}

}  // namespace sluice::protocol
