#include "server/config/broker_config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using storage::ConfigKey;
using storage::ConfigMap;
using storage::ConfigSource;
using storage::ConfigType;
using storage::ConfigValue;
using storage::Validator;

struct BrokerKeySpec {
  ConfigKey key;
  UpdateMode mode;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view kLongMax = "9223372036854775807";
constexpr std::string_view kIntMax = "2147483647";

// controller.quorum.voters entries: id@host:port.
Validator quorum_voters_validator() {
  return Validator::custom(
      "[id@host:port,...]", [](std::string_view name, const ConfigValue& v) -> std::optional<std::string> {
        for (const std::string& voter : v.list()) {
          const std::size_t at = voter.find('@');
          const std::size_t colon = voter.rfind(':');
          const bool ok = at != std::string::npos && at > 0 && colon != std::string::npos && colon > at + 1 &&
                          colon + 1 < voter.size() &&
                          std::all_of(voter.begin(), voter.begin() + static_cast<long>(at), is_digit) &&
                          std::all_of(voter.begin() + static_cast<long>(colon) + 1, voter.end(), is_digit);
          if (!ok) return storage::invalid_value_message(name, voter, "Expected an entry id@host:port");
        }
        return std::nullopt;
      });
}

// max.connections.per.ip.overrides: host:count pairs, comma-separated.
Validator ip_overrides_validator() {
  return Validator::custom(
      "[host:count,...]", [](std::string_view name, const ConfigValue& v) -> std::optional<std::string> {
        const std::string& text = v.text();
        if (text.empty()) return std::nullopt;
        std::size_t start = 0;
        while (start <= text.size()) {
          const std::size_t comma = std::min(text.find(',', start), text.size());
          const std::string entry(storage::java_trim(std::string_view(text).substr(start, comma - start)));
          const std::size_t colon = entry.rfind(':');
          if (colon == std::string::npos || colon == 0 || colon + 1 == entry.size() ||
              !std::all_of(entry.begin() + static_cast<long>(colon) + 1, entry.end(), is_digit)) {
            return storage::invalid_value_message(name, text, "Expected entries host:count");
          }
          start = comma + 1;
        }
        return std::nullopt;
      });
}

// Kafka 3.9's broker keys Sluice reads, with Kafka's defaults unless noted.
// Update modes follow DynamicBrokerConfig: the primary broker synonym of each
// topic key, the log cleaner, thread pools, connection limits and producer-id
// expiry are dynamic; everything else needs a restart.
std::vector<BrokerKeySpec> broker_keys() {
  using T = ConfigType;
  using V = Validator;
  const auto kHigh = storage::Importance::kHigh;
  const auto kMedium = storage::Importance::kMedium;
  const auto kLow = storage::Importance::kLow;
  const auto RO = UpdateMode::kReadOnly;
  const auto CW = UpdateMode::kClusterWide;
  const std::optional<std::string> kNull;
  const std::string long_max(kLongMax);
  const std::string int_max(kIntMax);
  // {name, type, default, validator, importance, doc}, update mode
  return {
      // Node identity and roles. Sluice: one node, id 0 unless set.
      {{"node.id", T::kInt, "0", V::at_least(0), kHigh, "Id of this node; broker.id is the same setting."}, RO},
      {{"broker.id", T::kInt, "0", V::at_least(0), kHigh, "Old name of node.id; both must agree when both are set."},
       RO},
      {{"process.roles", T::kList, "", V::one_of({"broker", "controller"}), kHigh,
        "KRaft roles of this node; accepted for compatibility."},
       RO},
      {{"controller.quorum.voters", T::kList, "", quorum_voters_validator(), kHigh,
        "KRaft controller voters; accepted for compatibility."},
       RO},
      {{"controller.listener.names", T::kString, kNull, V{}, kHigh,
        "Listeners used by KRaft controllers; accepted for compatibility."},
       RO},
      {{"log.level", T::kString, "info", V::one_of({"trace", "debug", "info", "warn", "error", "critical", "off"}),
        kMedium, "Sluice's log level (spdlog)."},
       CW},

      // Sockets and listeners. Sluice: listeners default to loopback; changing
      // them at runtime is not supported.
      {{"listeners", T::kString, "PLAINTEXT://127.0.0.1:9092", V{}, kHigh,
        "Addresses to listen on, as NAME://host:port, comma-separated; an empty host binds every interface."},
       RO},
      {{"advertised.listeners", T::kString, kNull, V{}, kHigh,
        "Addresses given to clients in metadata; listeners when unset."},
       RO},
      {{"listener.security.protocol.map", T::kString,
        "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT", V{}, kLow,
        "Security protocol of each listener name, as NAME:PROTOCOL pairs."},
       RO},
      {{"inter.broker.listener.name", T::kString, kNull, V{}, kMedium,
        "Listener other brokers connect to; must be an advertised listener."},
       RO},
      {{"socket.send.buffer.bytes", T::kInt, "102400", V{}, kHigh,
        "SO_SNDBUF of client sockets; -1 keeps the OS default."},
       RO},
      {{"socket.receive.buffer.bytes", T::kInt, "102400", V{}, kHigh,
        "SO_RCVBUF of client sockets; -1 keeps the OS default."},
       RO},
      {{"socket.request.max.bytes", T::kInt, "104857600", V::at_least(1), kHigh, "Largest request the broker reads."},
       RO},
      {{"socket.listen.backlog.size", T::kInt, "50", V::at_least(1), kMedium,
        "Listen backlog of each listener socket."},
       RO},
      {{"connections.max.idle.ms", T::kLong, "600000", V{}, kMedium, "Idle time after which a connection is closed."},
       RO},
      {{"max.connections", T::kInt, int_max, V::at_least(0), kMedium, "Most connections the broker accepts in total."},
       CW},
      {{"max.connections.per.ip", T::kInt, int_max, V::at_least(0), kMedium, "Most connections from one address."}, CW},
      {{"max.connections.per.ip.overrides", T::kString, "", ip_overrides_validator(), kMedium,
        "Per-address connection limits overriding max.connections.per.ip."},
       CW},
      {{"queued.max.requests", T::kInt, "500", V::at_least(1), kHigh, "Requests queued before network reads pause."},
       RO},
      {{"num.network.threads", T::kInt, "3", V::at_least(1), kHigh, "Threads serving the network."}, CW},
      {{"num.io.threads", T::kInt, "8", V::at_least(1), kHigh, "Threads processing requests."}, CW},
      {{"background.threads", T::kInt, "10", V::at_least(1), kHigh, "Threads for background jobs."}, CW},

      // Logs: where they live and the broker-wide defaults of topic keys.
      {{"log.dir", T::kString, "./data", V{}, kHigh, "Directory of the logs when log.dirs is unset."}, RO},
      {{"log.dirs", T::kString, kNull, V{}, kHigh, "Comma-separated directories of the logs; overrides log.dir."}, RO},
      {{"num.partitions", T::kInt, "1", V::at_least(1), kMedium, "Partitions of an auto-created topic."}, RO},
      {{"broker.rack", T::kString, kNull, V{}, kMedium, "The rack this broker is in, for rack-aware placement."}, RO},
      {{"default.replication.factor", T::kInt, "1", V{}, kMedium, "Replication factor of an auto-created topic."}, RO},
      {{"auto.create.topics.enable", T::kBoolean, "true", V{}, kHigh,
        "Whether metadata requests for unknown topics create them."},
       RO},
      {{"delete.topic.enable", T::kBoolean, "true", V{}, kHigh, "Whether topics may be deleted."}, RO},
      {{"num.recovery.threads.per.data.dir", T::kInt, "1", V::at_least(1), kHigh,
        "Threads per log directory for recovery at startup and flushing at shutdown."},
       CW},
      {{"message.max.bytes", T::kInt, "1048588", V::at_least(0), kHigh,
        "Largest record batch accepted; default of max.message.bytes."},
       CW},
      {{"log.segment.bytes", T::kInt, "1073741824", V::at_least(14), kHigh, "Default of segment.bytes."}, CW},
      {{"log.roll.ms", T::kLong, kNull, V{}, kHigh, "Default of segment.ms; log.roll.hours when unset."}, CW},
      {{"log.roll.hours", T::kInt, "168", V::at_least(1), kHigh, "Default of segment.ms in hours, below log.roll.ms."},
       RO},
      {{"log.roll.jitter.ms", T::kLong, kNull, V{}, kHigh,
        "Default of segment.jitter.ms; log.roll.jitter.hours when unset."},
       CW},
      {{"log.roll.jitter.hours", T::kInt, "0", V::at_least(0), kHigh,
        "Default of segment.jitter.ms in hours, below log.roll.jitter.ms."},
       RO},
      {{"log.retention.ms", T::kLong, kNull, V{}, kHigh,
        "Default of retention.ms; log.retention.minutes, then hours, when unset. Negative is unlimited."},
       CW},
      {{"log.retention.minutes", T::kInt, kNull, V{}, kHigh,
        "Default of retention.ms in minutes, below log.retention.ms."},
       RO},
      {{"log.retention.hours", T::kInt, "168", V{}, kHigh, "Default of retention.ms in hours, the last fallback."}, RO},
      {{"log.retention.bytes", T::kLong, "-1", V{}, kHigh, "Default of retention.bytes."}, CW},
      {{"log.retention.check.interval.ms", T::kLong, "300000", V::at_least(1), kMedium,
        "How often retention is enforced."},
       RO},
      {{"log.cleanup.policy", T::kList, "delete", V::one_of({"compact", "delete"}), kMedium,
        "Default of cleanup.policy."},
       CW},
      {{"log.cleaner.enable", T::kBoolean, "true", V{}, kMedium, "Whether the compaction thread runs."}, RO},
      {{"log.cleaner.threads", T::kInt, "1", V::at_least(0), kMedium, "Threads compacting logs."}, CW},
      {{"log.cleaner.io.max.bytes.per.second", T::kDouble, "1.7976931348623157E308", V{}, kMedium,
        "Read plus write rate limit of the compaction threads."},
       CW},
      {{"log.cleaner.dedupe.buffer.size", T::kLong, "134217728", V{}, kMedium,
        "Memory for the key map of all compaction threads."},
       CW},
      {{"log.cleaner.io.buffer.size", T::kInt, "524288", V::at_least(0), kMedium, "I/O buffer memory of compaction."},
       CW},
      {{"log.cleaner.io.buffer.load.factor", T::kDouble, "0.9", V{}, kMedium, "Load factor of the compaction key map."},
       CW},
      {{"log.cleaner.backoff.ms", T::kLong, "15000", V::at_least(0), kMedium,
        "Sleep of the compaction threads when nothing is dirty."},
       CW},
      {{"log.cleaner.min.cleanable.ratio", T::kDouble, "0.5", V::between(0, 1), kMedium,
        "Default of min.cleanable.dirty.ratio."},
       CW},
      {{"log.cleaner.delete.retention.ms", T::kLong, "86400000", V::at_least(0), kMedium,
        "Default of delete.retention.ms."},
       CW},
      {{"log.cleaner.min.compaction.lag.ms", T::kLong, "0", V::at_least(0), kMedium,
        "Default of min.compaction.lag.ms."},
       CW},
      {{"log.cleaner.max.compaction.lag.ms", T::kLong, long_max, V::at_least(1), kMedium,
        "Default of max.compaction.lag.ms."},
       CW},
      {{"log.index.size.max.bytes", T::kInt, "10485760", V::at_least(4), kMedium, "Default of segment.index.bytes."},
       CW},
      {{"log.index.interval.bytes", T::kInt, "4096", V::at_least(0), kMedium, "Default of index.interval.bytes."}, CW},
      {{"log.flush.interval.messages", T::kLong, long_max, V::at_least(1), kHigh, "Default of flush.messages."}, CW},
      {{"log.flush.interval.ms", T::kLong, kNull, V{}, kHigh,
        "Default of flush.ms; log.flush.scheduler.interval.ms when unset."},
       CW},
      {{"log.flush.scheduler.interval.ms", T::kLong, long_max, V{}, kHigh,
        "How often logs are checked for a time-based flush."},
       RO},
      {{"log.flush.offset.checkpoint.interval.ms", T::kInt, "60000", V::at_least(0), kHigh,
        "How often the recovery-point checkpoint is written."},
       RO},
      {{"log.flush.start.offset.checkpoint.interval.ms", T::kInt, "60000", V::at_least(0), kHigh,
        "How often the log-start-offset checkpoint is written."},
       RO},
      {{"log.segment.delete.delay.ms", T::kLong, "60000", V::at_least(0), kHigh, "Default of file.delete.delay.ms."},
       CW},
      {{"log.preallocate", T::kBoolean, "false", V{}, kMedium, "Default of preallocate."}, CW},
      // Kafka keeps message.format.version out of its dynamic set.
      {{"log.message.format.version", T::kString, "3.0-IV1", storage::log_validators::message_format_version(), kMedium,
        "Default of message.format.version (deprecated)."},
       RO},
      {{"log.message.timestamp.type", T::kString, "CreateTime", V::one_of({"CreateTime", "LogAppendTime"}), kMedium,
        "Default of message.timestamp.type."},
       CW},
      {{"log.message.timestamp.difference.max.ms", T::kLong, long_max, V::at_least(0), kMedium,
        "Default of message.timestamp.difference.max.ms (deprecated)."},
       CW},
      {{"log.message.timestamp.before.max.ms", T::kLong, long_max, V::at_least(0), kMedium,
        "Default of message.timestamp.before.max.ms."},
       CW},
      {{"log.message.timestamp.after.max.ms", T::kLong, long_max, V::at_least(0), kMedium,
        "Default of message.timestamp.after.max.ms."},
       CW},
      {{"log.message.downconversion.enable", T::kBoolean, "true", V{}, kLow,
        "Default of message.downconversion.enable."},
       CW},
      {{"log.local.retention.ms", T::kLong, "-2", V::at_least(-2), kMedium, "Default of local.retention.ms."}, CW},
      {{"log.local.retention.bytes", T::kLong, "-2", V::at_least(-2), kMedium, "Default of local.retention.bytes."},
       CW},
      {{"min.insync.replicas", T::kInt, "1", V::at_least(1), kHigh, "Default of min.insync.replicas."}, CW},
      {{"unclean.leader.election.enable", T::kBoolean, "false", V{}, kHigh,
        "Default of unclean.leader.election.enable."},
       CW},
      {{"compression.type", T::kString, "producer",
        V::one_of({"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}), kHigh,
        "Default of compression.type."},
       CW},
      {{"compression.gzip.level", T::kInt, "-1", storage::log_validators::gzip_level(), kMedium,
        "Default of compression.gzip.level."},
       CW},
      {{"compression.lz4.level", T::kInt, "9", V::between(1, 17), kMedium, "Default of compression.lz4.level."}, CW},
      {{"compression.zstd.level", T::kInt, "3", V::between(-131072, 22), kMedium, "Default of compression.zstd.level."},
       CW},

      // Group coordinator and committed offsets.
      {{"offsets.topic.num.partitions", T::kInt, "50", V::at_least(1), kHigh, "Partitions of __consumer_offsets."}, RO},
      {{"offsets.topic.replication.factor", T::kShort, "3", V::at_least(1), kHigh,
        "Replication factor of __consumer_offsets."},
       RO},
      {{"offsets.topic.segment.bytes", T::kInt, "104857600", V::at_least(1), kHigh,
        "Segment size of __consumer_offsets."},
       RO},
      {{"offsets.retention.minutes", T::kInt, "10080", V::at_least(1), kHigh,
        "How long committed offsets of an empty group are kept."},
       RO},
      {{"offsets.retention.check.interval.ms", T::kLong, "600000", V::at_least(1), kHigh,
        "How often expired offsets are removed."},
       RO},
      {{"offsets.commit.timeout.ms", T::kInt, "5000", V::at_least(1), kHigh,
        "How long an offset commit may wait to be written."},
       RO},
      {{"offsets.load.buffer.size", T::kInt, "5242880", V::at_least(1), kHigh,
        "Read size when loading offsets into the cache."},
       RO},
      {{"offset.metadata.max.bytes", T::kInt, "4096", V{}, kHigh, "Largest metadata string of a committed offset."},
       RO},
      {{"group.initial.rebalance.delay.ms", T::kInt, "3000", V{}, kMedium,
        "Wait for more members before a new group's first rebalance."},
       RO},
      {{"group.min.session.timeout.ms", T::kInt, "6000", V{}, kMedium,
        "Smallest session timeout a member may ask for."},
       RO},
      {{"group.max.session.timeout.ms", T::kInt, "1800000", V{}, kMedium,
        "Largest session timeout a member may ask for."},
       RO},
      {{"group.max.size", T::kInt, int_max, V::at_least(1), kMedium, "Most members of one group."}, RO},

      // Transactions and producer ids.
      {{"transaction.state.log.num.partitions", T::kInt, "50", V::at_least(1), kHigh,
        "Partitions of __transaction_state."},
       RO},
      {{"transaction.state.log.replication.factor", T::kShort, "3", V::at_least(1), kHigh,
        "Replication factor of __transaction_state."},
       RO},
      {{"transaction.state.log.segment.bytes", T::kInt, "104857600", V::at_least(1), kHigh,
        "Segment size of __transaction_state."},
       RO},
      {{"transaction.state.log.min.isr", T::kInt, "2", V::at_least(1), kHigh,
        "min.insync.replicas of __transaction_state."},
       RO},
      {{"transaction.state.log.load.buffer.size", T::kInt, "5242880", V::at_least(1), kHigh,
        "Read size when loading transaction state."},
       RO},
      {{"transaction.max.timeout.ms", T::kInt, "900000", V::at_least(1), kHigh,
        "Largest transaction timeout a producer may ask for."},
       RO},
      {{"transactional.id.expiration.ms", T::kInt, "604800000", V::at_least(1), kHigh,
        "Idle time after which a transactional id is forgotten."},
       RO},
      {{"transaction.abort.timed.out.transaction.cleanup.interval.ms", T::kInt, "10000", V::at_least(1), kLow,
        "How often timed-out transactions are aborted."},
       RO},
      {{"transaction.remove.expired.transaction.cleanup.interval.ms", T::kInt, "3600000", V::at_least(1), kLow,
        "How often expired transactional ids are removed."},
       RO},
      {{"transaction.partition.verification.enable", T::kBoolean, "true", V{}, kLow,
        "Whether transactional writes must target partitions already added to the transaction."},
       CW},
      {{"producer.id.expiration.ms", T::kInt, "86400000", V::at_least(1), kLow,
        "Idle time after which a producer id's state is dropped."},
       CW},
      {{"producer.id.expiration.check.interval.ms", T::kInt, "600000", V::at_least(1), kLow,
        "How often expired producer ids are removed."},
       RO},

      // Fetch.
      {{"fetch.max.bytes", T::kInt, "57671680", V::at_least(1024), kMedium,
        "Largest fetch response the broker builds."},
       RO},
      {{"max.incremental.fetch.session.cache.slots", T::kInt, "1000", V::at_least(0), kMedium,
        "Incremental fetch sessions the broker keeps."},
       RO},
  };
}

struct BrokerTable {
  storage::ConfigDef def;
  std::vector<UpdateMode> modes;  // by key index in def
};

const BrokerTable& table() {
  static const BrokerTable t = [] {
    std::vector<BrokerKeySpec> specs = broker_keys();
    std::vector<ConfigKey> keys;
    std::vector<UpdateMode> modes;
    for (auto& spec : specs) {
      keys.push_back(std::move(spec.key));
      modes.push_back(spec.mode);
    }
    return BrokerTable{storage::ConfigDef(std::move(keys)), std::move(modes)};
  }();
  return t;
}

std::size_t index_of(const ConfigKey& key) { return static_cast<std::size_t>(&key - table().def.keys().data()); }

[[noreturn]] void misuse(std::string_view what, std::string_view key) {
  std::fprintf(stderr, "sluice: BrokerConfig misuse: %.*s '%.*s'\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(key.size()), key.data());
  std::abort();
}

// Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the keys that set the
// same value, in precedence order.
std::vector<std::string_view> broker_config_synonyms(std::string_view name) {
  if (name == "log.roll.ms" || name == "log.roll.hours") return {"log.roll.ms", "log.roll.hours"};
  if (name == "log.roll.jitter.ms" || name == "log.roll.jitter.hours") {
    return {"log.roll.jitter.ms", "log.roll.jitter.hours"};
  }
  if (name == "log.flush.interval.ms") return {"log.flush.interval.ms", "log.flush.scheduler.interval.ms"};
  if (name == "log.retention.ms" || name == "log.retention.minutes" || name == "log.retention.hours") {
    return {"log.retention.ms", "log.retention.minutes", "log.retention.hours"};
  }
  return {name};
}

// ConfigHelper.configSynonyms: by layer, then by synonym; entries before the
// first one named `name` are dropped.
std::vector<storage::ConfigSynonym> config_synonyms(const storage::BrokerLogDefaults& layers, std::string_view name,
                                                    bool sensitive) {
  const ConfigMap* maps[] = {&layers.dynamic_broker, &layers.dynamic_default, &layers.static_broker, &layers.defaults};
  const ConfigSource sources[] = {ConfigSource::kDynamicBrokerConfig, ConfigSource::kDynamicDefaultBrokerConfig,
                                  ConfigSource::kStaticBrokerConfig, ConfigSource::kDefaultConfig};
  std::vector<storage::ConfigSynonym> out;
  const auto names = broker_config_synonyms(name);
  for (int layer = 0; layer < 4; ++layer) {
    for (std::string_view n : names) {
      const auto it = maps[layer]->find(n);
      if (it == maps[layer]->end()) continue;
      out.push_back(
          {std::string(n), sensitive ? std::nullopt : std::optional<std::string>(it->second), sources[layer]});
    }
  }
  const auto first =
      std::find_if(out.begin(), out.end(), [&](const storage::ConfigSynonym& s) { return s.name == name; });
  out.erase(out.begin(), first);
  return out;
}

Status invalid(std::string detail) { return Status{ErrorCode::INVALID_CONFIG, std::move(detail)}; }

// Scala's Set(a, b) rendering, which Kafka's dynamic-config errors print.
std::string scala_set(const std::vector<std::string>& names) {
  std::string out = "Set(";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out + ")";
}

// Kafka's CoreUtils.parseCsvList: split on commas, trim, drop empties.
std::vector<std::string> csv_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = storage::java_trim(text.substr(start, comma - start));
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// listener.security.protocol.map: NAME:PROTOCOL pairs.
Result<ConfigMap> parse_protocol_map(std::string_view text) {
  constexpr std::string_view kProtocols[] = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};
  ConfigMap out;
  for (const std::string& entry : csv_list(text)) {
    const std::size_t colon = entry.find(':');
    const std::string protocol = colon == std::string::npos ? "" : upper(storage::java_trim(entry.substr(colon + 1)));
    if (colon == std::string::npos || colon == 0 ||
        std::find(std::begin(kProtocols), std::end(kProtocols), protocol) == std::end(kProtocols)) {
      return invalid(storage::invalid_value_message("listener.security.protocol.map", text,
                                                    "Expected NAME:PROTOCOL pairs with a protocol among PLAINTEXT, "
                                                    "SSL, SASL_PLAINTEXT, SASL_SSL; got '" +
                                                        entry + "'"));
    }
    out[upper(storage::java_trim(entry.substr(0, colon)))] = protocol;
  }
  return out;
}

// Kafka's endpoint syntax: NAME://host:port, the host optionally in [ ] for
// IPv6 and made of [0-9a-zA-Z-%._:].
Result<std::vector<Listener>> parse_listeners(std::string_view key, std::string_view text, const ConfigMap& protocols) {
  std::vector<Listener> out;
  for (const std::string& entry : csv_list(text)) {
    auto bad = [&](std::string detail) { return invalid(storage::invalid_value_message(key, text, detail)); };
    const std::size_t scheme = entry.find("://");
    const std::size_t colon = entry.rfind(':');
    if (scheme == std::string::npos || scheme == 0 || colon == std::string::npos || colon < scheme + 3) {
      return bad("Unable to parse " + entry + " to a broker endpoint");
    }
    std::string_view host = std::string_view(entry).substr(scheme + 3, colon - scheme - 3);
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    const bool host_ok = std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '%' ||
             c == '.' || c == '_' || c == ':';
    });
    const std::string_view port_text = std::string_view(entry).substr(colon + 1);
    std::int64_t port = -1;
    if (!port_text.empty() && port_text.size() <= 5 && std::all_of(port_text.begin(), port_text.end(), is_digit)) {
      port = std::stol(std::string(port_text));
    }
    if (!host_ok || port < 0 || port > 65535) return bad("Unable to parse " + entry + " to a broker endpoint");
    Listener l;
    l.name = upper(entry.substr(0, scheme));
    l.host = std::string(host);
    l.port = static_cast<std::uint16_t>(port);
    const auto protocol = protocols.find(l.name);
    if (protocol == protocols.end()) return bad("No security protocol defined for listener " + l.name);
    l.security_protocol = protocol->second;
    for (const Listener& other : out) {
      if (other.name == l.name) return bad("Each listener must have a different name");
      if (other.port == l.port && other.host == l.host && l.port != 0) {
        return bad("Each listener must have a different host and port");
      }
    }
    out.push_back(std::move(l));
  }
  return out;
}

// Java's LineReader whitespace.
bool is_properties_space(char c) { return c == ' ' || c == '\t' || c == '\f'; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Java's Properties.loadConvert: resolves backslash escapes.
Result<std::string> unescape_properties(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::uint32_t high_surrogate = 0;  // a pending UTF-16 high surrogate, 0 when none
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 == s.size()) {
      out += c;
      continue;
    }
    c = s[++i];
    if (c != 'u') {
      switch (c) {
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'n':
          out += '\n';
          break;
        case 'f':
          out += '\f';
          break;
        default:
          out += c;
      }
      continue;
    }
    if (i + 4 >= s.size()) return invalid("Malformed \\uxxxx encoding.");
    std::uint32_t unit = 0;
    for (std::size_t k = 1; k <= 4; ++k) {
      const char h = s[i + k];
      unit <<= 4;
      if (h >= '0' && h <= '9') {
        unit |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        unit |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        unit |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return invalid("Malformed \\uxxxx encoding.");
      }
    }
    i += 4;
    // Java strings are UTF-16: a surrogate pair written as two escapes is one character.
    if (unit >= 0xD800 && unit <= 0xDBFF && s.substr(i + 1, 2) == "\\u") {
      high_surrogate = unit;
      continue;
    }
    if (high_surrogate != 0 && unit >= 0xDC00 && unit <= 0xDFFF) {
      append_utf8(out, 0x10000 + ((high_surrogate - 0xD800) << 10) + (unit - 0xDC00));
    } else {
      if (high_surrogate != 0) append_utf8(out, high_surrogate);
      append_utf8(out, unit);
    }
    high_surrogate = 0;
  }
  return out;
}

}  // namespace

