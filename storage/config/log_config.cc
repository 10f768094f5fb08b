#include "storage/config/log_config.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using Unit = TopicConfigSynonym::Unit;
namespace tc = topic_config;

constexpr std::int64_t kZstdMinLevel = -131072;  // ZSTD_minCLevel(), as zstd-jni reports it
constexpr std::int64_t kZstdMaxLevel = 22;

std::vector<ConfigKey> topic_keys() {
  using T = ConfigType;
  using V = Validator;
  const auto kMedium = Importance::kMedium;
  // name, type, default, validator, importance, doc
  return {
      {"cleanup.policy", T::kList, "delete", V::one_of({"compact", "delete"}), kMedium,
       "How old segments are retired: deleted by retention, compacted by key, or both."},
      {"compression.gzip.level", T::kInt, "-1", log_validators::gzip_level(), kMedium,
       "Level used when compression.type is gzip."},
      {"compression.lz4.level", T::kInt, "9", V::between(1, 17), kMedium, "Level used when compression.type is lz4."},
      {"compression.type", T::kString, "producer",
       V::one_of({"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}), kMedium,
       "Codec batches are stored with; producer keeps whatever the producer sent."},
      {"compression.zstd.level", T::kInt, "3", V::between(kZstdMinLevel, kZstdMaxLevel), kMedium,
       "Level used when compression.type is zstd."},
      {"delete.retention.ms", T::kLong, "86400000", V::at_least(0), kMedium,
       "How long tombstones stay readable in a compacted topic."},
      {"file.delete.delay.ms", T::kLong, "60000", V::at_least(0), kMedium,
       "Delay before a retired segment file is removed from disk."},
      {"flush.messages", T::kLong, "9223372036854775807", V::at_least(1), kMedium,
       "Messages appended before the log is fsynced."},
      {"flush.ms", T::kLong, "9223372036854775807", V::at_least(0), kMedium,
       "Time unflushed data may sit before the log is fsynced."},
      {"follower.replication.throttled.replicas", T::kList, "", log_validators::throttled_replicas(), kMedium,
       "Replicas throttled on the follower side, or * for all."},
      {"index.interval.bytes", T::kInt, "4096", V::at_least(0), kMedium,
       "Bytes appended between two offset index entries."},
      {"leader.replication.throttled.replicas", T::kList, "", log_validators::throttled_replicas(), kMedium,
       "Replicas throttled on the leader side, or * for all."},
      {"local.retention.bytes", T::kLong, "-2", V::at_least(-2), kMedium,
       "Local size limit under tiered storage; -2 means retention.bytes."},
      {"local.retention.ms", T::kLong, "-2", V::at_least(-2), kMedium,
       "Local time limit under tiered storage; -2 means retention.ms."},
      {"max.compaction.lag.ms", T::kLong, "9223372036854775807", V::at_least(1), kMedium,
       "Longest a record may stay uncompacted."},
      {"max.message.bytes", T::kInt, "1048588", V::at_least(0), kMedium,
       "Largest record batch the topic accepts, after compression."},
      {"message.downconversion.enable", T::kBoolean, "true", V{}, Importance::kLow,
       "Whether fetches from old clients may be down-converted."},
      {"message.format.version", T::kString, "3.0-IV1", log_validators::message_format_version(), kMedium,
       "Deprecated record format version; ignored from inter-broker protocol 3.0."},
      {"message.timestamp.after.max.ms", T::kLong, "9223372036854775807", V::at_least(0), kMedium,
       "How far in the future a CreateTime timestamp may be."},
      {"message.timestamp.before.max.ms", T::kLong, "9223372036854775807", V::at_least(0), kMedium,
       "How far in the past a CreateTime timestamp may be."},
      {"message.timestamp.difference.max.ms", T::kLong, "9223372036854775807", V::at_least(0), kMedium,
       "Deprecated bound on timestamp skew in either direction."},
      {"message.timestamp.type", T::kString, "CreateTime", V::one_of({"CreateTime", "LogAppendTime"}), kMedium,
       "Whether records keep the producer's timestamp or get the broker's."},
      {"min.cleanable.dirty.ratio", T::kDouble, "0.5", V::between(0, 1), kMedium,
       "Dirty share of the log that makes it eligible for compaction."},
      {"min.compaction.lag.ms", T::kLong, "0", V::at_least(0), kMedium, "Shortest time a record stays uncompacted."},
      {"min.insync.replicas", T::kInt, "1", V::at_least(1), kMedium, "In-sync replicas an acks=all write needs."},
      {"preallocate", T::kBoolean, "false", V{}, kMedium, "Whether segment files are preallocated on creation."},
      {"remote.storage.enable", T::kBoolean, "false", V{}, kMedium, "Tiered storage for the topic; Sluice has none."},
      {"retention.bytes", T::kLong, "-1", V{}, kMedium,
       "Size a partition may grow to before old segments go; -1 is no limit."},
      {"retention.ms", T::kLong, "604800000", V::at_least(-1), kMedium,
       "Age after which old segments go; -1 is no limit."},
      {"segment.bytes", T::kInt, "1073741824", V::at_least(14), kMedium, "Size at which a segment file rolls."},
      {"segment.index.bytes", T::kInt, "10485760", V::at_least(4), kMedium, "Size of each segment's index files."},
      {"segment.jitter.ms", T::kLong, "0", V::at_least(0), kMedium,
       "Random amount subtracted from segment.ms to spread rolls."},
      {"segment.ms", T::kLong, "604800000", V::at_least(1), kMedium, "Age at which a segment rolls even if not full."},
      {"unclean.leader.election.enable", T::kBoolean, "false", V{}, kMedium,
       "Whether an out-of-sync replica may become leader."},
  };
}

struct SynonymEntry {
  std::string_view topic_key;
  std::array<TopicConfigSynonym, 3> synonyms;  // unused slots have an empty name
};

// ServerTopicConfigSynonyms as of Kafka 3.9.
constexpr SynonymEntry kSynonyms[] = {
    {"segment.bytes", {{{"log.segment.bytes"}}}},
    {"segment.ms", {{{"log.roll.ms"}, {"log.roll.hours", Unit::kHours}}}},
    {"segment.jitter.ms", {{{"log.roll.jitter.ms"}, {"log.roll.jitter.hours", Unit::kHours}}}},
    {"segment.index.bytes", {{{"log.index.size.max.bytes"}}}},
    {"flush.messages", {{{"log.flush.interval.messages"}}}},
    {"flush.ms", {{{"log.flush.interval.ms"}, {"log.flush.scheduler.interval.ms"}}}},
    {"retention.bytes", {{{"log.retention.bytes"}}}},
    {"retention.ms",
     {{{"log.retention.ms"}, {"log.retention.minutes", Unit::kMinutes}, {"log.retention.hours", Unit::kHours}}}},
    {"max.message.bytes", {{{"message.max.bytes"}}}},
    {"index.interval.bytes", {{{"log.index.interval.bytes"}}}},
    {"delete.retention.ms", {{{"log.cleaner.delete.retention.ms"}}}},
    {"min.compaction.lag.ms", {{{"log.cleaner.min.compaction.lag.ms"}}}},
    {"max.compaction.lag.ms", {{{"log.cleaner.max.compaction.lag.ms"}}}},
    {"file.delete.delay.ms", {{{"log.segment.delete.delay.ms"}}}},
    {"min.cleanable.dirty.ratio", {{{"log.cleaner.min.cleanable.ratio"}}}},
    {"cleanup.policy", {{{"log.cleanup.policy"}}}},
    {"unclean.leader.election.enable", {{{"unclean.leader.election.enable"}}}},
    {"min.insync.replicas", {{{"min.insync.replicas"}}}},
    {"compression.type", {{{"compression.type"}}}},
    {"compression.gzip.level", {{{"compression.gzip.level"}}}},
    {"compression.lz4.level", {{{"compression.lz4.level"}}}},
    {"compression.zstd.level", {{{"compression.zstd.level"}}}},
    {"preallocate", {{{"log.preallocate"}}}},
    {"message.format.version", {{{"log.message.format.version"}}}},
    {"message.timestamp.type", {{{"log.message.timestamp.type"}}}},
    {"message.timestamp.difference.max.ms", {{{"log.message.timestamp.difference.max.ms"}}}},
    {"message.timestamp.before.max.ms", {{{"log.message.timestamp.before.max.ms"}}}},
    {"message.timestamp.after.max.ms", {{{"log.message.timestamp.after.max.ms"}}}},
    {"message.downconversion.enable", {{{"log.message.downconversion.enable"}}}},
    {"local.retention.ms", {{{"log.local.retention.ms"}}}},
    {"local.retention.bytes", {{{"log.local.retention.bytes"}}}},
};

// Kafka releases MetadataVersion knows, with how many IVs each has (0: the
// release string alone is the version).
struct Release {
  std::string_view name;
  int ivs;
};
constexpr Release kReleases[] = {
    {"0.8.0", 0}, {"0.8.1", 0}, {"0.8.2", 0}, {"0.9.0", 0}, {"0.10.0", 2}, {"0.10.1", 3}, {"0.10.2", 1}, {"0.11.0", 3},
    {"1.0", 1},   {"1.1", 1},   {"2.0", 2},   {"2.1", 3},   {"2.2", 2},    {"2.3", 2},    {"2.4", 2},    {"2.5", 1},
    {"2.6", 1},   {"2.7", 3},   {"2.8", 2},   {"3.0", 2},   {"3.1", 1},    {"3.2", 1},    {"3.3", 4},    {"3.4", 1},
    {"3.5", 3},   {"3.6", 3},   {"3.7", 5},   {"3.8", 1},   {"3.9", 1},
};

bool is_known_version(std::string_view v) {
  for (const Release& r : kReleases) {
    if (v == r.name) return true;
    if (r.ivs == 0 || !v.starts_with(r.name) || !v.substr(r.name.size()).starts_with("-IV")) continue;
    const std::string_view iv = v.substr(r.name.size() + 3);
    if (iv.size() == 1 && iv[0] >= '0' && iv[0] < '0' + r.ivs) return true;
  }
  return false;
}

std::string java_list_string(const ConfigValue::List& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += list[i];
  }
  return out + "]";
}

ConfigSource layer_source(int layer) {
  constexpr ConfigSource kSources[] = {ConfigSource::kDynamicBrokerConfig, ConfigSource::kDynamicDefaultBrokerConfig,
                                       ConfigSource::kStaticBrokerConfig, ConfigSource::kDefaultConfig};
  return kSources[layer];
}

const ConfigMap& layer_map(const BrokerLogDefaults& broker, int layer) {
  switch (layer) {
    case 0:
      return broker.dynamic_broker;
    case 1:
      return broker.dynamic_default;
    case 2:
      return broker.static_broker;
    default:
      return broker.defaults;
  }
}

// A broker synonym's value as the topic key's value: parsed with the broker
// key's type, converted to milliseconds, then checked by the topic validator.
Result<ConfigValue> from_broker_synonym(const ConfigKey& key, const TopicConfigSynonym& synonym, std::string_view raw) {
  const ConfigType broker_type = synonym.unit == Unit::kSame ? key.type : ConfigType::kInt;
  auto parsed = parse_type(synonym.name, raw, broker_type);
  if (!parsed) return parsed;
  ConfigValue value = std::move(parsed).value();
  if (synonym.unit == Unit::kHours) value.data = value.integer() * 3'600'000;
  if (synonym.unit == Unit::kMinutes) value.data = value.integer() * 60'000;
  // KafkaConfig.logRetentionTimeMillis: any negative broker retention is unlimited.
  if (key.name == tc::kRetentionMs && value.integer() < 0) value.data = std::int64_t{-1};
  if (auto error = key.validator.check(key.name, value)) return Status{ErrorCode::INVALID_CONFIG, std::move(*error)};
  return value;
}

// Every topic key's value, in log_config_def() order.
Result<std::vector<ConfigValue>> resolve_values(const ConfigMap& overrides, const BrokerLogDefaults& broker) {
  const ConfigDef& def = log_config_def();
  std::vector<ConfigValue> values(def.keys().size());
  std::vector<bool> set(def.keys().size(), false);

  for (const auto& [name, raw] : overrides) {
    const ConfigKey* key = def.find(name);
    if (key == nullptr) return Status{ErrorCode::INVALID_CONFIG, "Unknown topic config name: " + name};
    auto parsed = parse_value(*key, raw);
    if (!parsed) return parsed.status();
    const auto i = static_cast<std::size_t>(key - def.keys().data());
    values[i] = std::move(parsed).value();
    set[i] = true;
  }

  for (std::size_t i = 0; i < values.size(); ++i) {
    if (set[i]) continue;
    const ConfigKey& key = def.keys()[i];
    values[i] = def.default_of(key);
    for (const TopicConfigSynonym& synonym : broker_synonyms(key.name)) {
      const auto found = broker.lookup(synonym.name);
      if (!found) continue;
      auto converted = from_broker_synonym(key, synonym, found->value);
      if (!converted) return converted.status();
      values[i] = std::move(converted).value();
      break;
    }
  }

  auto value_of = [&](std::string_view name) -> const ConfigValue& {
    return values[static_cast<std::size_t>(def.find(name) - def.keys().data())];
  };
  // LogConfig.validateValues.
  const std::int64_t min_lag = value_of(tc::kMinCompactionLagMs).integer();
  const std::int64_t max_lag = value_of(tc::kMaxCompactionLagMs).integer();
  if (min_lag > max_lag) {
    return Status{ErrorCode::INVALID_CONFIG, "conflict topic config setting min.compaction.lag.ms (" +
                                                 std::to_string(min_lag) + ") > max.compaction.lag.ms (" +
                                                 std::to_string(max_lag) + ")"};
  }
  // Kafka with remote.log.storage.system.enable=false, which Sluice always is.
  if (value_of(tc::kRemoteStorageEnable).boolean()) {
    return Status{ErrorCode::INVALID_CONFIG,
                  "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote "
                  "log storage."};
  }
  return values;
}

}  // namespace

