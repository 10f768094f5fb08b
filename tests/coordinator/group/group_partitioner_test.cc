// The coordinator partition of a group must be the one Kafka picks, or
// clients and tools looking for a group's offsets look in the wrong place.
#include "coordinator/group/group_partitioner.h"

#include <gtest/gtest.h>

namespace sluice::coordinator {
namespace {

TEST(GroupPartitionerTest, JavaStringHashCode) {
  // Values of java.lang.String.hashCode.
  EXPECT_EQ(java_string_hash(""), 0);
  EXPECT_EQ(java_string_hash("a"), 97);
  EXPECT_EQ(java_string_hash("hello"), 99162322);
  EXPECT_EQ(java_string_hash("my-group"), -1906497762);      // wraps like Java's int
  EXPECT_EQ(java_string_hash("\xC3\xA9"), 233);              // é is one UTF-16 unit
  EXPECT_EQ(java_string_hash("\xF0\x9F\x98\x80"), 1772899);  // U+1F600 is a surrogate pair
  EXPECT_EQ(java_string_hash("group\xC3\xA9\xF0\x9F\x98\x80x"), -1423693589);
}

TEST(GroupPartitionerTest, AbsModuloPartitions) {
  EXPECT_EQ(group_partition("my-group", 50), 12);
  EXPECT_EQ(group_partition("console-consumer-12345", 50), 6);
  EXPECT_EQ(group_partition("a", 50), 47);
  EXPECT_EQ(group_partition("", 50), 0);
  EXPECT_EQ(group_partition("my-group", 1), 0);
}

TEST(GroupPartitionerTest, MalformedUtf8CountsAsReplacementCharacter) {
  // Java decodes an invalid byte to U+FFFD before hashing.
  EXPECT_EQ(java_string_hash("\xFF"), 0xFFFD);
  EXPECT_EQ(java_string_hash("\xC3"), 0xFFFD);  // truncated sequence
}

}  // namespace
}  // namespace sluice::coordinator