const storage::ConfigDef& broker_config_def() { return table().def; }

UpdateMode broker_update_mode(std::string_view key) {
  const ConfigKey* k = table().def.find(key);
  return k == nullptr ? UpdateMode::kReadOnly : table().modes[index_of(*k)];
}

Result<std::vector<std::pair<std::string, std::string>>> parse_java_properties(std::string_view text) {
  // Natural lines, ended by \n, \r or \r\n.
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));

  auto strip_leading = [](std::string_view s) {
    while (!s.empty() && is_properties_space(s.front())) s.remove_prefix(1);
    return s;
  };
  auto ends_in_continuation = [](std::string_view s) {
    std::size_t backslashes = 0;
    while (backslashes < s.size() && s[s.size() - 1 - backslashes] == '\\') ++backslashes;
    return backslashes % 2 == 1;
  };

  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = strip_leading(lines[i]);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    std::string logical;
    while (ends_in_continuation(line)) {
      logical.append(line.substr(0, line.size() - 1));
      if (++i == lines.size()) {
        line = {};
        break;
      }
      line = strip_leading(lines[i]);
    }
    logical.append(line);

    // Properties.load0: the key ends at the first unescaped =, : or
    // whitespace; whitespace and at most one = or : separate it from the value.
    std::size_t key_len = 0;
    std::size_t value_start = logical.size();
    bool has_separator = false;
    bool preceding_backslash = false;
    while (key_len < logical.size()) {
      const char c = logical[key_len];
      if ((c == '=' || c == ':') && !preceding_backslash) {
        value_start = key_len + 1;
        has_separator = true;
        break;
      }
      if (is_properties_space(c) && !preceding_backslash) {
        value_start = key_len + 1;
        break;
      }
      preceding_backslash = c == '\\' ? !preceding_backslash : false;
      ++key_len;
    }
    while (value_start < logical.size()) {
      const char c = logical[value_start];
      if (!is_properties_space(c)) {
        if (has_separator || (c != '=' && c != ':')) break;
        has_separator = true;
      }
      ++value_start;
    }
    auto key = unescape_properties(std::string_view(logical).substr(0, key_len));
    if (!key) return key.status();
    auto value = unescape_properties(std::string_view(logical).substr(value_start));
    if (!value) return value.status();
    out.emplace_back(std::move(key).value(), std::move(value).value());
  }
  return out;
}