namespace log_validators {

Validator gzip_level() {
  return Validator::custom(
      "[1,...,9] or -1", [](std::string_view name, const ConfigValue& value) -> std::optional<std::string> {
        const std::int64_t level = value.integer();
        if (level > 9 || (level < 1 && level != -1)) {
          return invalid_value_message(name, std::to_string(level), "Value must be between 1 and 9 or equal to -1");
        }
        return std::nullopt;
      });
}

Validator message_format_version() {
  std::string all = "[";
  for (const Release& r : kReleases) {
    if (all.size() > 1) all += ", ";
    all += r.name;
  }
  all += "]";
  return Validator::custom(
      std::move(all), [](std::string_view name, const ConfigValue& value) -> std::optional<std::string> {
        if (is_known_version(value.text())) return std::nullopt;
        return invalid_value_message(name, value.text(), "Version " + value.text() + " is not a valid version");
      });
}

Validator throttled_replicas() {
  return Validator::custom("[partitionId]:[brokerId],[partitionId]:[brokerId],...",
                           [](std::string_view name, const ConfigValue& value) -> std::optional<std::string> {
                             const ConfigValue::List& list = value.list();
                             // Kafka's ThrottledReplicaListValidator: every element (trimmed)
                             // matches ([0-9]+:[0-9]+)? , or the elements concatenate to "*".
                             auto is_pair_or_empty = [](std::string_view s) {
                               s = java_trim(s);
                               if (s.empty()) return true;
                               const std::size_t colon = s.find(':');
                               if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
                               for (std::size_t i = 0; i < s.size(); ++i) {
                                 if (i != colon && (s[i] < '0' || s[i] > '9')) return false;
                               }
                               return true;
                             };
                             std::string joined;
                             bool all_pairs = true;
                             for (const auto& element : list) {
                               joined += java_trim(element);
                               all_pairs = all_pairs && is_pair_or_empty(element);
                             }
                             if (all_pairs || joined == "*") return std::nullopt;
                             return invalid_value_message(
                                 name, java_list_string(list),
                                 std::string(name) +
                                     " must be the literal '*' or a list of replicas in the following format: "
                                     "[partitionId]:[brokerId],[partitionId]:[brokerId],...");
                           });
}

}  // namespace log_validators

