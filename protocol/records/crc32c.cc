#include "protocol/records/crc32c.h"

#include <array>
#include <cstddef>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace sluice::protocol {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78;  // reflected Castagnoli

using Table = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Table make_slicing_tables() {
  Table t{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][n] = c;
  }
  for (std::uint32_t n = 0; n < 256; ++n) {
    for (std::size_t k = 1; k < 8; ++k) t[k][n] = (t[k - 1][n] >> 8) ^ t[0][t[k - 1][n] & 0xff];
  }
  return t;
}

constexpr Table kSlicing = make_slicing_tables();

std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;  // little-endian hosts only (x86_64, aarch64)
}

// Raw register update: no pre/post inversion.
std::uint32_t portable_update(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
  while (n >= 8) {
    const std::uint64_t v = load64(p) ^ crc;
    crc = kSlicing[7][v & 0xff] ^ kSlicing[6][(v >> 8) & 0xff] ^ kSlicing[5][(v >> 16) & 0xff] ^
          kSlicing[4][(v >> 24) & 0xff] ^ kSlicing[3][(v >> 32) & 0xff] ^ kSlicing[2][(v >> 40) & 0xff] ^
          kSlicing[1][(v >> 48) & 0xff] ^ kSlicing[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ kSlicing[0][(crc ^ *p++) & 0xff];
  return crc;
}

#if defined(__x86_64__)

// The hardware loop runs three independent streams over adjacent blocks (the
// instruction has a latency of three cycles and a throughput of one), then
// joins them: by linearity, crc(A || B) = shift(crc(A), |B|) ^ crc0(B), where
// shift() feeds |B| zero bytes through the register. A shift by a fixed
// length is a linear map, tabulated per input byte.
constexpr std::size_t kLongBlock = 8192;
constexpr std::size_t kShortBlock = 256;

struct ShiftTable {
  std::array<std::array<std::uint32_t, 256>, 4> t{};

  std::uint32_t apply(std::uint32_t crc) const {
    return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^ t[3][crc >> 24];
  }
};

ShiftTable make_shift_table(std::size_t zero_bytes) {
  std::array<std::uint32_t, 32> basis{};
  for (int bit = 0; bit < 32; ++bit) {
    std::uint32_t reg = 1u << bit;
    for (std::size_t i = 0; i < zero_bytes * 8; ++i) reg = (reg & 1) ? (reg >> 1) ^ kPolynomial : reg >> 1;
    basis[static_cast<std::size_t>(bit)] = reg;
  }
  ShiftTable s;
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::uint32_t n = 0; n < 256; ++n) {
      const std::uint32_t v = n << (8 * k);
      std::uint32_t r = 0;
      for (int bit = 0; bit < 32; ++bit) {
        if (v & (1u << bit)) r ^= basis[static_cast<std::size_t>(bit)];
      }
      s.t[k][n] = r;
    }
  }
  return s;
}

// Consumes whole groups of three adjacent blocks from p/n into c0.
__attribute__((target("sse4.2"))) void three_way(std::uint64_t& c0, const std::uint8_t*& p, std::size_t& n,
                                                 std::size_t block, const ShiftTable& shift) {
  while (n >= 3 * block) {
    std::uint64_t c1 = 0;
    std::uint64_t c2 = 0;
    const std::uint8_t* end = p + block;
    do {
      c0 = _mm_crc32_u64(c0, load64(p));
      c1 = _mm_crc32_u64(c1, load64(p + block));
      c2 = _mm_crc32_u64(c2, load64(p + 2 * block));
      p += 8;
    } while (p < end);
    c0 = shift.apply(static_cast<std::uint32_t>(c0)) ^ c1;
    c0 = shift.apply(static_cast<std::uint32_t>(c0)) ^ c2;
    p += 2 * block;
    n -= 3 * block;
  }
}

__attribute__((target("sse4.2"))) std::uint32_t hw_update(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
  // Computed once, then only read.
  static const ShiftTable long_shift = make_shift_table(kLongBlock);
  static const ShiftTable short_shift = make_shift_table(kShortBlock);

  std::uint64_t c0 = crc;
  three_way(c0, p, n, kLongBlock, long_shift);
  three_way(c0, p, n, kShortBlock, short_shift);
  while (n >= 8) {
    c0 = _mm_crc32_u64(c0, load64(p));
    p += 8;
    n -= 8;
  }
  auto c = static_cast<std::uint32_t>(c0);
  while (n-- > 0) c = _mm_crc32_u8(c, *p++);
  return c;
}

bool cpu_has_sse42() { return __builtin_cpu_supports("sse4.2"); }

#else

bool cpu_has_sse42() { return false; }
std::uint32_t hw_update(std::uint32_t crc, const std::uint8_t* p, std::size_t n) { return portable_update(crc, p, n); }

#endif

}  // namespace

bool crc32c_is_hardware() {
  static const bool has = cpu_has_sse42();
  return has;
}

std::uint32_t crc32c_portable(std::span<const std::uint8_t> bytes, std::uint32_t crc) {
  return ~portable_update(~crc, bytes.data(), bytes.size());
}

std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc) {
  if (crc32c_is_hardware()) return ~hw_update(~crc, bytes.data(), bytes.size());
  return crc32c_portable(bytes, crc);
}

}  // namespace sluice::protocol