// The parsed value of every broker key under one set of layers.
struct BrokerConfig::Snapshot {
  storage::BrokerLogDefaults layers;
  std::vector<ConfigValue> effective;  // by key index in broker_config_def()

  const ConfigValue& get(std::string_view key) const { return effective[index_of(*table().def.find(key))]; }

  std::int64_t retention_ms() const {
    std::int64_t ms = 0;
    if (!get("log.retention.ms").is_null()) {
      ms = get("log.retention.ms").integer();
    } else if (!get("log.retention.minutes").is_null()) {
      ms = get("log.retention.minutes").integer() * 60'000;
    } else {
      ms = get("log.retention.hours").integer() * 3'600'000;
    }
    return ms < 0 ? -1 : ms;
  }
  std::int64_t roll_ms() const {
    const ConfigValue& ms = get("log.roll.ms");
    return ms.is_null() ? get("log.roll.hours").integer() * 3'600'000 : ms.integer();
  }
  std::int64_t roll_jitter_ms() const {
    const ConfigValue& ms = get("log.roll.jitter.ms");
    return ms.is_null() ? get("log.roll.jitter.hours").integer() * 3'600'000 : ms.integer();
  }
  std::int64_t flush_interval_ms() const {
    const ConfigValue& ms = get("log.flush.interval.ms");
    return ms.is_null() ? get("log.flush.scheduler.interval.ms").integer() : ms.integer();
  }

