#include "storage/cleaner/offset_map.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::storage {
namespace {

std::span<const std::uint8_t> key(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(OffsetMapTest, KeepsTheLatestOffsetPerKey) {
  OffsetMap map(1 << 20);
  EXPECT_EQ(map.get(key("a")), -1);
  EXPECT_EQ(map.latest_offset(), -1);
  EXPECT_TRUE(map.put(key("a"), 0));
  EXPECT_TRUE(map.put(key("b"), 1));
  EXPECT_TRUE(map.put(key("a"), 2));
  EXPECT_EQ(map.get(key("a")), 2);
  EXPECT_EQ(map.get(key("b")), 1);
  EXPECT_EQ(map.get(key("c")), -1);
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map.latest_offset(), 2);
  map.update_latest_offset(10);
  EXPECT_EQ(map.latest_offset(), 10);
  map.update_latest_offset(5);  // never moves back
  EXPECT_EQ(map.latest_offset(), 10);
}

TEST(OffsetMapTest, EmptyKeyIsAKeyAndPrefixesAreDistinct) {
  OffsetMap map(1 << 20);
  EXPECT_TRUE(map.put(key(""), 1));
  EXPECT_TRUE(map.put(key("x"), 2));
  EXPECT_TRUE(map.put(key("xx"), 3));
  EXPECT_TRUE(map.put(std::span<const std::uint8_t>(), 4));
  EXPECT_EQ(map.get(key("")), 4);
  EXPECT_EQ(map.get(key("x")), 2);
  EXPECT_EQ(map.get(key("xx")), 3);
  EXPECT_EQ(map.size(), 3u);
}

TEST(OffsetMapTest, ManyKeysGrowTheTableWithoutLosingAny) {
  OffsetMap map(64 << 20);
  constexpr int kKeys = 200'000;
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(map.put(key("key-" + std::to_string(i)), i));
  for (int i = 0; i < kKeys; i += 2) ASSERT_TRUE(map.put(key("key-" + std::to_string(i)), kKeys + i));
  EXPECT_EQ(map.size(), static_cast<std::size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_EQ(map.get(key("key-" + std::to_string(i))), i % 2 == 0 ? kKeys + i : i) << i;
  }
  EXPECT_LE(map.used_bytes(), map.memory_bytes());
}

TEST(OffsetMapTest, RefusesNewKeysPastItsBudgetButUpdatesOldOnes) {
  OffsetMap map(16 << 10);
  int added = 0;
  while (map.put(key("some-longer-key-" + std::to_string(added)), added)) ++added;
  EXPECT_GT(added, 10);
  EXPECT_LE(map.used_bytes(), map.memory_bytes());
  const std::int64_t latest = map.latest_offset();
  EXPECT_EQ(latest, added - 1);
  // A refused put changes nothing.
  EXPECT_EQ(map.get(key("some-longer-key-" + std::to_string(added))), -1);
  EXPECT_EQ(map.size(), static_cast<std::size_t>(added));
  // Existing keys still update.
  EXPECT_TRUE(map.put(key("some-longer-key-0"), 100'000));
  EXPECT_EQ(map.get(key("some-longer-key-0")), 100'000);
  EXPECT_GT(map.utilization(), 0.5);
  EXPECT_LE(map.utilization(), 1.0);
}

TEST(OffsetMapTest, ClearForgetsEverything) {
  OffsetMap map(1 << 20);
  ASSERT_TRUE(map.put(key("a"), 7));
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.get(key("a")), -1);
  EXPECT_EQ(map.latest_offset(), -1);
  EXPECT_TRUE(map.put(key("b"), 1));
  EXPECT_EQ(map.get(key("b")), 1);
}

}  // namespace
}  // namespace sluice::storage
