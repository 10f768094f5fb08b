#include "protocol/int_math.h"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::protocol {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(IntMath, WrappingDeltasGiveBackTheValueAsJavasDo) {
  EXPECT_EQ(wrapping_add(kMax, 1), kMin);
  EXPECT_EQ(wrapping_sub(kMin, 1), kMax);
  for (std::int64_t base : {kMin, kMin + 3, -1L, 0L, 42L, kMax - 2, kMax}) {
    for (std::int64_t value : {kMin, -7L, 0L, 1'700'000'000'000L, kMax}) {
      EXPECT_EQ(wrapping_add(base, wrapping_sub(value, base)), value) << base << " " << value;
    }
  }
}

// Horizons: now plus a duration of Long.MAX_VALUE is "never", not the past.
TEST(IntMath, SaturatingAddClampsAtBothEnds) {
  EXPECT_EQ(saturating_add(1'700'000'000'000L, 86'400'000L), 1'700'086'400'000L);
  EXPECT_EQ(saturating_add(1'700'000'000'000L, kMax), kMax);
  EXPECT_EQ(saturating_add(kMin + 1, -5), kMin);
  EXPECT_EQ(saturating_add(kMax, kMin), -1);
}

// Ages and waits: a timestamp near INT64_MIN is very old, not negative.
TEST(IntMath, SaturatingSubClampsAtBothEnds) {
  EXPECT_EQ(saturating_sub(1'700'000'000'000L, 1'699'999'999'000L), 1000);
  EXPECT_EQ(saturating_sub(1'700'000'000'000L, kMin + 1), kMax);
  EXPECT_EQ(saturating_sub(kMin + 1, 5), kMin);
  EXPECT_EQ(saturating_sub(kMax, -1), kMax);
  EXPECT_EQ(saturating_sub(-1, kMax), kMin);
  EXPECT_EQ(saturating_sub(kMin, kMin), 0);
}

}  // namespace
}  // namespace sluice::protocol
