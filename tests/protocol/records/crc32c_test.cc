#include "protocol/records/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

namespace sluice::protocol {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Crc32c, KnownVectors) {
  // The standard check value of CRC-32C, and RFC 3720's 32 zero bytes.
  EXPECT_EQ(crc32c(bytes_of("123456789")), 0xE3069283u);
  const std::vector<std::uint8_t> zeros(32, 0);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  const std::vector<std::uint8_t> ones(32, 0xff);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(crc32c({}), 0u);
}

TEST(Crc32c, HardwareAndPortableAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<std::uint8_t> data(3 * 8192 * 2 + 3 * 256 + 64);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  // Lengths around the three-way block sizes exercise the joins.
  std::vector<std::size_t> lengths = {0, 1, 7, 8, 9, 255, 256, 767, 768, 769, 3 * 8192 - 1, 3 * 8192, 3 * 8192 + 1};
  for (int i = 0; i < 200; ++i) lengths.push_back(rng() % (data.size() - 8));
  for (std::size_t len : lengths) {
    for (std::size_t align = 0; align < 8; align += 3) {
      std::span<const std::uint8_t> s(data.data() + align, len);
      ASSERT_EQ(crc32c(s), crc32c_portable(s)) << "length " << len << " align " << align;
    }
  }
}

TEST(Crc32c, ContinuesAcrossCalls) {
  std::vector<std::uint8_t> data(100000);
  std::mt19937 rng(11);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  const std::uint32_t whole = crc32c(data);
  for (std::size_t cut : {0ul, 1ul, 4096ul, 50000ul, 99999ul}) {
    std::span<const std::uint8_t> all(data);
    EXPECT_EQ(crc32c(all.subspan(cut), crc32c(all.first(cut))), whole) << cut;
  }
}

}  // namespace
}  // namespace sluice::protocol
