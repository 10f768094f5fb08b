// Arithmetic on 64-bit values a client or a disk supplied (timestamps,
// offsets), which may be anywhere in int64, so plain + and - could overflow.
#pragma once

#include <cstdint>
#include <limits>

namespace sluice::protocol {

// Java's long arithmetic, which Kafka's formats assume: it wraps. A record
// delta holds (value - base) mod 2^64, and adding it back to the base gives
// the value, however far apart the two are.
inline std::int64_t wrapping_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
inline std::int64_t wrapping_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

// a + b, clamped to int64: for deadlines and horizons from a configured
// duration (Long.MAX_VALUE means "never").
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

// a - b, clamped to int64: for ages and waits, where a timestamp near
// INT64_MIN means "very long ago", not a negative age.
inline std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  std::int64_t diff = 0;
  if (!__builtin_sub_overflow(a, b, &diff)) return diff;
  return b < 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

}  // namespace sluice::protocol
