// Kafka's 128-bit UUID (topic ids), written as two big-endian int64.
#pragma once

#include <cstdint>
#include <string>

namespace sluice::protocol {

struct Uuid {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  bool is_zero() const { return high == 0 && low == 0; }
  bool operator==(const Uuid&) const = default;
  auto operator<=>(const Uuid&) const = default;

  // Kafka prints ids as URL-safe base64 without padding (22 characters).
  std::string to_base64() const;
};

}  // namespace sluice::protocol
