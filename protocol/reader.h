// Bounded big-endian reader over a byte span. A failed read (truncation, an
// over-long varint) latches the first error, moves to the end and makes every
// later read fail too, so decoders check ok() once instead of after each field.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "protocol/uuid.h"

namespace sluice::protocol {

class Reader {
 public:
  Reader() = default;
  explicit Reader(std::span<const std::uint8_t> bytes)
      : pos_(bytes.data()), end_(bytes.data() + bytes.size()), begin_(bytes.data()) {}

  bool ok() const { return error_ == nullptr; }
  const char* error() const { return error_ ? error_ : ""; }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - pos_); }
  std::size_t position() const { return static_cast<std::size_t>(pos_ - begin_); }

  void fail(const char* why) {
    if (error_ == nullptr) error_ = why;
    pos_ = end_;
  }

  std::int8_t i8() { return static_cast<std::int8_t>(fixed<std::uint8_t>()); }
  std::int16_t i16() { return static_cast<std::int16_t>(fixed<std::uint16_t>()); }
  std::int32_t i32() { return static_cast<std::int32_t>(fixed<std::uint32_t>()); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed<std::uint64_t>()); }
  std::uint16_t u16() { return fixed<std::uint16_t>(); }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  double f64() { return std::bit_cast<double>(fixed<std::uint64_t>()); }
  bool boolean() { return fixed<std::uint8_t>() != 0; }
  Uuid uuid() {
    Uuid u;
    u.high = fixed<std::uint64_t>();
    u.low = fixed<std::uint64_t>();
    return u;
  }

  // Unsigned LEB128 as Kafka writes it: at most 5 bytes for 32 bits, 10 for 64.
  std::uint32_t uvarint() { return static_cast<std::uint32_t>(leb128(5)); }
  std::uint64_t uvarlong() { return leb128(10); }
  // Zig-zag signed varints (record fields).
  std::int32_t varint() {
    std::uint32_t n = uvarint();
    return static_cast<std::int32_t>((n >> 1) ^ (~(n & 1) + 1));
  }
  std::int64_t varlong() {
    std::uint64_t n = uvarlong();
    return static_cast<std::int64_t>((n >> 1) ^ (~(n & 1) + 1));
  }

  // A view of the next n bytes (no copy); empty and failed if they are not there.
  std::span<const std::uint8_t> view(std::size_t n) {
    if (n > remaining()) {
      fail("truncated");
      return {};
    }
    std::span<const std::uint8_t> out(pos_, n);
    pos_ += n;
    return out;
  }
  // A reader limited to the next n bytes, which this reader skips.
  Reader sub(std::size_t n) { return Reader(view(n)); }
  void skip(std::size_t n) { (void)view(n); }

 private:
  template <class T>
  T fixed() {
    if (remaining() < sizeof(T)) {
      fail("truncated");
      return 0;
    }
    T v;
    std::memcpy(&v, pos_, sizeof(T));
    pos_ += sizeof(T);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) v = byteswap(v);
    return v;
  }

  template <class T>
  static T byteswap(T v) {
    if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(v));
    if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(v));
    if constexpr (sizeof(T) == 8) return static_cast<T>(__builtin_bswap64(v));
  }

  std::uint64_t leb128(int max_bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (pos_ == end_) {
        fail("truncated varint");
        return 0;
      }
      std::uint8_t b = *pos_++;
      value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return value;
    }
    fail("varint too long");
    return 0;
  }

  const std::uint8_t* pos_ = nullptr;
  const std::uint8_t* end_ = nullptr;
  const std::uint8_t* begin_ = nullptr;
  const char* error_ = nullptr;
};

}  // namespace sluice::protocol
