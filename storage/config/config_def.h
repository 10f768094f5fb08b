// Typed configuration definitions, after Kafka's ConfigDef: each key has a
// type, an optional default (in string form), a validator, an importance and
// a one-line doc. Values are parsed exactly as Kafka parses a String value,
// and every failure is an INVALID_CONFIG value naming the key, with Kafka's
// wording ("Invalid value abc for configuration segment.bytes: Not a number
// of type INT").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/result.h"

namespace sluice::storage {

using protocol::Result;
using protocol::Status;

// Numbered as DescribeConfigs' ConfigType (KIP-569): 0 is UNKNOWN.
enum class ConfigType : std::int8_t {
  kBoolean = 1,
  kString = 2,
  kInt = 3,
  kShort = 4,
  kLong = 5,
  kDouble = 6,
  kList = 7,
  kClass = 8,
  kPassword = 9,
};

// Kafka's name for a type ("INT", "LONG", ...), as its parse errors print it.
std::string_view config_type_name(ConfigType type);

enum class Importance : std::uint8_t { kHigh, kMedium, kLow };

// Where a described value comes from, numbered as DescribeConfigs' ConfigSource.
enum class ConfigSource : std::int8_t {
  kUnknown = 0,
  kDynamicTopicConfig = 1,
  kDynamicBrokerConfig = 2,
  kDynamicDefaultBrokerConfig = 3,
  kStaticBrokerConfig = 4,
  kDefaultConfig = 5,
  kDynamicBrokerLoggerConfig = 6,
};

// A parsed value: null, or the one alternative its type parses to (INT,
// SHORT and LONG all hold an int64; STRING, CLASS and PASSWORD a string).
struct ConfigValue {
  using List = std::vector<std::string>;
  std::variant<std::monostate, bool, std::int64_t, double, std::string, List> data;

  bool is_null() const { return data.index() == 0; }
  bool boolean() const { return std::get<bool>(data); }
  std::int64_t integer() const { return std::get<std::int64_t>(data); }
  double number() const { return std::get<double>(data); }
  const std::string& text() const { return std::get<std::string>(data); }
  const List& list() const { return std::get<List>(data); }

  friend bool operator==(const ConfigValue&, const ConfigValue&) = default;
};

// Kafka's ConfigException text: "Invalid value <v> for configuration <name>"
// followed by ": <detail>" when there is a detail.
std::string invalid_value_message(std::string_view name, std::string_view value, std::string_view detail);

// Checks a parsed value; a default-constructed Validator accepts everything.
// Null values are never checked: a key whose default is null has no value to
// validate until one is set.
class Validator {
 public:
  // Returns Kafka's whole error message, or nullopt when the value is valid.
  using CheckFn = std::function<std::optional<std::string>(std::string_view name, const ConfigValue& value)>;

  Validator() = default;
  // Kafka's Range.atLeast / Range.between on numbers.
  static Validator at_least(std::int64_t min);
  static Validator between(std::int64_t min, std::int64_t max);
  // Kafka's ValidString.in for a STRING and ValidList.in for a LIST (each
  // element must be one of `allowed`); case-sensitive, as in Kafka.
  static Validator one_of(std::vector<std::string> allowed);
  // Anything else; `valid_values` is the "Valid Values" text for docs.
  static Validator custom(std::string valid_values, CheckFn check);

  std::optional<std::string> check(std::string_view name, const ConfigValue& value) const;
  // Kafka's "Valid Values" column: "[1,...]", "[0,...,1]", "[compact, delete]"; empty when unchecked.
  const std::string& valid_values() const { return valid_values_; }

 private:
  std::string valid_values_;
  CheckFn check_;
};

struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::kString;
  // The default in string form, parsed like any set value; nullopt is Kafka's null default.
  std::optional<std::string> default_value;
  Validator validator;
  Importance importance = Importance::kMedium;
  std::string doc;

  // DescribeConfigs hides the values of sensitive keys (Kafka: PASSWORD type).
  bool sensitive() const { return type == ConfigType::kPassword; }
};

// Strips what Java's String.trim() strips: every byte <= ' ' at both ends.
std::string_view java_trim(std::string_view s);

// Java's Double.toString: "0.5", "100.0", "1.0E7", "1.7976931348623157E308", "NaN".
std::string java_double_to_string(double value);

// Kafka's ConfigDef.parseType for a String value: booleans are "true" or
// "false" in any case; numbers are Java's parseInt/parseShort/parseLong/
// parseDouble after trimming; a LIST is split on commas with the whitespace
// around them dropped ("" is the empty list); STRING, CLASS and PASSWORD are
// the trimmed text.
Result<ConfigValue> parse_type(std::string_view name, std::string_view raw, ConfigType type);

// parse_type, then the key's validator.
Result<ConfigValue> parse_value(const ConfigKey& key, std::string_view raw);

// Kafka's ConfigDef.convertToString: the value as DescribeConfigs shows it
// (LIST joined with ","; DOUBLE as Java prints it); nullopt for null.
std::optional<std::string> format_value(const ConfigValue& value, ConfigType type);

// A table of keys, looked up by name, with their defaults parsed once.
class ConfigDef {
 public:
  // A default that does not parse or validate is a bug in the table: it
  // aborts, as Kafka's define() throws.
  explicit ConfigDef(std::vector<ConfigKey> keys);

  const std::vector<ConfigKey>& keys() const { return keys_; }
  const ConfigKey* find(std::string_view name) const;
  // The parsed default of a defined key (null when it has none).
  const ConfigValue& default_of(const ConfigKey& key) const;

 private:
  std::vector<ConfigKey> keys_;
  std::vector<ConfigValue> defaults_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// One alternative value of a described key, in Kafka's precedence order.
struct ConfigSynonym {
  std::string name;
  std::optional<std::string> value;  // null when sensitive
  ConfigSource source = ConfigSource::kDefaultConfig;
};

// One entry of a DescribeConfigs result.
struct DescribedConfig {
  std::string name;
  std::optional<std::string> value;  // null when sensitive or unset
  ConfigSource source = ConfigSource::kDefaultConfig;
  bool read_only = false;
  bool sensitive = false;
  ConfigType type = ConfigType::kString;
  std::string documentation;
  std::vector<ConfigSynonym> synonyms;
};

// Config values by key, ordered and searchable by string_view.
using ConfigMap = std::map<std::string, std::string, std::less<>>;

}  // namespace sluice::storage
