#include "storage/checkpoint/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;

TEST(AtomicFile, WritesTheContentsAndLeavesNoTempFile) {
  TempDir dir;
  const auto target = dir / "replication-offset-checkpoint";
  ASSERT_TRUE(write_file_atomically(target, "0\n0\n").ok());
  EXPECT_EQ(read_all(target), "0\n0\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "replication-offset-checkpoint.tmp"));
}

TEST(AtomicFile, ReplacesAnExistingFileWhole) {
  TempDir dir;
  const auto target = dir / "f";
  write_all(target, "a much longer previous version of the file\n");
  ASSERT_TRUE(write_file_atomically(target, "short\n").ok());
  EXPECT_EQ(read_all(target), "short\n");
}

TEST(AtomicFile, WithoutSyncStillReplacesAtomically) {
  TempDir dir;
  const auto target = dir / "f";
  ASSERT_TRUE(write_file_atomically(target, "x", /*sync=*/false).ok());
  EXPECT_EQ(read_all(target), "x");
  EXPECT_FALSE(std::filesystem::exists(temp_path_for(target)));
}

TEST(AtomicFile, OverwritesAStaleTempFileLeftByACrash) {
  TempDir dir;
  const auto target = dir / "f";
  write_all(target, "old\n");
  write_all(temp_path_for(target), "half-written garbage from a crash that is longer");
  ASSERT_TRUE(write_file_atomically(target, "new\n").ok());
  EXPECT_EQ(read_all(target), "new\n");
  EXPECT_FALSE(std::filesystem::exists(temp_path_for(target)));
}

TEST(AtomicFile, FailedRenameLeavesTheTargetAndNoTempFile) {
  TempDir dir;
  // A non-empty directory cannot be replaced by a file: rename(2) fails
  // after the temp file was fully written.
  const auto target = dir / "busy";
  std::filesystem::create_directory(target);
  write_all(target / "inside", "keep me");
  const auto st = write_file_atomically(target, "data");
  EXPECT_EQ(st.code, ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_NE(st.detail.find(target.string()), std::string::npos) << st.detail;
  EXPECT_TRUE(std::filesystem::is_directory(target));
  EXPECT_EQ(read_all(target / "inside"), "keep me");
  EXPECT_FALSE(std::filesystem::exists(temp_path_for(target)));
}

TEST(AtomicFile, UnwritableTempFileLeavesThePreviousVersion) {
  TempDir dir;
  const auto target = dir / "f";
  write_all(target, "previous\n");
  std::filesystem::create_directory(temp_path_for(target));  // open(<f>.tmp) will fail
  const auto st = write_file_atomically(target, "next\n");
  EXPECT_EQ(st.code, ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(read_all(target), "previous\n");
}

TEST(AtomicFile, MissingDirectoryIsAnError) {
  TempDir dir;
  EXPECT_EQ(write_file_atomically(dir / "no-such-dir" / "f", "x").code, ErrorCode::KAFKA_STORAGE_ERROR);
}

TEST(AtomicFile, ReadFileIfExists) {
  TempDir dir;
  auto missing = read_file_if_exists(dir / "nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  write_all(dir / "yes", std::string("a\0b", 3));
  auto present = read_file_if_exists(dir / "yes");
  ASSERT_TRUE(present.ok());
  ASSERT_TRUE(present->has_value());
  EXPECT_EQ(**present, std::string("a\0b", 3));
}

TEST(AtomicFile, AtomicMoveRenames) {
  TempDir dir;
  write_all(dir / "a", "payload");
  ASSERT_TRUE(atomic_move(dir / "a", dir / "b", /*flush_parent_dir=*/true).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "a"));
  EXPECT_EQ(read_all(dir / "b"), "payload");
  EXPECT_EQ(atomic_move(dir / "a", dir / "c", false).code, ErrorCode::KAFKA_STORAGE_ERROR);
}

}  // namespace
}  // namespace sluice::storage
