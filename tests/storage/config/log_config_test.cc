// Topic configs as Kafka 3.9: defaults, validators, broker synonyms and their
// precedence, and DescribeConfigs' synonym chains.
#include "storage/config/log_config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::storage {
namespace {

using protocol::ErrorCode;

LogConfig resolve_ok(const ConfigMap& overrides, const BrokerLogDefaults& broker = {}) {
  auto resolved = LogConfig::resolve(overrides, broker);
  EXPECT_TRUE(resolved.ok()) << resolved.status().detail;
  return resolved.ok() ? *resolved : LogConfig{};
}

std::string resolve_error(const ConfigMap& overrides, const BrokerLogDefaults& broker = {}) {
  auto resolved = LogConfig::resolve(overrides, broker);
  EXPECT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.code(), ErrorCode::INVALID_CONFIG);
  return resolved.status().detail;
}

const DescribedConfig& entry(const std::vector<DescribedConfig>& all, std::string_view name) {
  for (const auto& e : all) {
    if (e.name == name) return e;
  }
  ADD_FAILURE() << "no entry " << name;
  static const DescribedConfig kNone;
  return kNone;
}

std::vector<DescribedConfig> describe_ok(const ConfigMap& overrides, const BrokerLogDefaults& broker) {
  auto described = describe_topic_config(overrides, broker);
  EXPECT_TRUE(described.ok()) << described.status().detail;
  return described.ok() ? *described : std::vector<DescribedConfig>{};
}

// Kafka 3.9's topic keys with their default as DescribeConfigs prints it.
const std::map<std::string, std::string> kKafkaDefaults = {
    {"cleanup.policy", "delete"},
    {"compression.gzip.level", "-1"},
    {"compression.lz4.level", "9"},
    {"compression.type", "producer"},
    {"compression.zstd.level", "3"},
    {"delete.retention.ms", "86400000"},
    {"file.delete.delay.ms", "60000"},
    {"flush.messages", "9223372036854775807"},
    {"flush.ms", "9223372036854775807"},
    {"follower.replication.throttled.replicas", ""},
    {"index.interval.bytes", "4096"},
    {"leader.replication.throttled.replicas", ""},
    {"local.retention.bytes", "-2"},
    {"local.retention.ms", "-2"},
    {"max.compaction.lag.ms", "9223372036854775807"},
    {"max.message.bytes", "1048588"},
    {"message.downconversion.enable", "true"},
    {"message.format.version", "3.0-IV1"},
    {"message.timestamp.after.max.ms", "9223372036854775807"},
    {"message.timestamp.before.max.ms", "9223372036854775807"},
    {"message.timestamp.difference.max.ms", "9223372036854775807"},
    {"message.timestamp.type", "CreateTime"},
    {"min.cleanable.dirty.ratio", "0.5"},
    {"min.compaction.lag.ms", "0"},
    {"min.insync.replicas", "1"},
    {"preallocate", "false"},
    {"remote.storage.enable", "false"},
    {"retention.bytes", "-1"},
    {"retention.ms", "604800000"},
    {"segment.bytes", "1073741824"},
    {"segment.index.bytes", "10485760"},
    {"segment.jitter.ms", "0"},
    {"segment.ms", "604800000"},
    {"unclean.leader.election.enable", "false"},
};

TEST(LogConfigTest, KeysAndDefaultsAreKafkas) {
  const auto described = describe_ok({}, {});
  ASSERT_EQ(described.size(), kKafkaDefaults.size());
  for (const auto& e : described) {
    const auto it = kKafkaDefaults.find(e.name);
    ASSERT_NE(it, kKafkaDefaults.end()) << e.name;
    EXPECT_EQ(e.value, it->second) << e.name;
    EXPECT_EQ(e.source, ConfigSource::kDefaultConfig) << e.name;
    EXPECT_FALSE(e.read_only) << e.name;
    EXPECT_FALSE(e.sensitive) << e.name;
    EXPECT_TRUE(e.synonyms.empty()) << e.name;
    EXPECT_FALSE(e.documentation.empty()) << e.name;
  }
  EXPECT_EQ(entry(described, "cleanup.policy").type, ConfigType::kList);
  EXPECT_EQ(entry(described, "segment.bytes").type, ConfigType::kInt);
  EXPECT_EQ(entry(described, "retention.ms").type, ConfigType::kLong);
  EXPECT_EQ(entry(described, "min.cleanable.dirty.ratio").type, ConfigType::kDouble);
  EXPECT_EQ(entry(described, "preallocate").type, ConfigType::kBoolean);
  EXPECT_EQ(entry(described, "compression.type").type, ConfigType::kString);
}

