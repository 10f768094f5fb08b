#include "protocol/compression/xxhash32.h"

#include <bit>
#include <cstring>

namespace sluice::protocol {
namespace {

constexpr std::uint32_t kPrime1 = 0x9E3779B1u;
constexpr std::uint32_t kPrime2 = 0x85EBCA77u;
constexpr std::uint32_t kPrime3 = 0xC2B2AE3Du;
constexpr std::uint32_t kPrime4 = 0x27D4EB2Fu;
constexpr std::uint32_t kPrime5 = 0x165667B1u;

std::uint32_t load_le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint32_t round(std::uint32_t acc, std::uint32_t lane) { return std::rotl(acc + lane * kPrime2, 13) * kPrime1; }

}  // namespace

std::uint32_t xxhash32(std::span<const std::uint8_t> data, std::uint32_t seed) {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  std::uint32_t h;
  if (n >= 16) {
    std::uint32_t v1 = seed + kPrime1 + kPrime2;
    std::uint32_t v2 = seed + kPrime2;
    std::uint32_t v3 = seed;
    std::uint32_t v4 = seed - kPrime1;
    for (; n >= 16; p += 16, n -= 16) {
      v1 = round(v1, load_le32(p));
      v2 = round(v2, load_le32(p + 4));
      v3 = round(v3, load_le32(p + 8));
      v4 = round(v4, load_le32(p + 12));
    }
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
  } else {
    h = seed + kPrime5;
  }
  h += static_cast<std::uint32_t>(data.size());
  for (; n >= 4; p += 4, n -= 4) h = std::rotl(h + load_le32(p) * kPrime3, 17) * kPrime4;
  for (; n > 0; ++p, --n) h = std::rotl(h + *p * kPrime5, 11) * kPrime1;
  h ^= h >> 15;
  h *= kPrime2;
  h ^= h >> 13;
  h *= kPrime3;
  h ^= h >> 16;
  return h;
}

}  // namespace sluice::protocol
