#include "storage/checkpoint/meta_properties.h"

#include <gtest/gtest.h>

#include <chrono>

#include "storage/checkpoint/uuid_text.h"
#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using protocol::Uuid;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;

// Thu Mar 07 19:14:31 UTC 2024
const std::chrono::system_clock::time_point kWhen{std::chrono::seconds(1709838871)};

MetaProperties kraft_props() {
  MetaProperties p;
  p.version = 1;
  p.cluster_id = "MkU3OEVBNTcwNTJENDM2Qg";
  p.node_id = 1;
  p.directory_id = *parse_uuid_base64("Aw4Cf_TfR_eGdo7w-nZXyA");
  return p;
}

TEST(MetaProperties, FormatsLikeKafkaOnJdk21) {
  EXPECT_EQ(format_meta_properties(kraft_props(), kWhen),
            "#\n"
            "#Thu Mar 07 19:14:31 UTC 2024\n"
            "cluster.id=MkU3OEVBNTcwNTJENDM2Qg\n"
            "directory.id=Aw4Cf_TfR_eGdo7w-nZXyA\n"
            "node.id=1\n"
            "version=1\n");
}

TEST(MetaProperties, WithoutDirectoryId) {
  MetaProperties p = kraft_props();
  p.directory_id.reset();
  EXPECT_EQ(format_meta_properties(p, kWhen),
            "#\n#Thu Mar 07 19:14:31 UTC 2024\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\nnode.id=1\nversion=1\n");
}

TEST(MetaProperties, ParsesAFileKafkaWroteOnJdk17) {
  // JDK 17 stores in hash order; the order does not matter to readers.
  const std::string text =
      "#\n"
      "#Tue Jan 30 09:09:47 UTC 2024\n"
      "node.id=1\n"
      "directory.id=Aw4Cf_TfR_eGdo7w-nZXyA\n"
      "version=1\n"
      "cluster.id=MkU3OEVBNTcwNTJENDM2Qg\n";
  auto p = parse_meta_properties(text, "meta.properties");
  ASSERT_TRUE(p.ok()) << p.status().detail;
  EXPECT_EQ(*p, kraft_props());
}

TEST(MetaProperties, WriteAndReadBack) {
  TempDir dir;
  auto none = read_meta_properties(dir.path());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());  // an unformatted log dir

  ASSERT_TRUE(write_meta_properties(dir.path(), kraft_props()).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "meta.properties.tmp"));
  const std::string text = read_all(dir / "meta.properties");
  EXPECT_EQ(text.rfind("#\n#", 0), 0u);
  EXPECT_NE(
      text.find("\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\ndirectory.id=Aw4Cf_TfR_eGdo7w-nZXyA\nnode.id=1\nversion=1\n"),
      std::string::npos)
      << text;

  auto back = read_meta_properties(dir.path());
  ASSERT_TRUE(back.ok()) << back.status().detail;
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, kraft_props());
}

TEST(MetaProperties, ReadsZooKeeperEraVersion0) {
  auto p = parse_meta_properties("#\n#Mon Jan 01 00:00:00 UTC 2018\nbroker.id=3\nversion=0\n", "m");
  ASSERT_TRUE(p.ok()) << p.status().detail;
  EXPECT_EQ(p->version, 0);
  EXPECT_EQ(p->node_id, 3);
  EXPECT_FALSE(p->cluster_id.has_value());

  auto no_version = parse_meta_properties("broker.id=4\ncluster.id=abc\n", "m");
  ASSERT_TRUE(no_version.ok());
  EXPECT_EQ(no_version->version, 0);
  EXPECT_EQ(no_version->node_id, 4);
  EXPECT_EQ(no_version->cluster_id, "abc");

  MetaProperties v0;
  v0.version = 0;
  v0.node_id = 3;
  EXPECT_EQ(format_meta_properties(v0, kWhen), "#\n#Thu Mar 07 19:14:31 UTC 2024\nbroker.id=3\nversion=0\n");
}

TEST(MetaProperties, RejectsBrokenFiles) {
  const auto code = [](const std::string& text) { return parse_meta_properties(text, "/d/meta.properties").code(); };
  EXPECT_EQ(code("version=1\nnode.id=1\n"), ErrorCode::KAFKA_STORAGE_ERROR);                // no cluster.id
  EXPECT_EQ(code("version=1\ncluster.id=x\n"), ErrorCode::KAFKA_STORAGE_ERROR);             // no node.id
  EXPECT_EQ(code("version=2\ncluster.id=x\nnode.id=1\n"), ErrorCode::KAFKA_STORAGE_ERROR);  // unknown version
  EXPECT_EQ(code("version=1\ncluster.id=x\nnode.id=one\n"), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(code("version=1\ncluster.id=x\nnode.id=1\ndirectory.id=nope\n"), ErrorCode::KAFKA_STORAGE_ERROR);
  auto r = parse_meta_properties("version=1\nnode.id=1\n", "/d/meta.properties");
  EXPECT_NE(r.status().detail.find("/d/meta.properties"), std::string::npos);

  TempDir dir;
  write_all(dir / "meta.properties", "version=1\n");
  EXPECT_EQ(read_meta_properties(dir.path()).code(), ErrorCode::KAFKA_STORAGE_ERROR);
}

TEST(MetaProperties, NodeIdMismatchRefusesToStart) {
  TempDir dir;
  const auto st = verify_meta_properties(kraft_props(), dir.path(), /*configured_node_id=*/2);
  EXPECT_EQ(st.code, ErrorCode::INVALID_CONFIG);
  EXPECT_NE(st.detail.find("Stored node id 1 doesn't match previous node id 2"), std::string::npos) << st.detail;
  EXPECT_NE(st.detail.find((dir / "meta.properties").string()), std::string::npos);

  EXPECT_TRUE(verify_meta_properties(kraft_props(), dir.path(), 1).ok());
  EXPECT_TRUE(verify_meta_properties(kraft_props(), dir.path(), 1, "MkU3OEVBNTcwNTJENDM2Qg").ok());
}

TEST(MetaProperties, ClusterIdMismatchIsInconsistentCluster) {
  TempDir dir;
  EXPECT_EQ(verify_meta_properties(kraft_props(), dir.path(), 1, "someOtherClusterIdxxxx").code,
            ErrorCode::INCONSISTENT_CLUSTER_ID);
}

TEST(MetaProperties, ReservedDirectoryIdIsRejected) {
  TempDir dir;
  MetaProperties p = kraft_props();
  p.directory_id = Uuid{0, 2};  // DirectoryId.LOST
  EXPECT_EQ(verify_meta_properties(p, dir.path(), 1).code, ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_TRUE(is_reserved_directory_id(Uuid{0, 0}));
  EXPECT_TRUE(is_reserved_directory_id(Uuid{0, 99}));
  EXPECT_FALSE(is_reserved_directory_id(Uuid{0, 100}));
  EXPECT_FALSE(is_reserved_directory_id(Uuid{1, 0}));
}

TEST(MetaProperties, RandomClusterIdLooksLikeKafkaStorageRandomUuid) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = random_cluster_id();
    ASSERT_EQ(id.size(), 22u);
    EXPECT_NE(id.front(), '-');
    for (char c : id) {
      EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
          << id;
    }
    EXPECT_TRUE(parse_uuid_base64(id).ok());
    EXPECT_FALSE(is_reserved_directory_id(random_directory_id()));
  }
  EXPECT_NE(random_cluster_id(), random_cluster_id());
}

}  // namespace
}  // namespace sluice::storage
