// Big-endian writer into a buffer sized in advance (by a message's wire_size).
// Writing past the end latches overflow instead of corrupting memory.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "protocol/uuid.h"
#include "protocol/varint.h"

namespace sluice::protocol {

// A gap in the output for bytes that go out from elsewhere: `length` bytes
// belong at `position` (relative to the start of the writer's buffer).
struct ExternalRange {
  std::size_t position = 0;
  std::size_t length = 0;
};

class Writer {
 public:
  explicit Writer(std::span<std::uint8_t> out) : pos_(out.data()), end_(out.data() + out.size()), begin_(out.data()) {}

  bool ok() const { return !overflow_; }
  std::size_t written() const { return static_cast<std::size_t>(pos_ - begin_); }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - pos_); }

  void i8(std::int8_t v) { fixed(static_cast<std::uint8_t>(v)); }
  void i16(std::int16_t v) { fixed(static_cast<std::uint16_t>(v)); }
  void i32(std::int32_t v) { fixed(static_cast<std::uint32_t>(v)); }
  void i64(std::int64_t v) { fixed(static_cast<std::uint64_t>(v)); }
  void u16(std::uint16_t v) { fixed(v); }
  void u32(std::uint32_t v) { fixed(v); }
  void f64(double v) { fixed(std::bit_cast<std::uint64_t>(v)); }
  void boolean(bool v) { fixed(static_cast<std::uint8_t>(v ? 1 : 0)); }
  void uuid(const Uuid& u) {
    fixed(u.high);
    fixed(u.low);
  }

  void uvarint(std::uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<std::uint8_t>(v));
  }
  void varint(std::int32_t v) { uvarint(zigzag32(v)); }
  void varlong(std::int64_t v) { uvarint(zigzag64(v)); }

  void raw(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > remaining()) {
      overflow_ = true;
      return;
    }
    if (!bytes.empty()) std::memcpy(pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
  }

  // Leaves a gap of n bytes that are not in this buffer (see RecordsView::
  // external); fails unless a sink for gaps was set.
  void external(std::size_t n) {
    if (externals_ == nullptr) {
      overflow_ = true;
      return;
    }
    externals_->push_back(ExternalRange{written(), n});
    external_bytes_ += n;
  }
  void set_external_sink(std::vector<ExternalRange>* sink) { externals_ = sink; }
  std::size_t external_bytes() const { return external_bytes_; }

  // Reserve n bytes to fill in later (lengths, CRCs); returns where they start.
  std::uint8_t* skip(std::size_t n) {
    if (n > remaining()) {
      overflow_ = true;
      return nullptr;
    }
    std::uint8_t* at = pos_;
    pos_ += n;
    return at;
  }

 private:
  void byte(std::uint8_t b) {
    if (pos_ == end_) {
      overflow_ = true;
      return;
    }
    *pos_++ = b;
  }

  template <class T>
  void fixed(T v) {
    if (sizeof(T) > remaining()) {
      overflow_ = true;
      return;
    }
    if constexpr (std::endian::native == std::endian::little && sizeof(T) == 2) v = __builtin_bswap16(v);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) == 4) v = __builtin_bswap32(v);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) == 8) v = __builtin_bswap64(v);
    std::memcpy(pos_, &v, sizeof(T));
    pos_ += sizeof(T);
  }

  std::uint8_t* pos_;
  std::uint8_t* end_;
  std::uint8_t* begin_;
  bool overflow_ = false;
  std::vector<ExternalRange>* externals_ = nullptr;
  std::size_t external_bytes_ = 0;
};

}  // namespace sluice::protocol