TEST(LogConfigTest, TypedDefaults) {
  const LogConfig c = resolve_ok({});
  EXPECT_EQ(c.cleanup_policy, CleanupPolicy::kDelete);
  EXPECT_TRUE(c.delete_enabled());
  EXPECT_FALSE(c.compact());
  EXPECT_EQ(c.compression_type, BrokerCompressionType::kProducer);
  EXPECT_EQ(c.target_compression(), std::nullopt);
  EXPECT_EQ(c.segment_bytes, 1073741824);
  EXPECT_EQ(c.segment_ms, 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(c.retention_ms, 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(c.retention_bytes, -1);
  EXPECT_EQ(c.max_message_bytes, 1024 * 1024 + 12);
  EXPECT_EQ(c.segment_index_bytes, 10 * 1024 * 1024);
  EXPECT_EQ(c.flush_messages, INT64_MAX);
  EXPECT_EQ(c.message_timestamp_type, TimestampType::kCreateTime);
  EXPECT_EQ(c.message_timestamp_before_max_ms, INT64_MAX);
  EXPECT_EQ(c.message_timestamp_after_max_ms, INT64_MAX);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.5);
  EXPECT_EQ(c.min_insync_replicas, 1);
  EXPECT_EQ(c.effective_local_retention_ms(), c.retention_ms);
  EXPECT_EQ(c.effective_local_retention_bytes(), -1);
  EXPECT_TRUE(c.overridden.empty());
}

TEST(LogConfigTest, OverridesAreParsedTyped) {
  const LogConfig c = resolve_ok({{"cleanup.policy", "compact, delete"},
                                  {"compression.type", "zstd"},
                                  {"compression.zstd.level", "-5"},
                                  {"message.timestamp.type", "LogAppendTime"},
                                  {"min.cleanable.dirty.ratio", "0.1"},
                                  {"leader.replication.throttled.replicas", "0:1, 1:2"},
                                  {"retention.ms", "-1"},
                                  {"preallocate", "TRUE"}});
  EXPECT_TRUE(c.compact());
  EXPECT_TRUE(c.delete_enabled());
  EXPECT_EQ(c.cleanup_policy, CleanupPolicy::kCompactDelete);
  EXPECT_EQ(c.target_compression(), protocol::CompressionType::kZstd);
  EXPECT_EQ(c.target_compression_level(), -5);
  EXPECT_EQ(c.message_timestamp_type, TimestampType::kLogAppendTime);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.1);
  EXPECT_EQ(c.leader_replication_throttled_replicas, (std::vector<std::string>{"0:1", "1:2"}));
  EXPECT_EQ(c.retention_ms, -1);
  EXPECT_TRUE(c.preallocate);
  EXPECT_EQ(c.overridden.size(), 8u);
  EXPECT_TRUE(c.overridden.contains("retention.ms"));

  EXPECT_EQ(resolve_ok({{"cleanup.policy", "compact"}}).cleanup_policy, CleanupPolicy::kCompact);
  const LogConfig none = resolve_ok({{"cleanup.policy", ""}});
  EXPECT_FALSE(none.compact());
  EXPECT_FALSE(none.delete_enabled());
  EXPECT_EQ(resolve_ok({{"compression.type", "gzip"}}).target_compression_level(), std::nullopt);
  EXPECT_EQ(resolve_ok({{"compression.type", "uncompressed"}}).target_compression(), protocol::CompressionType::kNone);
}

