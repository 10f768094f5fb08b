// Topic-level configuration as in Apache Kafka 3.9: every topic key with
// Kafka's default and validator, the broker keys that supply its default
// (ServerTopicConfigSynonyms, in Kafka's order), the typed LogConfig storage
// reads, and the DescribeConfigs view of a topic with its synonym chains.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/compression/compression_type.h"
#include "storage/config/config_def.h"

namespace sluice::storage {

// Topic config names (Kafka's TopicConfig constants).
namespace topic_config {
inline constexpr std::string_view kCleanupPolicy = "cleanup.policy";
inline constexpr std::string_view kCompressionGzipLevel = "compression.gzip.level";
inline constexpr std::string_view kCompressionLz4Level = "compression.lz4.level";
inline constexpr std::string_view kCompressionType = "compression.type";
inline constexpr std::string_view kCompressionZstdLevel = "compression.zstd.level";
inline constexpr std::string_view kDeleteRetentionMs = "delete.retention.ms";
inline constexpr std::string_view kFileDeleteDelayMs = "file.delete.delay.ms";
inline constexpr std::string_view kFlushMessages = "flush.messages";
inline constexpr std::string_view kFlushMs = "flush.ms";
inline constexpr std::string_view kFollowerReplicationThrottledReplicas = "follower.replication.throttled.replicas";
inline constexpr std::string_view kIndexIntervalBytes = "index.interval.bytes";
inline constexpr std::string_view kLeaderReplicationThrottledReplicas = "leader.replication.throttled.replicas";
inline constexpr std::string_view kLocalRetentionBytes = "local.retention.bytes";
inline constexpr std::string_view kLocalRetentionMs = "local.retention.ms";
inline constexpr std::string_view kMaxCompactionLagMs = "max.compaction.lag.ms";
inline constexpr std::string_view kMaxMessageBytes = "max.message.bytes";
inline constexpr std::string_view kMessageDownconversionEnable = "message.downconversion.enable";
inline constexpr std::string_view kMessageFormatVersion = "message.format.version";
inline constexpr std::string_view kMessageTimestampAfterMaxMs = "message.timestamp.after.max.ms";
inline constexpr std::string_view kMessageTimestampBeforeMaxMs = "message.timestamp.before.max.ms";
inline constexpr std::string_view kMessageTimestampDifferenceMaxMs = "message.timestamp.difference.max.ms";
inline constexpr std::string_view kMessageTimestampType = "message.timestamp.type";
inline constexpr std::string_view kMinCleanableDirtyRatio = "min.cleanable.dirty.ratio";
inline constexpr std::string_view kMinCompactionLagMs = "min.compaction.lag.ms";
inline constexpr std::string_view kMinInsyncReplicas = "min.insync.replicas";
inline constexpr std::string_view kPreallocate = "preallocate";
inline constexpr std::string_view kRemoteStorageEnable = "remote.storage.enable";
inline constexpr std::string_view kRetentionBytes = "retention.bytes";
inline constexpr std::string_view kRetentionMs = "retention.ms";
inline constexpr std::string_view kSegmentBytes = "segment.bytes";
inline constexpr std::string_view kSegmentIndexBytes = "segment.index.bytes";
inline constexpr std::string_view kSegmentJitterMs = "segment.jitter.ms";
inline constexpr std::string_view kSegmentMs = "segment.ms";
inline constexpr std::string_view kUncleanLeaderElectionEnable = "unclean.leader.election.enable";
}  // namespace topic_config

// The topic keys, with Kafka 3.9's types, defaults and validators.
const ConfigDef& log_config_def();

// Validators the broker's synonym keys share with the topic keys.
namespace log_validators {
// compression.gzip.level: 1 to 9, or -1 for zlib's default.
Validator gzip_level();
// message.format.version: a Kafka release ("2.8", "3.0-IV1", "0.10.0").
Validator message_format_version();
// *.replication.throttled.replicas: "*" or partition:broker pairs.
Validator throttled_replicas();
}  // namespace log_validators

// A broker key that supplies a topic key's default, and the unit it is in.
struct TopicConfigSynonym {
  enum class Unit : std::uint8_t { kSame, kMinutes, kHours };
  std::string_view name;
  Unit unit = Unit::kSame;
};

// The broker synonyms of a topic key in Kafka's precedence order (the first
// one set wins), e.g. retention.ms -> log.retention.ms, log.retention.minutes,
// log.retention.hours. Empty for keys without one (remote.storage.enable and
// the replication throttle lists).
std::span<const TopicConfigSynonym> broker_synonyms(std::string_view topic_key);

// The broker-side values a topic falls back to, by broker key name, in
// Kafka's four layers; the first layer holding a key gives its value.
struct BrokerLogDefaults {
  ConfigMap dynamic_broker;   // DYNAMIC_BROKER_CONFIG: set at runtime for this broker
  ConfigMap dynamic_default;  // DYNAMIC_DEFAULT_BROKER_CONFIG: set at runtime cluster-wide
  ConfigMap static_broker;    // STATIC_BROKER_CONFIG: server.properties and command-line overrides
  ConfigMap defaults;         // DEFAULT_CONFIG: the broker keys' own defaults