  static std::shared_ptr<const Snapshot> make(storage::BrokerLogDefaults layers) {
    auto snap = std::make_shared<Snapshot>();
    const storage::ConfigDef& def = table().def;
    snap->effective.reserve(def.keys().size());
    for (const ConfigKey& key : def.keys()) {
      std::optional<std::string_view> raw;
      for (const ConfigMap* map : {&layers.dynamic_broker, &layers.dynamic_default, &layers.static_broker}) {
        if (const auto it = map->find(key.name); it != map->end()) {
          raw = it->second;
          break;
        }
      }
      if (!raw) {
        snap->effective.push_back(def.default_of(key));
        continue;
      }
      auto parsed = storage::parse_value(key, *raw);
      if (!parsed) misuse("unvalidated value stored for", key.name);
      snap->effective.push_back(std::move(parsed).value());
    }
    snap->layers = std::move(layers);
    return snap;
  }

  // KafkaConfig's checks that span keys and may change with dynamic updates.
  Status check() const {
    if (roll_ms() < 1) return invalid("log.roll.ms must be greater than or equal to 1");
    if (roll_jitter_ms() < 0) return invalid("log.roll.jitter.ms must be greater than or equal to 0");
    const std::int64_t retention = retention_ms();
    if (retention < 1 && retention != -1) {
      return invalid("log.retention.ms must be unlimited (-1) or, greater than or equal to 1");
    }
    const std::int64_t threads = get("log.cleaner.threads").integer();
    if (threads > 0 && get("log.cleaner.dedupe.buffer.size").integer() / threads <= 1024 * 1024) {
      return invalid("log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.");
    }
    return Status::Ok();
  }
};