TEST(LogConfigTest, ValidatorsRejectOutOfRangeValues) {
  EXPECT_EQ(resolve_error({{"segment.bytes", "13"}}),
            "Invalid value 13 for configuration segment.bytes: Value must be at least 14");
  EXPECT_TRUE(LogConfig::resolve({{"segment.bytes", "14"}}, {}).ok());
  EXPECT_EQ(resolve_error({{"min.cleanable.dirty.ratio", "1.01"}}),
            "Invalid value 1.01 for configuration min.cleanable.dirty.ratio: Value must be no more than 1");
  EXPECT_EQ(resolve_error({{"cleanup.policy", "foo"}}),
            "Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete");
  EXPECT_EQ(resolve_error({{"segment.bytes", "abc"}}),
            "Invalid value abc for configuration segment.bytes: Not a number of type INT");
  EXPECT_EQ(resolve_error({{"retention.ms", "-2"}}),
            "Invalid value -2 for configuration retention.ms: Value must be at least -1");
  EXPECT_EQ(resolve_error({{"compression.type", "GZIP"}}),
            "Invalid value GZIP for configuration compression.type: String must be one of: uncompressed, zstd, lz4, "
            "snappy, gzip, producer");
  EXPECT_EQ(resolve_error({{"message.timestamp.type", "Now"}}),
            "Invalid value Now for configuration message.timestamp.type: String must be one of: CreateTime, "
            "LogAppendTime");
  EXPECT_EQ(resolve_error({{"min.insync.replicas", "0"}}),
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1");
  EXPECT_EQ(resolve_error({{"segment.ms", "0"}}),
            "Invalid value 0 for configuration segment.ms: Value must be at least 1");
  EXPECT_EQ(resolve_error({{"segment.index.bytes", "3"}}),
            "Invalid value 3 for configuration segment.index.bytes: Value must be at least 4");
  EXPECT_EQ(resolve_error({{"local.retention.ms", "-3"}}),
            "Invalid value -3 for configuration local.retention.ms: Value must be at least -2");
  EXPECT_EQ(resolve_error({{"unclean.leader.election.enable", "maybe"}}),
            "Invalid value maybe for configuration unclean.leader.election.enable: Expected value to be either true "
            "or false");
}

TEST(LogConfigTest, CompressionLevelsFollowKip390) {
  EXPECT_TRUE(LogConfig::resolve({{"compression.gzip.level", "-1"}}, {}).ok());
  EXPECT_TRUE(LogConfig::resolve({{"compression.gzip.level", "1"}}, {}).ok());
  EXPECT_TRUE(LogConfig::resolve({{"compression.gzip.level", "9"}}, {}).ok());
  EXPECT_EQ(resolve_error({{"compression.gzip.level", "0"}}),
            "Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1");
  EXPECT_FALSE(LogConfig::resolve({{"compression.gzip.level", "10"}}, {}).ok());
  EXPECT_TRUE(LogConfig::resolve({{"compression.lz4.level", "17"}}, {}).ok());
  EXPECT_EQ(resolve_error({{"compression.lz4.level", "18"}}),
            "Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17");
  EXPECT_TRUE(LogConfig::resolve({{"compression.zstd.level", "-131072"}}, {}).ok());
  EXPECT_TRUE(LogConfig::resolve({{"compression.zstd.level", "22"}}, {}).ok());
  EXPECT_FALSE(LogConfig::resolve({{"compression.zstd.level", "23"}}, {}).ok());
  EXPECT_FALSE(LogConfig::resolve({{"compression.zstd.level", "-131073"}}, {}).ok());
}

TEST(LogConfigTest, SpecialValidators) {
  EXPECT_TRUE(LogConfig::resolve({{"follower.replication.throttled.replicas", "*"}}, {}).ok());
  EXPECT_TRUE(LogConfig::resolve({{"follower.replication.throttled.replicas", "0:101,1:102"}}, {}).ok());
  EXPECT_EQ(resolve_error({{"follower.replication.throttled.replicas", "0:1,foo"}}),
            "Invalid value [0:1, foo] for configuration follower.replication.throttled.replicas: "
            "follower.replication.throttled.replicas must be the literal '*' or a list of replicas in the following "
            "format: [partitionId]:[brokerId],[partitionId]:[brokerId],...");
  EXPECT_TRUE(LogConfig::resolve({{"message.format.version", "2.8"}}, {}).ok());
  EXPECT_TRUE(LogConfig::resolve({{"message.format.version", "0.10.2-IV0"}}, {}).ok());
  EXPECT_TRUE(LogConfig::resolve({{"message.format.version", "3.9-IV0"}}, {}).ok());
  EXPECT_EQ(resolve_error({{"message.format.version", "9.9"}}),
            "Invalid value 9.9 for configuration message.format.version: Version 9.9 is not a valid version");
}

TEST(LogConfigTest, CrossKeyChecksAndUnknownKeys) {
  EXPECT_EQ(resolve_error({{"retention.mss", "1"}}), "Unknown topic config name: retention.mss");
  EXPECT_EQ(resolve_error({{"min.compaction.lag.ms", "10"}, {"max.compaction.lag.ms", "5"}}),
            "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
  // Sluice has no tiered storage, like Kafka with remote.log.storage.system.enable=false.
  EXPECT_EQ(resolve_error({{"remote.storage.enable", "true"}}),
            "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log "
            "storage.");
  EXPECT_TRUE(LogConfig::resolve({{"remote.storage.enable", "false"}}, {}).ok());
}

TEST(LogConfigTest, TimestampDifferenceStandsInForBeforeAndAfter) {
  const LogConfig diff = resolve_ok({{"message.timestamp.difference.max.ms", "1000"}});
  EXPECT_EQ(diff.message_timestamp_before_max_ms, 1000);
  EXPECT_EQ(diff.message_timestamp_after_max_ms, 1000);
  const LogConfig both =
      resolve_ok({{"message.timestamp.difference.max.ms", "1000"}, {"message.timestamp.before.max.ms", "5"}});
  EXPECT_EQ(both.message_timestamp_before_max_ms, 5);
  EXPECT_EQ(both.message_timestamp_after_max_ms, 1000);
}

TEST(LogConfigTest, MaxSegmentMsHonoursMaxCompactionLag) {
  EXPECT_EQ(resolve_ok({{"segment.ms", "1000"}, {"max.compaction.lag.ms", "10"}}).max_segment_ms(), 1000);
  EXPECT_EQ(resolve_ok({{"segment.ms", "1000"}, {"max.compaction.lag.ms", "10"}, {"cleanup.policy", "compact"}})
                .max_segment_ms(),
            10);
}

TEST(LogConfigTest, SynonymsAreKafkasInOrder) {
  auto names = [](std::string_view key) {
    std::vector<std::string> out;
    for (const auto& s : broker_synonyms(key)) out.emplace_back(s.name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("retention.ms"), (V{"log.retention.ms", "log.retention.minutes", "log.retention.hours"}));
  EXPECT_EQ(names("segment.ms"), (V{"log.roll.ms", "log.roll.hours"}));
  EXPECT_EQ(names("segment.jitter.ms"), (V{"log.roll.jitter.ms", "log.roll.jitter.hours"}));
  EXPECT_EQ(names("flush.ms"), (V{"log.flush.interval.ms", "log.flush.scheduler.interval.ms"}));
  EXPECT_EQ(names("flush.messages"), (V{"log.flush.interval.messages"}));
  EXPECT_EQ(names("max.message.bytes"), (V{"message.max.bytes"}));
  EXPECT_EQ(names("compression.type"), (V{"compression.type"}));
  EXPECT_EQ(names("segment.index.bytes"), (V{"log.index.size.max.bytes"}));
  EXPECT_EQ(names("file.delete.delay.ms"), (V{"log.segment.delete.delay.ms"}));
  EXPECT_EQ(names("min.cleanable.dirty.ratio"), (V{"log.cleaner.min.cleanable.ratio"}));
  EXPECT_EQ(names("delete.retention.ms"), (V{"log.cleaner.delete.retention.ms"}));
  EXPECT_EQ(names("local.retention.ms"), (V{"log.local.retention.ms"}));
  EXPECT_EQ(names("message.downconversion.enable"), (V{"log.message.downconversion.enable"}));
  EXPECT_TRUE(names("remote.storage.enable").empty());
  EXPECT_TRUE(names("leader.replication.throttled.replicas").empty());
  // Every other topic key has a broker synonym.
  for (const ConfigKey& key : log_config_def().keys()) {
    if (key.name == "remote.storage.enable" || key.name.find("throttled") != std::string::npos) continue;
    EXPECT_FALSE(broker_synonyms(key.name).empty()) << key.name;
  }
}

TEST(LogConfigTest, RetentionSynonymPrecedenceMsThenMinutesThenHours) {
  BrokerLogDefaults broker;
  broker.defaults["log.retention.hours"] = "168";
  EXPECT_EQ(resolve_ok({}, broker).retention_ms, 168LL * 3'600'000);
  broker.static_broker["log.retention.hours"] = "24";
  EXPECT_EQ(resolve_ok({}, broker).retention_ms, 24LL * 3'600'000);
  broker.static_broker["log.retention.minutes"] = "30";
  EXPECT_EQ(resolve_ok({}, broker).retention_ms, 30LL * 60'000);
  broker.static_broker["log.retention.ms"] = "1234";
  EXPECT_EQ(resolve_ok({}, broker).retention_ms, 1234);
  // Any negative broker retention means unlimited.
  broker.static_broker["log.retention.ms"] = "-1";
  EXPECT_EQ(resolve_ok({}, broker).retention_ms, -1);
  broker.static_broker["log.retention.ms"] = "-7";
  EXPECT_EQ(resolve_ok({}, broker).retention_ms, -1);
  broker.static_broker.erase("log.retention.ms");
  broker.static_broker["log.retention.minutes"] = "-1";
  EXPECT_EQ(resolve_ok({}, broker).retention_ms, -1);
}

TEST(LogConfigTest, FirstSetSynonymWinsWhateverItsLayer) {
  BrokerLogDefaults broker;
  broker.defaults["log.roll.hours"] = "168";
  broker.dynamic_broker["log.roll.hours"] = "2";
  EXPECT_EQ(resolve_ok({}, broker).segment_ms, 2LL * 3'600'000);
  // log.roll.ms outranks log.roll.hours even from a lower layer.
  broker.static_broker["log.roll.ms"] = "5000";
  EXPECT_EQ(resolve_ok({}, broker).segment_ms, 5000);
  broker.dynamic_default["log.roll.ms"] = "6000";
  EXPECT_EQ(resolve_ok({}, broker).segment_ms, 6000);
  broker.dynamic_broker["log.roll.ms"] = "7000";
  EXPECT_EQ(resolve_ok({}, broker).segment_ms, 7000);

  BrokerLogDefaults flush;
  flush.defaults["log.flush.scheduler.interval.ms"] = "9223372036854775807";
  EXPECT_EQ(resolve_ok({}, flush).flush_ms, INT64_MAX);
  flush.static_broker["log.flush.scheduler.interval.ms"] = "3000";
  EXPECT_EQ(resolve_ok({}, flush).flush_ms, 3000);
  flush.static_broker["log.flush.interval.ms"] = "100";
  EXPECT_EQ(resolve_ok({}, flush).flush_ms, 100);
}

TEST(LogConfigTest, TopicOverrideBeatsBroker) {
  BrokerLogDefaults broker;
  broker.dynamic_broker["log.retention.ms"] = "5000";
  broker.static_broker["log.segment.bytes"] = "2048";
  broker.static_broker["compression.type"] = "lz4";
  broker.static_broker["log.cleanup.policy"] = "compact";
  const LogConfig from_broker = resolve_ok({}, broker);
  EXPECT_EQ(from_broker.retention_ms, 5000);
  EXPECT_EQ(from_broker.segment_bytes, 2048);
  EXPECT_EQ(from_broker.compression_type, BrokerCompressionType::kLz4);
  EXPECT_TRUE(from_broker.compact());
  const LogConfig overridden = resolve_ok({{"retention.ms", "100"}, {"segment.bytes", "4096"}}, broker);
  EXPECT_EQ(overridden.retention_ms, 100);
  EXPECT_EQ(overridden.segment_bytes, 4096);
  EXPECT_EQ(overridden.compression_type, BrokerCompressionType::kLz4);
}

TEST(LogConfigTest, BadBrokerSynonymIsAnErrorNamingTheBrokerKey) {
  BrokerLogDefaults broker;
  broker.static_broker["log.retention.hours"] = "a week";
  EXPECT_EQ(resolve_error({}, broker),
            "Invalid value a week for configuration log.retention.hours: Not a number of type INT");
  // A topic override makes the broker value irrelevant, as in Kafka.
  EXPECT_TRUE(LogConfig::resolve({{"retention.ms", "1"}}, broker).ok());
}

TEST(LogConfigTest, DescribeChainsFollowKafkasLayerOrder) {
  BrokerLogDefaults broker;
  broker.dynamic_broker["log.segment.bytes"] = "4000";
  broker.dynamic_default["log.segment.bytes"] = "3000";
  broker.static_broker["log.segment.bytes"] = "2000";
  broker.defaults["log.segment.bytes"] = "1073741824";
  const auto described = describe_ok({{"segment.bytes", " 5000 "}}, broker);
  const DescribedConfig& e = entry(described, "segment.bytes");
  EXPECT_EQ(e.value, "5000");
  EXPECT_EQ(e.source, ConfigSource::kDynamicTopicConfig);
  ASSERT_EQ(e.synonyms.size(), 5u);
  EXPECT_EQ(e.synonyms[0].name, "segment.bytes");
  EXPECT_EQ(e.synonyms[0].value, "5000");
  EXPECT_EQ(e.synonyms[0].source, ConfigSource::kDynamicTopicConfig);
  const std::pair<std::string, ConfigSource> expected[] = {
      {"4000", ConfigSource::kDynamicBrokerConfig},
      {"3000", ConfigSource::kDynamicDefaultBrokerConfig},
      {"2000", ConfigSource::kStaticBrokerConfig},
      {"1073741824", ConfigSource::kDefaultConfig},
  };
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(e.synonyms[i + 1].name, "log.segment.bytes");
    EXPECT_EQ(e.synonyms[i + 1].value, expected[i].first);
    EXPECT_EQ(e.synonyms[i + 1].source, expected[i].second);
  }

  // Without the override the broker's dynamic value is the source.
  const auto no_override = describe_ok({}, broker);
  EXPECT_EQ(entry(no_override, "segment.bytes").value, "4000");
  EXPECT_EQ(entry(no_override, "segment.bytes").source, ConfigSource::kDynamicBrokerConfig);
  EXPECT_EQ(entry(no_override, "segment.bytes").synonyms.size(), 4u);
}

TEST(LogConfigTest, DescribeRetentionChainStartsAtLogRetentionMs) {
  BrokerLogDefaults broker;
  broker.defaults["log.retention.hours"] = "168";
  broker.static_broker["log.retention.ms"] = "5000";
  broker.dynamic_broker["log.retention.minutes"] = "10";
  const auto described = describe_ok({}, broker);
  const DescribedConfig& e = entry(described, "retention.ms");
  EXPECT_EQ(e.value, "5000");
  EXPECT_EQ(e.source, ConfigSource::kStaticBrokerConfig);
  // Layer by layer, synonyms in order, then everything before the first
  // log.retention.ms dropped (Kafka's ConfigHelper).
  ASSERT_EQ(e.synonyms.size(), 2u);
  EXPECT_EQ(e.synonyms[0].name, "log.retention.ms");
  EXPECT_EQ(e.synonyms[0].source, ConfigSource::kStaticBrokerConfig);
  EXPECT_EQ(e.synonyms[1].name, "log.retention.hours");
  EXPECT_EQ(e.synonyms[1].value, "168");
  EXPECT_EQ(e.synonyms[1].source, ConfigSource::kDefaultConfig);

  // Retention set only in hours: the value follows it but, as in Kafka, the
  // chain is empty and the source is DEFAULT_CONFIG.
  BrokerLogDefaults hours;
  hours.defaults["log.retention.hours"] = "168";
  hours.static_broker["log.retention.hours"] = "24";
  const auto by_hours = describe_ok({}, hours);
  EXPECT_EQ(entry(by_hours, "retention.ms").value, "86400000");
  EXPECT_EQ(entry(by_hours, "retention.ms").source, ConfigSource::kDefaultConfig);
  EXPECT_TRUE(entry(by_hours, "retention.ms").synonyms.empty());

  // A topic override goes first, ahead of the broker chain.
  const auto overridden = describe_ok({{"retention.ms", "77"}}, broker);
  const DescribedConfig& o = entry(overridden, "retention.ms");
  EXPECT_EQ(o.value, "77");
  EXPECT_EQ(o.source, ConfigSource::kDynamicTopicConfig);
  ASSERT_EQ(o.synonyms.size(), 3u);
  EXPECT_EQ(o.synonyms[0].name, "retention.ms");
  EXPECT_EQ(o.synonyms[1].name, "log.retention.ms");
}

TEST(LogConfigTest, DescribeFormatsValuesAsKafka) {
  const auto described = describe_ok({{"cleanup.policy", " compact , delete "}, {"preallocate", "TRUE"}}, {});
  EXPECT_EQ(entry(described, "cleanup.policy").value, "compact,delete");
  EXPECT_EQ(entry(described, "preallocate").value, "true");
  EXPECT_FALSE(describe_topic_config({{"segment.bytes", "1"}}, {}).ok());
}

}  // namespace
}  // namespace sluice::storage
