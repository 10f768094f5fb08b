// ConfigDef: Kafka's parsing of String values per type, its validators and
// their error texts, and the value formatting DescribeConfigs shows.
#include "storage/config/config_def.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace sluice::storage {
namespace {

using protocol::ErrorCode;

ConfigValue ok_parse(std::string_view raw, ConfigType type) {
  auto parsed = parse_type("k", raw, type);
  EXPECT_TRUE(parsed.ok()) << raw << ": " << parsed.status().detail;
  return parsed.ok() ? *parsed : ConfigValue{};
}

std::string parse_error(std::string_view name, std::string_view raw, ConfigType type) {
  auto parsed = parse_type(name, raw, type);
  EXPECT_FALSE(parsed.ok()) << raw;
  EXPECT_EQ(parsed.code(), ErrorCode::INVALID_CONFIG);
  return parsed.status().detail;
}

TEST(ConfigDefTest, TypesAreNumberedAsDescribeConfigs) {
  EXPECT_EQ(static_cast<int>(ConfigType::kBoolean), 1);
  EXPECT_EQ(static_cast<int>(ConfigType::kString), 2);
  EXPECT_EQ(static_cast<int>(ConfigType::kInt), 3);
  EXPECT_EQ(static_cast<int>(ConfigType::kShort), 4);
  EXPECT_EQ(static_cast<int>(ConfigType::kLong), 5);
  EXPECT_EQ(static_cast<int>(ConfigType::kDouble), 6);
  EXPECT_EQ(static_cast<int>(ConfigType::kList), 7);
  EXPECT_EQ(static_cast<int>(ConfigType::kClass), 8);
  EXPECT_EQ(static_cast<int>(ConfigType::kPassword), 9);
  EXPECT_EQ(static_cast<int>(ConfigSource::kDynamicTopicConfig), 1);
  EXPECT_EQ(static_cast<int>(ConfigSource::kDynamicBrokerConfig), 2);
  EXPECT_EQ(static_cast<int>(ConfigSource::kDynamicDefaultBrokerConfig), 3);
  EXPECT_EQ(static_cast<int>(ConfigSource::kStaticBrokerConfig), 4);
  EXPECT_EQ(static_cast<int>(ConfigSource::kDefaultConfig), 5);
}

TEST(ConfigDefTest, BooleansAreTrueOrFalseInAnyCase) {
  EXPECT_TRUE(ok_parse("true", ConfigType::kBoolean).boolean());
  EXPECT_TRUE(ok_parse("TRUE", ConfigType::kBoolean).boolean());
  EXPECT_FALSE(ok_parse("  False\t", ConfigType::kBoolean).boolean());
  EXPECT_EQ(parse_error("preallocate", "yes", ConfigType::kBoolean),
            "Invalid value yes for configuration preallocate: Expected value to be either true or false");
  parse_error("preallocate", "1", ConfigType::kBoolean);
  parse_error("preallocate", "", ConfigType::kBoolean);
}

TEST(ConfigDefTest, IntegersFollowJavaParsing) {
  EXPECT_EQ(ok_parse(" 42 ", ConfigType::kInt).integer(), 42);
  EXPECT_EQ(ok_parse("+7", ConfigType::kInt).integer(), 7);
  EXPECT_EQ(ok_parse("-2147483648", ConfigType::kInt).integer(), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(ok_parse("2147483648", ConfigType::kLong).integer(), 2147483648LL);
  EXPECT_EQ(ok_parse("-9223372036854775808", ConfigType::kLong).integer(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(ok_parse("32767", ConfigType::kShort).integer(), 32767);

  EXPECT_EQ(parse_error("segment.bytes", "abc", ConfigType::kInt),
            "Invalid value abc for configuration segment.bytes: Not a number of type INT");
  EXPECT_EQ(parse_error("segment.ms", "1.5", ConfigType::kLong),
            "Invalid value 1.5 for configuration segment.ms: Not a number of type LONG");
  EXPECT_EQ(parse_error("offsets.topic.replication.factor", "32768", ConfigType::kShort),
            "Invalid value 32768 for configuration offsets.topic.replication.factor: Not a number of type SHORT");
  parse_error("k", "2147483648", ConfigType::kInt);
  parse_error("k", "9223372036854775808", ConfigType::kLong);
  parse_error("k", "", ConfigType::kInt);
  parse_error("k", "-", ConfigType::kInt);
  parse_error("k", "+-1", ConfigType::kInt);
  parse_error("k", "1 000", ConfigType::kInt);
  parse_error("k", "0x10", ConfigType::kInt);
}

TEST(ConfigDefTest, DoublesFollowJavaParsing) {
  EXPECT_DOUBLE_EQ(ok_parse("0.5", ConfigType::kDouble).number(), 0.5);
  EXPECT_DOUBLE_EQ(ok_parse(" 1 ", ConfigType::kDouble).number(), 1.0);
  EXPECT_DOUBLE_EQ(ok_parse(".25", ConfigType::kDouble).number(), 0.25);
  EXPECT_DOUBLE_EQ(ok_parse("1e3", ConfigType::kDouble).number(), 1000.0);
  EXPECT_DOUBLE_EQ(ok_parse("-2.5E-1", ConfigType::kDouble).number(), -0.25);
  EXPECT_DOUBLE_EQ(ok_parse("2d", ConfigType::kDouble).number(), 2.0);
  EXPECT_DOUBLE_EQ(ok_parse("+3f", ConfigType::kDouble).number(), 3.0);
  EXPECT_TRUE(std::isnan(ok_parse("NaN", ConfigType::kDouble).number()));
  EXPECT_EQ(ok_parse("-Infinity", ConfigType::kDouble).number(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ok_parse("1e999", ConfigType::kDouble).number(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ok_parse("1e-999", ConfigType::kDouble).number(), 0.0);
  EXPECT_EQ(parse_error("min.cleanable.dirty.ratio", "half", ConfigType::kDouble),
            "Invalid value half for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE");
  parse_error("k", "nan", ConfigType::kDouble);
  parse_error("k", "inf", ConfigType::kDouble);
  parse_error("k", "1e", ConfigType::kDouble);
  parse_error("k", ".", ConfigType::kDouble);
}

TEST(ConfigDefTest, ListsSplitOnCommasAndKeepEmptyElements) {
  EXPECT_EQ(ok_parse("", ConfigType::kList).list(), ConfigValue::List{});
  EXPECT_EQ(ok_parse("   ", ConfigType::kList).list(), ConfigValue::List{});
  EXPECT_EQ(ok_parse(" compact , delete ", ConfigType::kList).list(), (ConfigValue::List{"compact", "delete"}));
  EXPECT_EQ(ok_parse("a,,b", ConfigType::kList).list(), (ConfigValue::List{"a", "", "b"}));
  EXPECT_EQ(ok_parse("a,", ConfigType::kList).list(), (ConfigValue::List{"a", ""}));
  EXPECT_EQ(ok_parse("a b,c", ConfigType::kList).list(), (ConfigValue::List{"a b", "c"}));
}

TEST(ConfigDefTest, StringsAndPasswordsAreTrimmed) {
  EXPECT_EQ(ok_parse("  CreateTime \t", ConfigType::kString).text(), "CreateTime");
  EXPECT_EQ(ok_parse(" secret ", ConfigType::kPassword).text(), "secret");
  EXPECT_EQ(ok_parse("", ConfigType::kString).text(), "");
}

TEST(ConfigDefTest, RangeValidatorsUseKafkaWording) {
  const ConfigKey segment_bytes{"segment.bytes",         ConfigType::kInt,    "1073741824",
                                Validator::at_least(14), Importance::kMedium, ""};
  EXPECT_EQ(segment_bytes.validator.valid_values(), "[14,...]");
  EXPECT_TRUE(parse_value(segment_bytes, "14").ok());
  auto low = parse_value(segment_bytes, "13");
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.code(), ErrorCode::INVALID_CONFIG);
  EXPECT_EQ(low.status().detail, "Invalid value 13 for configuration segment.bytes: Value must be at least 14");

  const ConfigKey ratio{"min.cleanable.dirty.ratio", ConfigType::kDouble, "0.5",
                        Validator::between(0, 1),    Importance::kMedium, ""};
  EXPECT_EQ(ratio.validator.valid_values(), "[0,...,1]");
  EXPECT_TRUE(parse_value(ratio, "1").ok());
  EXPECT_TRUE(parse_value(ratio, "0").ok());
  EXPECT_EQ(parse_value(ratio, "1.5").status().detail,
            "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1");
  EXPECT_EQ(parse_value(ratio, "2").status().detail,
            "Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1");
  EXPECT_EQ(parse_value(ratio, "-0.1").status().detail,
            "Invalid value -0.1 for configuration min.cleanable.dirty.ratio: Value must be at least 0");
}

TEST(ConfigDefTest, OneOfChecksStringsAndEveryListElement) {
  const ConfigKey policy{
      "cleanup.policy", ConfigType::kList, "delete", Validator::one_of({"compact", "delete"}), Importance::kMedium, ""};
  EXPECT_EQ(policy.validator.valid_values(), "[compact, delete]");
  EXPECT_TRUE(parse_value(policy, "compact,delete").ok());
  EXPECT_TRUE(parse_value(policy, "").ok());
  EXPECT_EQ(parse_value(policy, "compact,foo").status().detail,
            "Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete");
  // Case matters, as in Kafka.
  EXPECT_FALSE(parse_value(policy, "Compact").ok());

  const ConfigKey type{"message.timestamp.type",
                       ConfigType::kString,
                       "CreateTime",
                       Validator::one_of({"CreateTime", "LogAppendTime"}),
                       Importance::kMedium,
                       ""};
  EXPECT_TRUE(parse_value(type, " LogAppendTime ").ok());
  EXPECT_EQ(parse_value(type, "createtime").status().detail,
            "Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, "
            "LogAppendTime");
}

TEST(ConfigDefTest, JavaDoubleFormatting) {
  EXPECT_EQ(java_double_to_string(0.5), "0.5");
  EXPECT_EQ(java_double_to_string(0.9), "0.9");
  EXPECT_EQ(java_double_to_string(1.0), "1.0");
  EXPECT_EQ(java_double_to_string(100.0), "100.0");
  EXPECT_EQ(java_double_to_string(-2.5), "-2.5");
  EXPECT_EQ(java_double_to_string(123456.789), "123456.789");
  EXPECT_EQ(java_double_to_string(0.001), "0.001");
  EXPECT_EQ(java_double_to_string(1.0e-4), "1.0E-4");
  EXPECT_EQ(java_double_to_string(1.0e7), "1.0E7");
  EXPECT_EQ(java_double_to_string(1.25e10), "1.25E10");
  EXPECT_EQ(java_double_to_string(std::numeric_limits<double>::max()), "1.7976931348623157E308");
  EXPECT_EQ(java_double_to_string(0.0), "0.0");
  EXPECT_EQ(java_double_to_string(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(java_double_to_string(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(ConfigDefTest, FormatValueAsDescribeConfigsShowsIt) {
  EXPECT_EQ(format_value(ok_parse("compact , delete", ConfigType::kList), ConfigType::kList), "compact,delete");
  EXPECT_EQ(format_value(ok_parse("", ConfigType::kList), ConfigType::kList), "");
  EXPECT_EQ(format_value(ok_parse("TRUE", ConfigType::kBoolean), ConfigType::kBoolean), "true");
  EXPECT_EQ(format_value(ok_parse(" 007 ", ConfigType::kInt), ConfigType::kInt), "7");
  EXPECT_EQ(format_value(ok_parse("1", ConfigType::kDouble), ConfigType::kDouble), "1.0");
  EXPECT_EQ(format_value(ConfigValue{}, ConfigType::kLong), std::nullopt);
}

TEST(ConfigDefTest, DefinitionsParseTheirDefaultsOnce) {
  const ConfigDef def({
      {"a.int", ConfigType::kInt, "5", Validator::at_least(1), Importance::kHigh, "An int."},
      {"a.null", ConfigType::kLong, std::nullopt, Validator{}, Importance::kLow, "No default."},
      {"a.secret", ConfigType::kPassword, std::nullopt, Validator{}, Importance::kLow, "Hidden."},
  });
  ASSERT_NE(def.find("a.int"), nullptr);
  EXPECT_EQ(def.find("missing"), nullptr);
  EXPECT_EQ(def.default_of(*def.find("a.int")).integer(), 5);
  EXPECT_TRUE(def.default_of(*def.find("a.null")).is_null());
  EXPECT_TRUE(def.find("a.secret")->sensitive());
  EXPECT_FALSE(def.find("a.int")->sensitive());
  // Null values are never validated: there is nothing to check.
  EXPECT_FALSE(def.find("a.int")->validator.check("a.int", ConfigValue{}).has_value());
}

}  // namespace
}  // namespace sluice::storage