struct BrokerConfig::Impl {
  ConfigMap static_values;
  std::int32_t node_id = 0;
  std::vector<Listener> listeners;
  std::vector<Listener> advertised_listeners;
  std::vector<std::filesystem::path> log_dirs;

  std::mutex write_mu;  // serialises alter()
  mutable std::mutex read_mu;
  std::shared_ptr<const Snapshot> current;
};

BrokerConfig::BrokerConfig(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BrokerConfig::BrokerConfig(BrokerConfig&&) noexcept = default;
BrokerConfig& BrokerConfig::operator=(BrokerConfig&&) noexcept = default;
BrokerConfig::~BrokerConfig() = default;

Result<BrokerConfig> BrokerConfig::load(std::optional<std::filesystem::path> properties_file,
                                        const std::vector<std::pair<std::string, std::string>>& overrides,
                                        std::vector<std::string>& warnings) {
  std::vector<std::pair<std::string, std::string>> props;
  if (properties_file) {
    std::ifstream in(*properties_file, std::ios::binary);
    if (!in) return invalid("Cannot read " + properties_file->string() + ": " + std::strerror(errno));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = parse_java_properties(text);
    if (!parsed) return invalid(properties_file->string() + ": " + parsed.status().detail);
    props = std::move(parsed).value();
  }
  props.insert(props.end(), overrides.begin(), overrides.end());

  const storage::ConfigDef& def = table().def;
  ConfigMap originals;
  for (auto& [key, value] : props) originals[key] = value;

  auto impl = std::make_unique<Impl>();
  for (const auto& [key, value] : originals) {
    const ConfigKey* k = def.find(key);
    if (k == nullptr) {
      warnings.push_back("Unknown configuration '" + key + "' is ignored");
      continue;
    }
    auto parsed = storage::parse_value(*k, value);
    if (!parsed) return parsed.status();
    impl->static_values[key] = value;
  }
  // KafkaConfig.populateSynonyms: node.id and broker.id stand in for each other.
  ConfigMap& statics = impl->static_values;
  const bool has_node = statics.contains("node.id");
  const bool has_broker = statics.contains("broker.id");
  if (has_node && !has_broker) statics["broker.id"] = statics["node.id"];
  if (has_broker && !has_node) statics["node.id"] = statics["broker.id"];

  storage::BrokerLogDefaults layers;
  layers.static_broker = statics;
  for (const ConfigKey& key : def.keys()) {
    if (auto text = storage::format_value(def.default_of(key), key.type)) layers.defaults[key.name] = *text;
  }
  auto snap = Snapshot::make(std::move(layers));
  if (auto status = snap->check(); !status.ok()) return status;

  const std::int64_t node_id = snap->get("node.id").integer();
  const std::int64_t broker_id = snap->get("broker.id").integer();
  if (node_id != broker_id) {
    return invalid("broker.id (" + std::to_string(broker_id) + ") and node.id (" + std::to_string(node_id) +
                   ") must be equal when both are set");
  }
  impl->node_id = static_cast<std::int32_t>(node_id);

  auto protocols = parse_protocol_map(snap->get("listener.security.protocol.map").text());
  if (!protocols) return protocols.status();
  const std::string& listeners_text = snap->get("listeners").text();
  auto listeners = parse_listeners("listeners", listeners_text, *protocols);
  if (!listeners) return listeners.status();
  if (listeners->empty()) {
    return invalid(storage::invalid_value_message("listeners", listeners_text, "At least one listener is needed"));
  }
  impl->listeners = std::move(listeners).value();

  const ConfigValue& advertised_value = snap->get("advertised.listeners");
  if (advertised_value.is_null() || storage::java_trim(advertised_value.text()).empty()) {
    impl->advertised_listeners = impl->listeners;
  } else {
    auto advertised = parse_listeners("advertised.listeners", advertised_value.text(), *protocols);
    if (!advertised) return advertised.status();
    for (const Listener& a : *advertised) {
      const bool known = std::any_of(impl->listeners.begin(), impl->listeners.end(),
                                     [&](const Listener& l) { return l.name == a.name; });
      if (!known) {
        return invalid(storage::invalid_value_message("advertised.listeners", advertised_value.text(),
                                                      "Listener " + a.name + " is not one of listeners"));
      }
    }
    impl->advertised_listeners = std::move(advertised).value();
  }
  for (const Listener& a : impl->advertised_listeners) {
    if (a.host == "0.0.0.0") {
      return invalid("advertised.listeners may not use the meta-address 0.0.0.0 (listener " + a.name +
                     "); set advertised.listeners to a routable address");
    }
  }
  const ConfigValue& inter_broker = snap->get("inter.broker.listener.name");
  if (!inter_broker.is_null()) {
    const std::string name = upper(inter_broker.text());
    const bool known = std::any_of(impl->advertised_listeners.begin(), impl->advertised_listeners.end(),
                                   [&](const Listener& l) { return l.name == name; });
    if (!known) {
      return invalid(storage::invalid_value_message("inter.broker.listener.name", inter_broker.text(),
                                                    "Must be the name of an advertised listener"));
    }
  }

  const ConfigValue& dirs_value = snap->get("log.dirs");
  const std::string& dirs_text = dirs_value.is_null() ? snap->get("log.dir").text() : dirs_value.text();
  for (const std::string& dir : csv_list(dirs_text)) {
    if (std::find(impl->log_dirs.begin(), impl->log_dirs.end(), dir) != impl->log_dirs.end()) {
      return invalid("Duplicate log directory found: " + dir);
    }
    impl->log_dirs.emplace_back(dir);
  }
  if (impl->log_dirs.empty()) return invalid("At least one log directory must be defined via log.dirs or log.dir.");

  impl->current = std::move(snap);
  return BrokerConfig(std::move(impl));
}

std::shared_ptr<const BrokerConfig::Snapshot> BrokerConfig::snapshot() const {
  std::lock_guard lock(impl_->read_mu);
  return impl_->current;
}

std::size_t BrokerConfig::key_index(std::string_view key, std::initializer_list<ConfigType> types) {
  const ConfigKey* k = table().def.find(key);
  if (k == nullptr) misuse("unknown key", key);
  if (std::find(types.begin(), types.end(), k->type) == types.end()) misuse("wrong type for key", key);
  return index_of(*k);
}

std::int32_t BrokerConfig::node_id() const { return impl_->node_id; }
const std::vector<Listener>& BrokerConfig::listeners() const { return impl_->listeners; }
const std::vector<Listener>& BrokerConfig::advertised_listeners() const { return impl_->advertised_listeners; }
const std::vector<std::filesystem::path>& BrokerConfig::log_dirs() const { return impl_->log_dirs; }
const ConfigMap& BrokerConfig::static_values() const { return impl_->static_values; }

std::optional<std::int64_t> BrokerConfig::optional_int64(std::string_view key) const {
  const std::size_t i = key_index(key, {ConfigType::kInt, ConfigType::kShort, ConfigType::kLong});
  const ConfigValue& v = snapshot()->effective[i];
  return v.is_null() ? std::nullopt : std::optional<std::int64_t>(v.integer());
}

std::int64_t BrokerConfig::int64(std::string_view key) const {
  const auto v = optional_int64(key);
  if (!v) misuse("null value of", key);
  return *v;
}

bool BrokerConfig::boolean(std::string_view key) const {
  const std::size_t i = key_index(key, {ConfigType::kBoolean});
  const ConfigValue& v = snapshot()->effective[i];
  if (v.is_null()) misuse("null value of", key);
  return v.boolean();
}

double BrokerConfig::number(std::string_view key) const {
  const std::size_t i = key_index(key, {ConfigType::kDouble});
  const ConfigValue& v = snapshot()->effective[i];
  if (v.is_null()) misuse("null value of", key);
  return v.number();
}

std::optional<std::string> BrokerConfig::string(std::string_view key) const {
  const std::size_t i = key_index(key, {ConfigType::kString, ConfigType::kClass, ConfigType::kPassword});
  const ConfigValue& v = snapshot()->effective[i];
  return v.is_null() ? std::nullopt : std::optional<std::string>(v.text());
}

std::vector<std::string> BrokerConfig::list(std::string_view key) const {
  const std::size_t i = key_index(key, {ConfigType::kList});
  const ConfigValue& v = snapshot()->effective[i];
  return v.is_null() ? std::vector<std::string>{} : v.list();
}

std::optional<std::string> BrokerConfig::value_text(std::string_view key) const {
  const ConfigKey* k = table().def.find(key);
  if (k == nullptr) misuse("unknown key", key);
  return storage::format_value(snapshot()->effective[index_of(*k)], k->type);
}

std::int64_t BrokerConfig::log_retention_ms() const { return snapshot()->retention_ms(); }
std::int64_t BrokerConfig::log_roll_ms() const { return snapshot()->roll_ms(); }
std::int64_t BrokerConfig::log_roll_jitter_ms() const { return snapshot()->roll_jitter_ms(); }
std::int64_t BrokerConfig::log_flush_interval_ms() const { return snapshot()->flush_interval_ms(); }
std::string BrokerConfig::log_level() const { return *string("log.level"); }

std::shared_ptr<const storage::BrokerLogDefaults> BrokerConfig::broker_log_defaults() const {
  auto snap = snapshot();
  return std::shared_ptr<const storage::BrokerLogDefaults>(snap, &snap->layers);
}

ConfigMap BrokerConfig::dynamic_values(DynamicLevel level) const {
  auto snap = snapshot();
  return level == DynamicLevel::kBroker ? snap->layers.dynamic_broker : snap->layers.dynamic_default;
}

Status BrokerConfig::validate_dynamic(DynamicLevel level, const storage::ConfigMap& configs) const {
  std::vector<DynamicChange> changes;
  for (const auto& [key, value] : dynamic_values(level)) {
    if (!configs.contains(key)) changes.push_back({key, std::nullopt});
  }
  for (const auto& [key, value] : configs) changes.push_back({key, value});
  // alter() with validate_only changes nothing; it is non-const for its lock.
  return const_cast<BrokerConfig*>(this)->alter(level, changes, true);
}

Status BrokerConfig::alter(DynamicLevel level, std::span<const DynamicChange> changes, bool validate_only) {
  std::lock_guard write_lock(impl_->write_mu);
  const storage::ConfigDef& def = table().def;
  std::vector<std::string> unknown;
  std::vector<std::string> read_only;
  std::vector<std::string> per_broker;
  for (const DynamicChange& change : changes) {
    const ConfigKey* key = def.find(change.key);
    if (key == nullptr) {
      unknown.push_back(change.key);
      continue;
    }
    if (!change.value) continue;
    const UpdateMode mode = table().modes[index_of(*key)];
    if (mode == UpdateMode::kReadOnly) read_only.push_back(change.key);
    if (mode == UpdateMode::kPerBroker && level == DynamicLevel::kClusterDefault) per_broker.push_back(change.key);
  }
  if (!unknown.empty()) return invalid("Unknown broker configs: " + scala_set(unknown));
  if (!read_only.empty()) return invalid("Cannot update these configs dynamically: " + scala_set(read_only));
  if (!per_broker.empty()) {
    return invalid("Cannot update these configs at default cluster level, broker id must be specified: " +
                   scala_set(per_broker));
  }

  storage::BrokerLogDefaults layers = snapshot()->layers;
  ConfigMap& target = level == DynamicLevel::kBroker ? layers.dynamic_broker : layers.dynamic_default;
  for (const DynamicChange& change : changes) {
    if (!change.value) {
      target.erase(change.key);
      continue;
    }
    auto parsed = storage::parse_value(*def.find(change.key), *change.value);
    if (!parsed) return parsed.status();
    target[change.key] = *change.value;
  }
  auto next = Snapshot::make(std::move(layers));
  if (auto status = next->check(); !status.ok()) return status;
  if (!validate_only) {
    std::lock_guard read_lock(impl_->read_mu);
    impl_->current = std::move(next);
  }
  return Status::Ok();
}

Status BrokerConfig::set_dynamic(DynamicLevel level, std::string_view key, std::string_view value) {
  const DynamicChange change{std::string(key), std::string(value)};
  return alter(level, std::span(&change, 1));
}

Status BrokerConfig::delete_dynamic(DynamicLevel level, std::string_view key) {
  const DynamicChange change{std::string(key), std::nullopt};
  return alter(level, std::span(&change, 1));
}

std::vector<storage::DescribedConfig> BrokerConfig::describe(DynamicLevel level) const {
  auto snap = snapshot();
  const storage::ConfigDef& def = table().def;
  std::vector<storage::DescribedConfig> out;
  auto describe_key = [&](const ConfigKey& key, std::optional<std::string> value, bool cluster_only) {
    storage::DescribedConfig entry;
    entry.name = key.name;
    entry.type = key.type;
    entry.sensitive = key.sensitive();
    entry.read_only = table().modes[index_of(key)] == UpdateMode::kReadOnly;
    entry.documentation = key.doc;
    if (!entry.sensitive) entry.value = std::move(value);
    entry.synonyms = config_synonyms(snap->layers, key.name, entry.sensitive);
    if (cluster_only) {
      std::erase_if(entry.synonyms, [](const storage::ConfigSynonym& s) {
        return s.source != ConfigSource::kDynamicDefaultBrokerConfig;
      });
    }
    entry.source = entry.synonyms.empty() ? ConfigSource::kDefaultConfig : entry.synonyms.front().source;
    out.push_back(std::move(entry));
  };
  if (level == DynamicLevel::kClusterDefault) {
    for (const auto& [name, value] : snap->layers.dynamic_default) describe_key(*def.find(name), value, true);
    return out;
  }
  for (const ConfigKey& key : def.keys()) {
    describe_key(key, storage::format_value(snap->effective[index_of(key)], key.type), false);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace sluice::server