  struct Found {
    std::string_view value;
    ConfigSource source;
  };
  std::optional<Found> lookup(std::string_view broker_key) const;
};

enum class CleanupPolicy : std::uint8_t { kNone = 0, kDelete = 1, kCompact = 2, kCompactDelete = 3 };

// compression.type: a codec, or "producer" to keep what the producer used.
enum class BrokerCompressionType : std::uint8_t { kUncompressed, kZstd, kLz4, kSnappy, kGzip, kProducer };

enum class TimestampType : std::uint8_t { kCreateTime, kLogAppendTime };

// The resolved configuration of one topic's logs. Sizes and times are
// int64 bytes and milliseconds; -1 means unlimited where Kafka allows it.
struct LogConfig {
  CleanupPolicy cleanup_policy = CleanupPolicy::kDelete;
  BrokerCompressionType compression_type = BrokerCompressionType::kProducer;
  std::int32_t compression_gzip_level = -1;
  std::int32_t compression_lz4_level = 9;
  std::int32_t compression_zstd_level = 3;
  std::int64_t delete_retention_ms = 86'400'000;
  std::int64_t file_delete_delay_ms = 60'000;
  std::int64_t flush_messages = INT64_MAX;
  std::int64_t flush_ms = INT64_MAX;
  std::vector<std::string> follower_replication_throttled_replicas;
  std::int64_t index_interval_bytes = 4096;
  std::vector<std::string> leader_replication_throttled_replicas;
  std::int64_t local_retention_bytes = -2;  // -2: same as retention.bytes
  std::int64_t local_retention_ms = -2;     // -2: same as retention.ms
  std::int64_t max_compaction_lag_ms = INT64_MAX;
  std::int64_t max_message_bytes = 1'048'588;
  bool message_downconversion_enable = true;
  std::string message_format_version = "3.0-IV1";  // deprecated; ignored from IBP 3.0 on
  // The bounds storage applies (KIP-937): while before/after are at their
  // default, message.timestamp.difference.max.ms stands in for them.
  std::int64_t message_timestamp_after_max_ms = INT64_MAX;
  std::int64_t message_timestamp_before_max_ms = INT64_MAX;
  std::int64_t message_timestamp_difference_max_ms = INT64_MAX;
  TimestampType message_timestamp_type = TimestampType::kCreateTime;
  double min_cleanable_dirty_ratio = 0.5;
  std::int64_t min_compaction_lag_ms = 0;
  std::int32_t min_insync_replicas = 1;
  bool preallocate = false;
  bool remote_storage_enable = false;
  std::int64_t retention_bytes = -1;
  std::int64_t retention_ms = 604'800'000;
  std::int64_t segment_bytes = 1'073'741'824;
  std::int64_t segment_index_bytes = 10'485'760;
  std::int64_t segment_jitter_ms = 0;
  std::int64_t segment_ms = 604'800'000;
  bool unclean_leader_election_enable = false;

  // The topic keys set on the topic itself.
  std::set<std::string, std::less<>> overridden;

  bool compact() const { return (static_cast<int>(cleanup_policy) & static_cast<int>(CleanupPolicy::kCompact)) != 0; }
  bool delete_enabled() const {
    return (static_cast<int>(cleanup_policy) & static_cast<int>(CleanupPolicy::kDelete)) != 0;
  }
  // When a segment rolls by time: a compacted topic with a max compaction lag
  // rolls at least that often (Kafka's maxSegmentMs).
  std::int64_t max_segment_ms() const;
  // local.retention.* with -2 resolved to the full retention.
  std::int64_t effective_local_retention_ms() const {
    return local_retention_ms == -2 ? retention_ms : local_retention_ms;
  }
  std::int64_t effective_local_retention_bytes() const {
    return local_retention_bytes == -2 ? retention_bytes : local_retention_bytes;
  }
  // The codec the broker recompresses to; nullopt for "producer".
  std::optional<protocol::CompressionType> target_compression() const;
  // The level for target_compression(), nullopt for the codec's default.
  std::optional<int> target_compression_level() const;

  // Resolves every topic key: the topic's own override first, else the first
  // of its broker synonyms set in `broker` (hours and minutes converted to
  // ms), else Kafka's default. Unknown topic keys and bad values are
  // INVALID_CONFIG errors naming the key, as Kafka's LogConfig.validate.
  static Result<LogConfig> resolve(const ConfigMap& topic_overrides, const BrokerLogDefaults& broker);
};

// DescribeConfigs for a TOPIC resource: every topic key with its resolved
// value and source, and its synonyms in Kafka's order (the topic override,
// then each broker synonym by layer: dynamic broker, dynamic default, static,
// default). As Kafka's ConfigHelper does, broker entries before the first one
// named like the key's primary synonym are dropped, so retention.ms set only
// through log.retention.hours reports source DEFAULT_CONFIG and no synonyms.
Result<std::vector<DescribedConfig>> describe_topic_config(const ConfigMap& topic_overrides,
                                                           const BrokerLogDefaults& broker);

}  // namespace sluice::storage
