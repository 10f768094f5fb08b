// Sizes of Kafka's varints, for computing encoded sizes before writing.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace sluice::protocol {

constexpr std::size_t uvarint_size(std::uint64_t v) {
  // 7 payload bits per byte; zero still takes one byte.
  return v == 0 ? 1 : (static_cast<std::size_t>(std::bit_width(v)) + 6) / 7;
}
constexpr std::uint32_t zigzag32(std::int32_t v) {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::uint64_t zigzag64(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::size_t varint_size(std::int32_t v) { return uvarint_size(zigzag32(v)); }
constexpr std::size_t varlong_size(std::int64_t v) { return uvarint_size(zigzag64(v)); }

}  // namespace sluice::protocol
