#include "storage/checkpoint/partition_metadata_file.h"

#include <gtest/gtest.h>

#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using protocol::Uuid;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;

constexpr Uuid kTopicId{0x0123456789abcdefULL, 0xfedcba9876543210ULL};

TEST(PartitionMetadataFile, WritesKafkasExactBytes) {
  TempDir dir;
  PartitionMetadataFile file(PartitionMetadataFile::in_dir(dir.path()));
  EXPECT_EQ(file.path(), dir / "partition.metadata");
  EXPECT_FALSE(file.exists());
  ASSERT_TRUE(file.write(kTopicId).ok());
  EXPECT_TRUE(file.exists());
  // Two lines, no trailing newline.
  EXPECT_EQ(read_all(dir / "partition.metadata"), "version: 0\ntopic_id: ASNFZ4mrze_-3LqYdlQyEA");
  EXPECT_FALSE(std::filesystem::exists(dir / "partition.metadata.tmp"));

  auto back = file.read();
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(*back, kTopicId);
}

TEST(PartitionMetadataFile, ReadsWhatKafkaAccepts) {
  TempDir dir;
  PartitionMetadataFile file(dir / "partition.metadata");
  // Kafka splits on ":\\s+" and does not check the key names; a trailing
  // newline or extra lines do not matter.
  write_all(file.path(), "version:\t0\r\ntopic_id:   AAAAAAAAAAAAAAAAAAAAAQ\nextra\n");
  auto back = file.read();
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(*back, (Uuid{0, 1}));
}

TEST(PartitionMetadataFile, RejectsMalformedFiles) {
  TempDir dir;
  PartitionMetadataFile file(dir / "partition.metadata");
  EXPECT_EQ(file.read().code(), ErrorCode::KAFKA_STORAGE_ERROR);  // missing

  const auto bad = [&](const std::string& text) {
    write_all(file.path(), text);
    auto r = file.read();
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_NE(r.status().detail.find(file.path().string()), std::string::npos);
    }
    return r.code();
  };
  EXPECT_EQ(bad(""), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(bad("version: 1\ntopic_id: ASNFZ4mrze_-3LqYdlQyEA"), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(bad("version:0\ntopic_id: ASNFZ4mrze_-3LqYdlQyEA"), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(bad("version: 0"), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(bad("version: 0\ntopic_id: not-a-uuid"), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(bad("version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA"), ErrorCode::KAFKA_STORAGE_ERROR);  // zero id
  EXPECT_EQ(bad("version: 0\ntopic_id: a: b"), ErrorCode::KAFKA_STORAGE_ERROR);
}

TEST(PartitionMetadataFile, RefusesToWriteTheZeroId) {
  TempDir dir;
  PartitionMetadataFile file(dir / "partition.metadata");
  EXPECT_EQ(file.write(Uuid{}).code, ErrorCode::INCONSISTENT_TOPIC_ID);
  EXPECT_FALSE(file.exists());
}

TEST(PartitionMetadataFile, Remove) {
  TempDir dir;
  PartitionMetadataFile file(dir / "partition.metadata");
  ASSERT_TRUE(file.write(kTopicId).ok());
  ASSERT_TRUE(file.remove().ok());
  EXPECT_FALSE(file.exists());
  EXPECT_EQ(file.remove().code, ErrorCode::KAFKA_STORAGE_ERROR);
}

}  // namespace
}  // namespace sluice::storage
