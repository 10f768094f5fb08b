#include "protocol/compression/bounded_output.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace sluice::protocol {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// Fills room() with a running counter until the buffer refuses more.
std::size_t fill_until_full(BoundedOutput& out, std::size_t step) {
  std::size_t produced = 0;
  for (;;) {
    std::span<std::uint8_t> room = out.room();
    if (room.empty()) return produced;
    const std::size_t n = std::min(step, room.size());
    for (std::size_t i = 0; i < n; ++i) room[i] = static_cast<std::uint8_t>(produced + i);
    out.commit(n);
    produced += n;
  }
}

TEST(BoundedOutput, RoomStopsOneBytePastTheLimit) {
  BoundedOutput out(100 * 1000);
  EXPECT_EQ(fill_until_full(out, 777), 100 * 1000 + 1u);
  EXPECT_TRUE(out.exceeded());
  EXPECT_EQ(out.too_large().code, ErrorCode::RECORD_LIST_TOO_LARGE);
  EXPECT_LE(out.allocated(), 100 * 1000 + 1u);
}

TEST(BoundedOutput, GrowsWithTheOutputNotTheLimit) {
  BoundedOutput out(1024 * kMiB);
  EXPECT_LT(out.allocated(), 64 * 1024u) << "nothing close to the limit is allocated up front";
  std::span<std::uint8_t> room = out.room();
  ASSERT_FALSE(room.empty());
  out.commit(std::min<std::size_t>(room.size(), 10));
  EXPECT_LT(out.allocated(), 64 * 1024u);

  // Doubling: a 1 MiB output ends in a buffer of at most twice that.
  BoundedOutput grown(1024 * kMiB);
  std::size_t produced = 0;
  while (produced < kMiB) {
    std::span<std::uint8_t> r = grown.room();
    const std::size_t n = std::min(r.size(), kMiB - produced);
    grown.commit(n);
    produced += n;
  }
  EXPECT_LE(grown.allocated(), 2 * kMiB + 8192);
  EXPECT_FALSE(grown.exceeded());
}

TEST(BoundedOutput, TheHintIsClampedToTheLimit) {
  BoundedOutput out(1000, 1024 * kMiB);
  EXPECT_LE(out.allocated(), 1001u);
  BoundedOutput tiny(0);
  EXPECT_LE(tiny.allocated(), 1u);
  EXPECT_EQ(tiny.room().size(), 1u);
}

TEST(BoundedOutput, ExtendGivesExactlyWhatFitsOrNothing) {
  BoundedOutput out(100);
  std::span<std::uint8_t> a = out.extend(60);
  ASSERT_EQ(a.size(), 60u);
  for (auto& b : a) b = 'a';
  EXPECT_TRUE(out.extend(41).empty()) << "60 + 41 passes the limit";
  EXPECT_EQ(out.size(), 60u) << "a refused extend produces nothing";
  std::span<std::uint8_t> b = out.extend(40);
  ASSERT_EQ(b.size(), 40u);
  for (auto& c : b) c = 'b';
  EXPECT_FALSE(out.exceeded());
  EXPECT_TRUE(out.extend(1).empty());
  EXPECT_EQ(out.extend(std::numeric_limits<std::size_t>::max()).size(), 0u);

  const std::vector<std::uint8_t> taken = std::move(out).take();
  ASSERT_EQ(taken.size(), 100u);
  EXPECT_EQ(taken[59], 'a');
  EXPECT_EQ(taken[60], 'b');
}

TEST(BoundedOutput, ExtendChecksTheLimitBeforeAllocating) {
  BoundedOutput out(kMiB);
  const std::size_t before = out.allocated();
  EXPECT_TRUE(out.extend(64 * kMiB).empty());
  EXPECT_EQ(out.allocated(), before);
}

TEST(BoundedOutput, TakeReturnsWhatWasProducedAndTruncateDropsTheRest) {
  BoundedOutput out(10000);
  const std::size_t produced = fill_until_full(out, 3);
  ASSERT_EQ(produced, 10001u);
  out.truncate(5000);
  EXPECT_EQ(out.size(), 5000u);
  EXPECT_FALSE(out.exceeded());
  out.truncate(6000);  // never grows
  EXPECT_EQ(out.size(), 5000u);
  const std::vector<std::uint8_t> taken = std::move(out).take();
  ASSERT_EQ(taken.size(), 5000u);
  for (std::size_t i = 0; i < taken.size(); ++i) ASSERT_EQ(taken[i], static_cast<std::uint8_t>(i)) << i;
}

TEST(BoundedOutput, AnUnlimitedOutputDoesNotOverflow) {
  BoundedOutput out(std::numeric_limits<std::size_t>::max());
  std::span<std::uint8_t> a = out.extend(10);
  EXPECT_EQ(a.size(), 10u);
  EXPECT_FALSE(out.room().empty());
  EXPECT_FALSE(out.exceeded());
}

}  // namespace
}  // namespace sluice::protocol