const ConfigDef& log_config_def() {
  static const ConfigDef def(topic_keys());
  return def;
}

std::span<const TopicConfigSynonym> broker_synonyms(std::string_view topic_key) {
  for (const SynonymEntry& entry : kSynonyms) {
    if (entry.topic_key != topic_key) continue;
    const auto used = std::count_if(entry.synonyms.begin(), entry.synonyms.end(),
                                    [](const TopicConfigSynonym& s) { return !s.name.empty(); });
    return {entry.synonyms.data(), static_cast<std::size_t>(used)};
  }
  return {};
}

std::optional<BrokerLogDefaults::Found> BrokerLogDefaults::lookup(std::string_view broker_key) const {
  for (int layer = 0; layer < 4; ++layer) {
    const ConfigMap& map = layer_map(*this, layer);
    if (const auto it = map.find(broker_key); it != map.end()) return Found{it->second, layer_source(layer)};
  }
  return std::nullopt;
}

std::int64_t LogConfig::max_segment_ms() const {
  if (compact() && max_compaction_lag_ms > 0) return std::min(max_compaction_lag_ms, segment_ms);
  return segment_ms;
}

std::optional<protocol::CompressionType> LogConfig::target_compression() const {
  switch (compression_type) {
    case BrokerCompressionType::kUncompressed:
      return protocol::CompressionType::kNone;
    case BrokerCompressionType::kZstd:
      return protocol::CompressionType::kZstd;
    case BrokerCompressionType::kLz4:
      return protocol::CompressionType::kLz4;
    case BrokerCompressionType::kSnappy:
      return protocol::CompressionType::kSnappy;
    case BrokerCompressionType::kGzip:
      return protocol::CompressionType::kGzip;
    case BrokerCompressionType::kProducer:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<int> LogConfig::target_compression_level() const {
  switch (compression_type) {
    case BrokerCompressionType::kGzip:
      return compression_gzip_level == -1 ? std::nullopt : std::optional<int>(compression_gzip_level);
    case BrokerCompressionType::kLz4:
      return compression_lz4_level;
    case BrokerCompressionType::kZstd:
      return compression_zstd_level;
    default:
      return std::nullopt;
  }
}

Result<LogConfig> LogConfig::resolve(const ConfigMap& topic_overrides, const BrokerLogDefaults& broker) {
  auto resolved = resolve_values(topic_overrides, broker);
  if (!resolved) return resolved.status();
  const std::vector<ConfigValue>& values = *resolved;
  const ConfigDef& def = log_config_def();
  auto get = [&](std::string_view name) -> const ConfigValue& {
    return values[static_cast<std::size_t>(def.find(name) - def.keys().data())];
  };
  auto i32 = [&](std::string_view name) { return static_cast<std::int32_t>(get(name).integer()); };

  LogConfig c;
  const auto& policies = get(tc::kCleanupPolicy).list();
  const bool compact = std::find(policies.begin(), policies.end(), "compact") != policies.end();
  const bool del = std::find(policies.begin(), policies.end(), "delete") != policies.end();
  c.cleanup_policy = static_cast<CleanupPolicy>((del ? 1 : 0) | (compact ? 2 : 0));

  const std::string& codec = get(tc::kCompressionType).text();
  constexpr std::pair<std::string_view, BrokerCompressionType> kCodecs[] = {
      {"uncompressed", BrokerCompressionType::kUncompressed},
      {"zstd", BrokerCompressionType::kZstd},
      {"lz4", BrokerCompressionType::kLz4},
      {"snappy", BrokerCompressionType::kSnappy},
      {"gzip", BrokerCompressionType::kGzip},
      {"producer", BrokerCompressionType::kProducer}};
  for (const auto& [name, type] : kCodecs) {
    if (codec == name) c.compression_type = type;
  }
  c.compression_gzip_level = i32(tc::kCompressionGzipLevel);
  c.compression_lz4_level = i32(tc::kCompressionLz4Level);
  c.compression_zstd_level = i32(tc::kCompressionZstdLevel);
  c.delete_retention_ms = get(tc::kDeleteRetentionMs).integer();
  c.file_delete_delay_ms = get(tc::kFileDeleteDelayMs).integer();
  c.flush_messages = get(tc::kFlushMessages).integer();
  c.flush_ms = get(tc::kFlushMs).integer();
  c.follower_replication_throttled_replicas = get(tc::kFollowerReplicationThrottledReplicas).list();
  c.index_interval_bytes = get(tc::kIndexIntervalBytes).integer();
  c.leader_replication_throttled_replicas = get(tc::kLeaderReplicationThrottledReplicas).list();
  c.local_retention_bytes = get(tc::kLocalRetentionBytes).integer();
  c.local_retention_ms = get(tc::kLocalRetentionMs).integer();
  c.max_compaction_lag_ms = get(tc::kMaxCompactionLagMs).integer();
  c.max_message_bytes = get(tc::kMaxMessageBytes).integer();
  c.message_downconversion_enable = get(tc::kMessageDownconversionEnable).boolean();
  c.message_format_version = get(tc::kMessageFormatVersion).text();
  c.message_timestamp_difference_max_ms = get(tc::kMessageTimestampDifferenceMaxMs).integer();
  // KIP-937: the deprecated difference bound applies while before/after keep
  // their default, as Kafka 3.9's LogConfig does.
  constexpr std::int64_t kUnbounded = std::numeric_limits<std::int64_t>::max();
  const std::int64_t after = get(tc::kMessageTimestampAfterMaxMs).integer();
  const std::int64_t before = get(tc::kMessageTimestampBeforeMaxMs).integer();
  c.message_timestamp_after_max_ms = after != kUnbounded ? after : c.message_timestamp_difference_max_ms;
  c.message_timestamp_before_max_ms = before != kUnbounded ? before : c.message_timestamp_difference_max_ms;
  c.message_timestamp_type = get(tc::kMessageTimestampType).text() == "LogAppendTime" ? TimestampType::kLogAppendTime
                                                                                      : TimestampType::kCreateTime;
  c.min_cleanable_dirty_ratio = get(tc::kMinCleanableDirtyRatio).number();
  c.min_compaction_lag_ms = get(tc::kMinCompactionLagMs).integer();
  c.min_insync_replicas = i32(tc::kMinInsyncReplicas);
  c.preallocate = get(tc::kPreallocate).boolean();
  c.remote_storage_enable = get(tc::kRemoteStorageEnable).boolean();
  c.retention_bytes = get(tc::kRetentionBytes).integer();
  c.retention_ms = get(tc::kRetentionMs).integer();
  c.segment_bytes = get(tc::kSegmentBytes).integer();
  c.segment_index_bytes = get(tc::kSegmentIndexBytes).integer();
  c.segment_jitter_ms = get(tc::kSegmentJitterMs).integer();
  c.segment_ms = get(tc::kSegmentMs).integer();
  c.unclean_leader_election_enable = get(tc::kUncleanLeaderElectionEnable).boolean();
  for (const auto& [name, value] : topic_overrides) c.overridden.insert(name);
  return c;
}

Result<std::vector<DescribedConfig>> describe_topic_config(const ConfigMap& topic_overrides,
                                                           const BrokerLogDefaults& broker) {
  auto resolved = resolve_values(topic_overrides, broker);
  if (!resolved) return resolved.status();
  const ConfigDef& def = log_config_def();
  std::vector<DescribedConfig> out;
  out.reserve(def.keys().size());
  for (std::size_t i = 0; i < def.keys().size(); ++i) {
    const ConfigKey& key = def.keys()[i];
    DescribedConfig entry;
    entry.name = key.name;
    entry.type = key.type;
    entry.sensitive = key.sensitive();
    entry.read_only = false;
    entry.documentation = key.doc;
    if (!entry.sensitive) entry.value = format_value((*resolved)[i], key.type);

    // ConfigHelper.configSynonyms: by layer, then by synonym within a layer.
    const auto synonyms = broker_synonyms(key.name);
    for (int layer = 0; layer < 4 && !synonyms.empty(); ++layer) {
      const ConfigMap& map = layer_map(broker, layer);
      for (const TopicConfigSynonym& synonym : synonyms) {
        const auto it = map.find(synonym.name);
        if (it == map.end()) continue;
        entry.synonyms.push_back({std::string(synonym.name),
                                  entry.sensitive ? std::nullopt : std::optional<std::string>(it->second),
                                  layer_source(layer)});
      }
    }
    if (!synonyms.empty()) {
      const auto first = std::find_if(entry.synonyms.begin(), entry.synonyms.end(),
                                      [&](const ConfigSynonym& s) { return s.name == synonyms.front().name; });
      entry.synonyms.erase(entry.synonyms.begin(), first);
    }
    if (topic_overrides.find(key.name) != topic_overrides.end()) {
      entry.synonyms.insert(entry.synonyms.begin(), {key.name, entry.value, ConfigSource::kDynamicTopicConfig});
    }
    entry.source = entry.synonyms.empty() ? ConfigSource::kDefaultConfig : entry.synonyms.front().source;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace sluice::storage
