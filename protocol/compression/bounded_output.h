// Decompression output that can never grow past a limit. Codecs ask for room
// as they go, so memory follows the bytes actually produced, not sizes a frame
// claims; the buffer holds at most limit + 1 bytes, the extra byte being how a
// codec notices that the data goes on past the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/result.h"

namespace sluice::protocol {

class BoundedOutput {
 public:
  // `expected_size` is a first allocation hint (clamped to the limit).
  explicit BoundedOutput(std::size_t limit, std::size_t expected_size = 0);

  // Free space after the bytes produced so far, growing the buffer when it is
  // full; empty only once limit + 1 bytes were produced.
  std::span<std::uint8_t> room();
  // Exactly n more bytes (already counted as produced), or an empty span when
  // that would pass the limit.
  std::span<std::uint8_t> extend(std::size_t n);
  // Counts n bytes of room() as produced.
  void commit(std::size_t n) { size_ += n; }
  // Drops produced bytes past `size` (a codec that extend()ed by an upper
  // bound keeps only what it wrote).
  void truncate(std::size_t size) { size_ = size < size_ ? size : size_; }

  std::size_t size() const { return size_; }
  std::size_t limit() const { return limit_; }
  // Bytes allocated for the buffer (tests check this stays near the output).
  std::size_t allocated() const { return buffer_.capacity(); }
  bool exceeded() const { return size_ > limit_; }

  // The RECORD_LIST_TOO_LARGE error codecs return when data passes the limit.
  Status too_large() const;

  std::vector<std::uint8_t> take() &&;

 private:
  void grow_to_at_least(std::size_t n);

  std::vector<std::uint8_t> buffer_;
  std::size_t size_ = 0;
  std::size_t limit_;
  std::size_t cap_;  // limit_ + 1, saturated
};

}  // namespace sluice::protocol
