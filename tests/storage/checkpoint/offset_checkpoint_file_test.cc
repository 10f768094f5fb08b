#include "storage/checkpoint/offset_checkpoint_file.h"

#include <gtest/gtest.h>

#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;
using TP = OffsetCheckpointFile::TopicPartition;

TEST(OffsetCheckpointFile, WritesKafkasExactText) {
  TempDir dir;
  OffsetCheckpointFile file(dir / std::string(OffsetCheckpointFile::kReplicationOffsetFileName));
  ASSERT_TRUE(file.write({{TP{"orders", 1}, 1498}, {TP{"orders", 0}, 1500}, {TP{"__consumer_offsets", 12}, 7}}).ok());
  EXPECT_EQ(read_all(dir / "replication-offset-checkpoint"),
            "0\n"
            "3\n"
            "__consumer_offsets 12 7\n"
            "orders 0 1500\n"
            "orders 1 1498\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "replication-offset-checkpoint.tmp"));
}

TEST(OffsetCheckpointFile, EmptyMapWritesVersionAndZero) {
  TempDir dir;
  OffsetCheckpointFile file(dir / "recovery-point-offset-checkpoint");
  ASSERT_TRUE(file.write({}).ok());
  EXPECT_EQ(read_all(file.path()), "0\n0\n");
}

TEST(OffsetCheckpointFile, RoundTrips) {
  TempDir dir;
  OffsetCheckpointFile file(dir / "log-start-offset-checkpoint");
  const OffsetCheckpointFile::Offsets offsets = {
      {TP{"a", 0}, 0}, {TP{"a.b-c_d", 2147483647}, 9223372036854775807LL}, {TP{"z", 3}, -1}};
  ASSERT_TRUE(file.write(offsets).ok());
  auto back = file.read();
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(*back, offsets);
}

TEST(OffsetCheckpointFile, ReadsAFileKafkaWrote) {
  TempDir dir;
  // Kafka writes from a HashMap, so lines come in no particular order.
  write_all(dir / "cp", "0\n2\nfoo 3 100\nbar 0 7\n");
  auto back = OffsetCheckpointFile(dir / "cp").read();
  ASSERT_TRUE(back.ok()) << back.status().detail;
  const OffsetCheckpointFile::Offsets expected = {{TP{"bar", 0}, 7}, {TP{"foo", 3}, 100}};
  EXPECT_EQ(*back, expected);
}

TEST(OffsetCheckpointFile, MissingOrEmptyFileReadsAsEmpty) {
  TempDir dir;
  auto missing = OffsetCheckpointFile(dir / "none").read();
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());

  write_all(dir / "empty", "");
  auto empty = OffsetCheckpointFile(dir / "empty").read();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  write_all(dir / "version-only", "0\n");
  auto version_only = OffsetCheckpointFile(dir / "version-only").read();
  ASSERT_TRUE(version_only.ok());
  EXPECT_TRUE(version_only->empty());
}

TEST(OffsetCheckpointFile, AcceptsJavaWhitespaceAndLineEnds) {
  TempDir dir;
  // "\\s+" separators, trailing blanks, and \r\n line ends all parse in Kafka.
  write_all(dir / "cp", "0\r\n2\r\nt\t1   5  \r\nu 2 +6\r\n");
  auto back = OffsetCheckpointFile(dir / "cp").read();
  ASSERT_TRUE(back.ok()) << back.status().detail;
  const OffsetCheckpointFile::Offsets expected = {{TP{"t", 1}, 5}, {TP{"u", 2}, 6}};
  EXPECT_EQ(*back, expected);
}

TEST(OffsetCheckpointFile, MalformedLineNamesFileAndLine) {
  TempDir dir;
  const auto path = dir / "cp";
  write_all(path, "0\n2\nfoo 0 1\nbar zero 2\n");
  auto r = OffsetCheckpointFile(path).read();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_NE(r.status().detail.find(path.string()), std::string::npos) << r.status().detail;
  EXPECT_NE(r.status().detail.find("line 4"), std::string::npos) << r.status().detail;
  EXPECT_NE(r.status().detail.find("bar zero 2"), std::string::npos) << r.status().detail;
}

TEST(OffsetCheckpointFile, RejectsWhatKafkaRejects) {
  TempDir dir;
  const auto bad = [&](const std::string& text) {
    write_all(dir / "cp", text);
    return OffsetCheckpointFile(dir / "cp").read().code();
  };
  EXPECT_EQ(bad("1\n0\n"), ErrorCode::KAFKA_STORAGE_ERROR);                    // unknown version
  EXPECT_EQ(bad("x\n0\n"), ErrorCode::KAFKA_STORAGE_ERROR);                    // version not a number
  EXPECT_EQ(bad("0\ntwo\n"), ErrorCode::KAFKA_STORAGE_ERROR);                  // count not a number
  EXPECT_EQ(bad("0\n2\nfoo 0 1\n"), ErrorCode::KAFKA_STORAGE_ERROR);           // fewer entries than counted
  EXPECT_EQ(bad("0\n0\nfoo 0 1\n"), ErrorCode::KAFKA_STORAGE_ERROR);           // more entries than counted
  EXPECT_EQ(bad("0\n1\n foo 0 1\n"), ErrorCode::KAFKA_STORAGE_ERROR);          // leading blank: 4 fields in Java
  EXPECT_EQ(bad("0\n1\nfoo 0\n"), ErrorCode::KAFKA_STORAGE_ERROR);             // two fields
  EXPECT_EQ(bad("0\n1\nfoo 0 1 2\n"), ErrorCode::KAFKA_STORAGE_ERROR);         // four fields
  EXPECT_EQ(bad("0\n1\nfoo 2147483648 1\n"), ErrorCode::KAFKA_STORAGE_ERROR);  // partition overflows int32
  EXPECT_EQ(bad("0\n1\n\n"), ErrorCode::KAFKA_STORAGE_ERROR);                  // empty entry line
  EXPECT_EQ(bad(" 0\n0\n"), ErrorCode::KAFKA_STORAGE_ERROR);                   // parseInt allows no blanks
}

TEST(OffsetCheckpointFile, LaterDuplicateWinsAsInKafkasHashMap) {
  TempDir dir;
  write_all(dir / "cp", "0\n2\nt 0 5\nt 0 9\n");
  auto back = OffsetCheckpointFile(dir / "cp").read();
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->at(TP{"t", 0}), 9);
}

TEST(OffsetCheckpointFile, RefusesTopicNamesThatCouldNotBeReadBack) {
  TempDir dir;
  OffsetCheckpointFile file(dir / "cp");
  EXPECT_EQ(file.write({{TP{"bad topic", 0}, 1}}).code, ErrorCode::INVALID_TOPIC_EXCEPTION);
  EXPECT_EQ(file.write({{TP{"", 0}, 1}}).code, ErrorCode::INVALID_TOPIC_EXCEPTION);
  EXPECT_FALSE(std::filesystem::exists(dir / "cp"));
}

}  // namespace
}  // namespace sluice::storage
