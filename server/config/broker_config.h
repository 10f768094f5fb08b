// The broker's configuration: Kafka 3.9's broker keys (names, types, defaults,
// validators), read from a Java .properties file plus command-line overrides,
// with Kafka's dynamic updates (AlterConfigs on a BROKER resource) applied
// copy-on-write so other threads read a consistent snapshot without locking
// for long. Sluice's own deviations: listeners defaults to
// PLAINTEXT://127.0.0.1:9092, log.dir to ./data, node.id and broker.id to 0,
// listener keys are read-only, and log.level (spdlog) is a Sluice key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/result.h"
#include "storage/config/config_def.h"
#include "storage/config/log_config.h"

namespace sluice::server {

using protocol::Result;
using protocol::Status;

// One entry of listeners / advertised.listeners: NAME://host:port.
struct Listener {
  std::string name;               // upper-cased, as Kafka normalises listener names
  std::string host;               // empty: every interface (bind) / not given (advertise)
  std::uint16_t port = 0;         // 0: an ephemeral port
  std::string security_protocol;  // from listener.security.protocol.map, e.g. "PLAINTEXT"

  friend bool operator==(const Listener&, const Listener&) = default;
};

// Whether AlterConfigs may change a key at runtime, as Kafka's
// DynamicBrokerConfig: per broker only, or per broker and cluster-wide.
enum class UpdateMode : std::uint8_t { kReadOnly, kPerBroker, kClusterWide };

// The level a dynamic value is set at: a BROKER resource named by this
// broker's id, or the empty name (the cluster-wide default).
enum class DynamicLevel : std::uint8_t { kBroker, kClusterDefault };

// One dynamic change: set `value`, or delete the key when it is nullopt.
struct DynamicChange {
  std::string key;
  std::optional<std::string> value;
};

// The broker keys Sluice knows.
const storage::ConfigDef& broker_config_def();
UpdateMode broker_update_mode(std::string_view key);

// java.util.Properties.load: key=value, key:value or "key value"; # and !
// comment lines; a line ending in an odd number of backslashes continues on
// the next (whose leading whitespace is dropped); \t \n \r \f \uXXXX escapes
// and \x for any other x; keys and values keep their inner text untrimmed
// (values keep trailing whitespace). Later duplicates win. Bytes other than
// escapes pass through unchanged (Java would read ISO-8859-1).
Result<std::vector<std::pair<std::string, std::string>>> parse_java_properties(std::string_view text);

class BrokerConfig {
 public:
  // Reads `properties_file` (if any), applies `overrides` on top (later
  // wins), warns about unknown keys in `warnings`, and fails with
  // INVALID_CONFIG naming the key on the first bad value.
  static Result<BrokerConfig> load(std::optional<std::filesystem::path> properties_file,
                                   const std::vector<std::pair<std::string, std::string>>& overrides,
                                   std::vector<std::string>& warnings);

  BrokerConfig(BrokerConfig&&) noexcept;
  BrokerConfig& operator=(BrokerConfig&&) noexcept;
  ~BrokerConfig();

  // Fixed at startup (read-only keys).
  std::int32_t node_id() const;
  const std::vector<Listener>& listeners() const;
  // advertised.listeners, or listeners when it is not set.
  const std::vector<Listener>& advertised_listeners() const;
  // log.dirs, or log.dir when log.dirs is not set.
  const std::vector<std::filesystem::path>& log_dirs() const;
  // The keys set in the file and overrides, as written (STATIC_BROKER_CONFIG).
  const storage::ConfigMap& static_values() const;

  // Current values: static, then cluster-wide dynamic, then per-broker dynamic
  // on top. `key` must be a broker key of the matching type (INT, SHORT or
  // LONG for int64; STRING, CLASS or PASSWORD for string); anything else is a
  // bug and aborts. int64/boolean/number also abort on a null value.
  std::int64_t int64(std::string_view key) const;
  std::optional<std::int64_t> optional_int64(std::string_view key) const;
  bool boolean(std::string_view key) const;
  double number(std::string_view key) const;
  std::optional<std::string> string(std::string_view key) const;
  std::vector<std::string> list(std::string_view key) const;
  // DescribeConfigs' text of the current value; nullopt when null.
  std::optional<std::string> value_text(std::string_view key) const;

  // Kafka's derived log times, in ms (e.g. log.retention.ms, else minutes,
  // else hours; a negative retention is -1, unlimited).
  std::int64_t log_retention_ms() const;
  std::int64_t log_roll_ms() const;
  std::int64_t log_roll_jitter_ms() const;
  std::int64_t log_flush_interval_ms() const;
  std::string log_level() const;

  // The layers topic configs fall back to (feed LogConfig::resolve and
  // describe_topic_config); a snapshot, unaffected by later updates.
  std::shared_ptr<const storage::BrokerLogDefaults> broker_log_defaults() const;

  // The dynamic values at one level, as set.
  storage::ConfigMap dynamic_values(DynamicLevel level) const;

  // Applies changes at one level, all or nothing: every key must be a known,
  // dynamically updatable key valid at that level, and every value must parse
  // and validate; otherwise INVALID_CONFIG naming the keys and nothing
  // changes. With validate_only nothing changes either way.
  Status alter(DynamicLevel level, std::span<const DynamicChange> changes, bool validate_only = false);
  // Checks that `configs` would be acceptable as the whole dynamic config at
  // `level` (what the controller asks before writing), changing nothing.
  Status validate_dynamic(DynamicLevel level, const storage::ConfigMap& configs) const;
  Status set_dynamic(DynamicLevel level, std::string_view key, std::string_view value);
  Status delete_dynamic(DynamicLevel level, std::string_view key);

  // DescribeConfigs on a BROKER resource. kBroker (this broker's id): every
  // key, sorted by name, with value, source, read_only, sensitive, type, doc
  // and synonyms in Kafka's order. kClusterDefault (empty name): only the keys
  // set cluster-wide, with only their cluster-wide synonyms.
  std::vector<storage::DescribedConfig> describe(DynamicLevel level = DynamicLevel::kBroker) const;

 private:
  struct Snapshot;
  struct Impl;
  explicit BrokerConfig(std::unique_ptr<Impl> impl);
  std::shared_ptr<const Snapshot> snapshot() const;
  // The index of `key` in broker_config_def(); aborts unless it has one of `types`.
  static std::size_t key_index(std::string_view key, std::initializer_list<storage::ConfigType> types);

  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::server
