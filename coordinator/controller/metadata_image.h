// Kafka's MetadataImage: the cluster metadata after replaying the metadata
// log up to some offset. Images are immutable and shared
// (std::shared_ptr<const MetadataImage>); a MetadataDelta builds the next
// one, sharing every topic it does not change.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/uuid.h"
#include "storage/config/config_def.h"

namespace sluice::coordinator {

// Kafka's DirectoryId reserved ids (KIP-858): where a replica lives when no
// real log directory id is known.
namespace directory_id {
inline constexpr protocol::Uuid kMigrating{0, 0};   // placed before directories were tracked
inline constexpr protocol::Uuid kUnassigned{0, 1};  // not yet placed in a directory
inline constexpr protocol::Uuid kLost{0, 2};        // in a directory that went offline
}  // namespace directory_id

// LeaderConstants.NO_LEADER, and PartitionChangeRecord's "leader unchanged".
inline constexpr std::int32_t kNoLeader = -1;
inline constexpr std::int32_t kNoLeaderChange = -2;

// Kafka's PartitionRegistration.
struct PartitionRegistration {
  std::vector<std::int32_t> replicas;
  std::vector<protocol::Uuid> directories;  // one per replica
  std::vector<std::int32_t> isr;
  std::vector<std::int32_t> removing_replicas;
  std::vector<std::int32_t> adding_replicas;
  std::vector<std::int32_t> elr;             // KIP-966 eligible leader replicas
  std::vector<std::int32_t> last_known_elr;  // KIP-966
  std::int32_t leader = kNoLeader;
  std::int8_t leader_recovery_state = 0;  // 0 RECOVERED, 1 RECOVERING
  std::int32_t leader_epoch = 0;
  std::int32_t partition_epoch = 0;

  bool operator==(const PartitionRegistration&) const = default;
};

struct TopicImage {
  std::string name;
  protocol::Uuid id;
  std::map<std::int32_t, PartitionRegistration> partitions;

  bool operator==(const TopicImage&) const = default;
};

// Numbered as SecurityProtocol's ids.
enum class SecurityProtocol : std::int16_t { kPlaintext = 0, kSsl = 1, kSaslPlaintext = 2, kSaslSsl = 3 };

struct BrokerEndpoint {
  std::string listener;  // the listener name, e.g. "PLAINTEXT"
  std::string host;
  std::uint16_t port = 0;
  std::int16_t security_protocol = 0;

  bool operator==(const BrokerEndpoint&) const = default;
};

struct SupportedFeatureRange {
  std::int16_t min = 0;
  std::int16_t max = 0;

  bool operator==(const SupportedFeatureRange&) const = default;
};

// Kafka's BrokerRegistration.
struct BrokerRegistration {
  std::int32_t id = -1;
  std::int64_t epoch = -1;  // the offset of the RegisterBrokerRecord
  protocol::Uuid incarnation_id;
  std::vector<BrokerEndpoint> endpoints;
  std::map<std::string, SupportedFeatureRange, std::less<>> supported_features;
  std::optional<std::string> rack;
  bool fenced = true;
  bool in_controlled_shutdown = false;
  bool is_migrating_zk_broker = false;
  std::vector<protocol::Uuid> directories;  // the broker's log directory ids

  // May lead partitions and be in ISRs (ClusterControlManager.isActive).
  bool active() const { return !fenced && !in_controlled_shutdown; }
  bool operator==(const BrokerRegistration&) const = default;
};

// Numbered as ConfigResource.Type's ids (the ConfigRecord's ResourceType).
enum class ConfigResourceType : std::int8_t {
  kUnknown = 0,
  kTopic = 2,
  kBroker = 4,
  kBrokerLogger = 8,
  kClientMetrics = 16,
  kGroup = 32,
};

// Kafka's name for a resource type ("TOPIC", "BROKER", ..., "UNKNOWN").
std::string_view config_resource_type_name(std::int8_t type);

struct ConfigResource {
  ConfigResourceType type = ConfigResourceType::kUnknown;
  std::string name;  // a topic name; for BROKER "" is the cluster default, else a node id

  auto operator<=>(const ConfigResource&) const = default;
};

struct MetadataImage {
  // Each topic is shared by both maps.
  std::map<protocol::Uuid, std::shared_ptr<const TopicImage>> topics_by_id;
  std::map<std::string, std::shared_ptr<const TopicImage>, std::less<>> topics_by_name;
  std::map<std::int32_t, BrokerRegistration> brokers;
  // Only resources with at least one key set.
  std::map<ConfigResource, storage::ConfigMap> configs;
  // Finalized feature levels (level 0 features are absent).
  std::map<std::string, std::int16_t, std::less<>> features;
  std::int8_t zk_migration_state = 0;  // ZkMigrationState.NONE
  // Kafka's ProducerIdsImage: the first producer id no broker has been
  // given yet (ProducerIdsRecord.NextProducerId), -1 before any block.
  std::int64_t next_producer_id = -1;
  // The offset of the last record replayed into this image, -1 for none,
  // and the leader epoch of the batch holding it.
  std::int64_t offset = -1;
  std::int32_t epoch = 0;

  const TopicImage* topic(std::string_view name) const;
  const TopicImage* topic(const protocol::Uuid& id) const;
  const BrokerRegistration* broker(std::int32_t id) const;
  // The keys set on a resource; an empty map for none.
  const storage::ConfigMap& configs_of(ConfigResourceType type, std::string_view name) const;
  // The finalized metadata.version; Kafka's 3.0-IV1 when never set.
  std::int16_t metadata_version() const;
  bool empty() const { return offset < 0; }

  // Same metadata: topics, partitions, brokers, configs and features, by
  // value. The offset and epoch are where it was read, not what it says.
  bool same_metadata(const MetadataImage& other) const;
};

}  // namespace sluice::coordinator
