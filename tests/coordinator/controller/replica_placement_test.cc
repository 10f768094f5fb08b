#include "coordinator/controller/replica_placement.h"

#include <gtest/gtest.h>

#include "coordinator/controller/topic_operations.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;

MetadataImage cluster(std::vector<std::pair<std::int32_t, bool>> brokers_and_fenced) {
  MetadataImage image;
  for (const auto& [id, fenced] : brokers_and_fenced) {
    BrokerRegistration b;
    b.id = id;
    b.epoch = id;
    b.fenced = fenced;
    image.brokers[id] = b;
  }
  return image;
}

TEST(ReplicaPlacementTest, LeadersRoundRobinOverUnfencedBrokers) {
  const MetadataImage image = cluster({{1, false}, {2, false}, {3, true}});
  auto placed = place_replicas(image, 0, 4, 2);
  ASSERT_TRUE(placed.ok());
  ASSERT_EQ(placed->size(), 4u);
  EXPECT_EQ((*placed)[0], (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ((*placed)[1], (std::vector<std::int32_t>{2, 1}));
  EXPECT_EQ((*placed)[2], (std::vector<std::int32_t>{1, 2}));
  // A fenced broker only follows, when the unfenced ones are not enough.
  auto three = place_replicas(image, 0, 1, 3);
  ASSERT_TRUE(three.ok());
  EXPECT_EQ((*three)[0], (std::vector<std::int32_t>{1, 2, 3}));
  EXPECT_EQ(active_replicas(image, (*three)[0]), (std::vector<std::int32_t>{1, 2}));
  // New partitions of a topic continue the rotation.
  auto more = place_replicas(image, 3, 1, 1);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ((*more)[0], std::vector<std::int32_t>{2});
}

TEST(ReplicaPlacementTest, PlacerErrors) {
  EXPECT_EQ(place_replicas(cluster({{1, false}}), 0, 1, 0).status().detail,
            "Invalid replication factor 0: the replication factor must be positive.");
  EXPECT_EQ(place_replicas(cluster({{1, true}}), 0, 1, 1).status().detail, "All brokers are currently fenced.");
  auto too_few = place_replicas(cluster({{1, false}, {2, true}}), 0, 1, 3);
  EXPECT_EQ(too_few.code(), ErrorCode::INVALID_REPLICATION_FACTOR);
  EXPECT_EQ(too_few.status().detail,
            "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.");
}

TEST(ReplicaPlacementTest, DefaultDirectory) {
  MetadataImage image = cluster({{1, false}, {2, false}, {3, false}});
  image.brokers[1].directories = {protocol::Uuid{5, 5}};
  image.brokers[3].directories = {protocol::Uuid{5, 5}, protocol::Uuid{6, 6}};
  EXPECT_EQ(default_directory(image, 1), (protocol::Uuid{5, 5}));
  EXPECT_EQ(default_directory(image, 2), directory_id::kMigrating);
  EXPECT_EQ(default_directory(image, 3), directory_id::kUnassigned);
  EXPECT_EQ(default_directory(image, 9), directory_id::kUnassigned);
}

TEST(ReplicaPlacementTest, CreateTopicsWithEveryBrokerFenced) {
  const MetadataImage image = cluster({{1, true}});
  ControllerConfig config;
  auto result = create_topics(image, config, {{"t", 1, 1, {}, {}}});
  ASSERT_EQ(result.response.size(), 1u);
  EXPECT_EQ(result.response[0].status.code, ErrorCode::INVALID_REPLICATION_FACTOR);
  EXPECT_EQ(result.response[0].status.detail,
            "Unable to replicate the partition 1 time(s): All brokers are currently fenced.");
  auto manual = create_topics(image, config, {{"m", -1, -1, {{0, {1}}}, {}}});
  EXPECT_EQ(manual.response[0].status.code, ErrorCode::INVALID_REPLICA_ASSIGNMENT);
  EXPECT_EQ(manual.response[0].status.detail,
            "All brokers specified in the manual partition assignment for partition 0 are fenced or in controlled "
            "shutdown.");
  EXPECT_TRUE(result.records.empty());
}

TEST(ReplicaPlacementTest, ReplicationFactorAcrossBrokers) {
  const MetadataImage image = cluster({{1, false}, {2, false}, {3, false}});
  ControllerConfig config;
  auto result = create_topics(image, config, {{"t", 3, 3, {}, {}}});
  ASSERT_TRUE(result.response.at(0).status.ok()) << result.response.at(0).status.detail;
  EXPECT_EQ(result.response[0].replication_factor, 3);
  int partitions = 0;
  for (const auto& r : result.records) {
    if (const auto* p = std::get_if<protocol::PartitionRecord>(&r.record)) {
      EXPECT_EQ(p->replicas.size(), 3u);
      EXPECT_EQ(p->isr, p->replicas);
      EXPECT_EQ(p->leader, p->replicas.front());
      ++partitions;
    }
  }
  EXPECT_EQ(partitions, 3);
}

}  // namespace
}  // namespace sluice::coordinator
