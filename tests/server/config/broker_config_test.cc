// BrokerConfig: Java .properties parsing, Kafka's broker defaults, overrides,
// validation, the log.* synonyms feeding topic configs, dynamic updates and
// DescribeConfigs on a BROKER resource.
#include "server/config/broker_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using storage::ConfigSource;
using storage::ConfigType;
using storage::DescribedConfig;
using Props = std::vector<std::pair<std::string, std::string>>;

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() / ("sluice_broker_config_test_" + std::to_string(::getpid()) + "_" +
                                                      std::to_string(counter++) + ".properties");
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

BrokerConfig load_ok(std::optional<std::filesystem::path> file, const Props& overrides = {},
                     std::vector<std::string>* warnings_out = nullptr) {
  std::vector<std::string> warnings;
  auto config = BrokerConfig::load(std::move(file), overrides, warnings);
  if (!config.ok()) {
    ADD_FAILURE() << config.status().detail;
    std::vector<std::string> ignored;
    return std::move(BrokerConfig::load(std::nullopt, {}, ignored)).value();
  }
  if (warnings_out != nullptr) *warnings_out = warnings;
  return std::move(config).value();
}

std::string load_error(const Props& overrides) {
  std::vector<std::string> warnings;
  auto config = BrokerConfig::load(std::nullopt, overrides, warnings);
  EXPECT_FALSE(config.ok());
  EXPECT_EQ(config.code(), ErrorCode::INVALID_CONFIG);
  return config.ok() ? "" : config.status().detail;
}

Props parse_ok(std::string_view text) {
  auto parsed = parse_java_properties(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().detail;
  return parsed.ok() ? *parsed : Props{};
}

const DescribedConfig& entry(const std::vector<DescribedConfig>& all, std::string_view name) {
  for (const auto& e : all) {
    if (e.name == name) return e;
  }
  ADD_FAILURE() << "no entry " << name;
  static const DescribedConfig kNone;
  return kNone;
}

TEST(JavaPropertiesTest, SeparatorsCommentsAndBlankLines) {
  const Props props = parse_ok(
      "# a comment\n"
      "! another comment\n"
      "\n"
      "   \t\n"
      "a=1\n"
      "b: 2\n"
      "c 3\n"
      "  d  =  4  \n"
      "e=x=y\n"
      "f:=z\n"
      "g\n"
      "h=\n");
  const Props expected = {{"a", "1"},   {"b", "2"},  {"c", "3"}, {"d", "4  "},
                          {"e", "x=y"}, {"f", "=z"}, {"g", ""},  {"h", ""}};
  EXPECT_EQ(props, expected);
}

TEST(JavaPropertiesTest, ContinuationLinesAndLineEndings) {
  EXPECT_EQ(parse_ok("listeners=PLAINTEXT://a:1,\\\n    PLAINTEXT2://b:2\n"),
            (Props{{"listeners", "PLAINTEXT://a:1,PLAINTEXT2://b:2"}}));
  // \r\n and lone \r end lines too.
  EXPECT_EQ(parse_ok("a=1\r\nb=2\rc=3"), (Props{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(parse_ok("a=x\\\r\n  y\r\n"), (Props{{"a", "xy"}}));
  // An even number of backslashes is an escaped backslash, not a continuation.
  EXPECT_EQ(parse_ok("a=x\\\\\nb=y\n"), (Props{{"a", "x\\"}, {"b", "y"}}));
  // A continued line may look like a comment; a comment line never continues.
  EXPECT_EQ(parse_ok("a=1\\\n# not a comment\n"), (Props{{"a", "1# not a comment"}}));
  EXPECT_EQ(parse_ok("# comment \\\nb=2\n"), (Props{{"b", "2"}}));
  // A continuation into an empty line ends the value; one at end of file is dropped.
  EXPECT_EQ(parse_ok("a=1\\\n\nb=2\\"), (Props{{"a", "1"}, {"b", "2"}}));
}

TEST(JavaPropertiesTest, Escapes) {
  EXPECT_EQ(parse_ok("key\\ with\\ spaces=v\n"), (Props{{"key with spaces", "v"}}));
  EXPECT_EQ(parse_ok("a\\=b=c\n"), (Props{{"a=b", "c"}}));
  EXPECT_EQ(parse_ok("a\\:b:c\n"), (Props{{"a:b", "c"}}));
  EXPECT_EQ(parse_ok("t=\\t\\n\\r\\f\\q\n"), (Props{{"t", "\t\n\r\fq"}}));
  EXPECT_EQ(parse_ok("u=\\u0041\\u00e9\\u20AC\n"), (Props{{"u", "A\xC3\xA9\xE2\x82\xAC"}}));
  EXPECT_EQ(parse_ok("smile=\\uD83D\\uDE00\n"), (Props{{"smile", "\xF0\x9F\x98\x80"}}));
  EXPECT_EQ(parse_ok("lead=\\  x\n"), (Props{{"lead", "  x"}}));
  auto bad = parse_java_properties("a=\\u12G4\n");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), ErrorCode::INVALID_CONFIG);
  EXPECT_FALSE(parse_java_properties("a=\\u12").ok());
}

TEST(BrokerConfigTest, DefaultsAreKafkasAndSluices) {
  BrokerConfig c = load_ok(std::nullopt);
  ASSERT_EQ(c.listeners().size(), 1u);
  EXPECT_EQ(c.listeners()[0], (Listener{"PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT"}));
  EXPECT_EQ(c.advertised_listeners(), c.listeners());
  EXPECT_EQ(c.log_dirs(), std::vector<std::filesystem::path>{"./data"});
  EXPECT_EQ(c.node_id(), 0);
  EXPECT_EQ(c.log_level(), "info");

  const std::pair<std::string, std::int64_t> ints[] = {
      {"num.partitions", 1},
      {"default.replication.factor", 1},
      {"message.max.bytes", 1048588},
      {"socket.request.max.bytes", 104857600},
      {"socket.send.buffer.bytes", 102400},
      {"socket.receive.buffer.bytes", 102400},
      {"connections.max.idle.ms", 600000},
      {"max.connections", 2147483647},
      {"max.connections.per.ip", 2147483647},
      {"queued.max.requests", 500},
      {"num.network.threads", 3},
      {"num.io.threads", 8},
      {"num.recovery.threads.per.data.dir", 1},
      {"background.threads", 10},
      {"log.segment.bytes", 1073741824},
      {"log.roll.hours", 168},
      {"log.retention.hours", 168},
      {"log.retention.bytes", -1},
      {"log.retention.check.interval.ms", 300000},
      {"log.cleaner.threads", 1},
      {"log.cleaner.backoff.ms", 15000},
      {"log.cleaner.dedupe.buffer.size", 134217728},
      {"log.cleaner.io.buffer.size", 524288},
      {"log.index.size.max.bytes", 10485760},
      {"log.index.interval.bytes", 4096},
      {"log.flush.interval.messages", INT64_MAX},
      {"log.flush.scheduler.interval.ms", INT64_MAX},
      {"log.flush.offset.checkpoint.interval.ms", 60000},
      {"log.flush.start.offset.checkpoint.interval.ms", 60000},
      {"log.segment.delete.delay.ms", 60000},
      {"log.message.timestamp.after.max.ms", INT64_MAX},
      {"min.insync.replicas", 1},
      {"offsets.topic.num.partitions", 50},
      {"offsets.topic.replication.factor", 3},
      {"offsets.topic.segment.bytes", 104857600},
      {"offsets.retention.minutes", 10080},
      {"offsets.retention.check.interval.ms", 600000},
      {"offsets.commit.timeout.ms", 5000},
      {"offsets.load.buffer.size", 5242880},
      {"group.initial.rebalance.delay.ms", 3000},
      {"group.min.session.timeout.ms", 6000},
      {"group.max.session.timeout.ms", 1800000},
      {"group.max.size", 2147483647},
      {"transaction.state.log.num.partitions", 50},
      {"transaction.state.log.replication.factor", 3},
      {"transaction.state.log.segment.bytes", 104857600},
      {"transaction.max.timeout.ms", 900000},
      {"transactional.id.expiration.ms", 604800000},
      {"transaction.abort.timed.out.transaction.cleanup.interval.ms", 10000},
      {"transaction.remove.expired.transaction.cleanup.interval.ms", 3600000},
      {"producer.id.expiration.ms", 86400000},
      {"producer.id.expiration.check.interval.ms", 600000},
  };
  for (const auto& [key, value] : ints) EXPECT_EQ(c.int64(key), value) << key;
  EXPECT_EQ(c.optional_int64("log.retention.ms"), std::nullopt);
  EXPECT_EQ(c.optional_int64("log.roll.ms"), std::nullopt);
  EXPECT_TRUE(c.boolean("auto.create.topics.enable"));
  EXPECT_TRUE(c.boolean("delete.topic.enable"));
  EXPECT_TRUE(c.boolean("log.cleaner.enable"));
  EXPECT_FALSE(c.boolean("unclean.leader.election.enable"));
  EXPECT_FALSE(c.boolean("log.preallocate"));
  EXPECT_DOUBLE_EQ(c.number("log.cleaner.min.cleanable.ratio"), 0.5);
  EXPECT_EQ(c.list("log.cleanup.policy"), std::vector<std::string>{"delete"});
  EXPECT_EQ(c.string("compression.type"), "producer");
  EXPECT_EQ(c.string("log.message.timestamp.type"), "CreateTime");
  EXPECT_EQ(c.string("advertised.listeners"), std::nullopt);
  EXPECT_EQ(c.log_retention_ms(), 604800000);
  EXPECT_EQ(c.log_roll_ms(), 604800000);
  EXPECT_EQ(c.log_roll_jitter_ms(), 0);
  EXPECT_EQ(c.log_flush_interval_ms(), INT64_MAX);
  EXPECT_TRUE(c.static_values().empty());
}

TEST(BrokerConfigTest, ReadsAFileAndOverridesWin) {
  TempFile file(
      "# Sluice test\n"
      "num.partitions = 3\n"
      "log.dirs: /tmp/a, /tmp/b\n"
      "auto.create.topics.enable false\n"
      "listeners=PLAINTEXT://:9093,\\\n"
      "   INTERNAL://[::1]:9094\n"
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT\n"
      "advertised.listeners=PLAINTEXT://broker.example:9093\n"
      "log.retention.hours=24\n"
      "log.retention.hours=48\n");
  BrokerConfig c = load_ok(file.path(), {{"num.partitions", "5"}, {"log.level", "debug"}});
  EXPECT_EQ(c.int64("num.partitions"), 5);
  EXPECT_EQ(c.log_level(), "debug");
  EXPECT_FALSE(c.boolean("auto.create.topics.enable"));
  EXPECT_EQ(c.log_dirs(), (std::vector<std::filesystem::path>{"/tmp/a", "/tmp/b"}));
  ASSERT_EQ(c.listeners().size(), 2u);
  EXPECT_EQ(c.listeners()[0], (Listener{"PLAINTEXT", "", 9093, "PLAINTEXT"}));
  EXPECT_EQ(c.listeners()[1], (Listener{"INTERNAL", "::1", 9094, "PLAINTEXT"}));
  ASSERT_EQ(c.advertised_listeners().size(), 1u);
  EXPECT_EQ(c.advertised_listeners()[0].host, "broker.example");
  // The last duplicate wins.
  EXPECT_EQ(c.log_retention_ms(), 48LL * 3'600'000);
  EXPECT_EQ(c.static_values().at("num.partitions"), "5");
  EXPECT_EQ(c.static_values().at("log.dirs"), "/tmp/a, /tmp/b");
}

TEST(BrokerConfigTest, MissingFileIsAnError) {
  std::vector<std::string> warnings;
  auto c = BrokerConfig::load(std::filesystem::path("/nonexistent/sluice/server.properties"), {}, warnings);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().detail.find("/nonexistent/sluice/server.properties"), std::string::npos);
}

TEST(BrokerConfigTest, UnknownKeysWarnAndBadValuesFail) {
  std::vector<std::string> warnings;
  BrokerConfig c = load_ok(std::nullopt, {{"zookeeper.connect", "localhost:2181"}, {"num.io.threads", "4"}}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("zookeeper.connect"), std::string::npos);
  EXPECT_EQ(c.int64("num.io.threads"), 4);
  EXPECT_FALSE(c.static_values().contains("zookeeper.connect"));

  EXPECT_EQ(load_error({{"num.partitions", "abc"}}),
            "Invalid value abc for configuration num.partitions: Not a number of type INT");
  EXPECT_EQ(load_error({{"num.partitions", "0"}}),
            "Invalid value 0 for configuration num.partitions: Value must be at least 1");
  EXPECT_EQ(load_error({{"log.segment.bytes", "13"}}),
            "Invalid value 13 for configuration log.segment.bytes: Value must be at least 14");
  EXPECT_EQ(load_error({{"log.cleanup.policy", "delete,foo"}}),
            "Invalid value foo for configuration log.cleanup.policy: String must be one of: compact, delete");
  EXPECT_EQ(load_error({{"log.cleaner.min.cleanable.ratio", "2"}}),
            "Invalid value 2.0 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1");
  EXPECT_EQ(load_error({{"delete.topic.enable", "yes"}}),
            "Invalid value yes for configuration delete.topic.enable: Expected value to be either true or false");
  EXPECT_EQ(load_error({{"log.level", "verbose"}}),
            "Invalid value verbose for configuration log.level: String must be one of: trace, debug, info, warn, "
            "error, critical, off");
  EXPECT_EQ(load_error({{"offsets.topic.replication.factor", "40000"}}),
            "Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT");
}

TEST(BrokerConfigTest, CrossKeyRules) {
  EXPECT_EQ(load_error({{"log.retention.ms", "0"}}),
            "log.retention.ms must be unlimited (-1) or, greater than or equal to 1");
  EXPECT_EQ(load_error({{"log.roll.ms", "0"}}), "log.roll.ms must be greater than or equal to 1");
  EXPECT_EQ(load_error({{"log.dirs", " , "}}), "At least one log directory must be defined via log.dirs or log.dir.");
  EXPECT_EQ(load_error({{"log.dirs", "/a,/b,/a"}}), "Duplicate log directory found: /a");
  EXPECT_EQ(load_error({{"log.cleaner.dedupe.buffer.size", "1048576"}}),
            "log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.");
  EXPECT_NE(load_error({{"broker.id", "1"}, {"node.id", "2"}}).find("must be equal"), std::string::npos);
}

TEST(BrokerConfigTest, LogDirsWinsOverLogDir) {
  EXPECT_EQ(load_ok(std::nullopt, {{"log.dir", "/x"}}).log_dirs(), std::vector<std::filesystem::path>{"/x"});
  EXPECT_EQ(load_ok(std::nullopt, {{"log.dir", "/x"}, {"log.dirs", "/y,/z"}}).log_dirs(),
            (std::vector<std::filesystem::path>{"/y", "/z"}));
}

TEST(BrokerConfigTest, BrokerIdAndNodeIdAreOneSetting) {
  BrokerConfig by_broker = load_ok(std::nullopt, {{"broker.id", "3"}});
  EXPECT_EQ(by_broker.node_id(), 3);
  EXPECT_EQ(by_broker.static_values().at("node.id"), "3");
  BrokerConfig by_node = load_ok(std::nullopt, {{"node.id", "4"}});
  EXPECT_EQ(by_node.node_id(), 4);
  EXPECT_EQ(by_node.int64("broker.id"), 4);
  EXPECT_EQ(load_ok(std::nullopt, {{"node.id", "5"}, {"broker.id", "5"}}).node_id(), 5);
  EXPECT_EQ(load_error({{"node.id", "-1"}}), "Invalid value -1 for configuration node.id: Value must be at least 0");
}

TEST(BrokerConfigTest, ListenerErrors) {
  EXPECT_EQ(load_error({{"listeners", "PLAINTEXT:9092"}}),
            "Invalid value PLAINTEXT:9092 for configuration listeners: Unable to parse PLAINTEXT:9092 to a broker "
            "endpoint");
  EXPECT_EQ(load_error({{"listeners", "FOO://host:9092"}}),
            "Invalid value FOO://host:9092 for configuration listeners: No security protocol defined for listener FOO");
  EXPECT_NE(load_error({{"listeners", "PLAINTEXT://a:1,PLAINTEXT://b:2"}}).find("different name"), std::string::npos);
  EXPECT_NE(load_error({{"listeners", "PLAINTEXT://a:70000"}}).find("Unable to parse"), std::string::npos);
  EXPECT_NE(load_error({{"listeners", "PLAINTEXT://0.0.0.0:9092"}}).find("0.0.0.0"), std::string::npos);
  EXPECT_EQ(load_ok(std::nullopt,
                    {{"listeners", "PLAINTEXT://0.0.0.0:9092"}, {"advertised.listeners", "PLAINTEXT://10.0.0.1:9092"}})
                .listeners()[0]
                .host,
            "0.0.0.0");
  EXPECT_NE(load_error({{"advertised.listeners", "OTHER://h:1"},
                        {"listener.security.protocol.map", "OTHER:SSL,PLAINTEXT:PLAINTEXT"}})
                .find("not one of listeners"),
            std::string::npos);
  EXPECT_NE(load_error({{"inter.broker.listener.name", "INTERNAL"}}).find("inter.broker.listener.name"),
            std::string::npos);
  EXPECT_NE(load_error({{"listener.security.protocol.map", "PLAINTEXT:TLS"}}).find("listener.security.protocol.map"),
            std::string::npos);
  // Listener names are case-insensitive, upper-cased as Kafka does.
  EXPECT_EQ(load_ok(std::nullopt, {{"listeners", "plaintext://h:1"}}).listeners()[0].name, "PLAINTEXT");
}

TEST(BrokerConfigTest, RetentionSynonymPrecedence) {
  EXPECT_EQ(load_ok(std::nullopt, {{"log.retention.hours", "24"}}).log_retention_ms(), 86'400'000);
  EXPECT_EQ(load_ok(std::nullopt, {{"log.retention.hours", "24"}, {"log.retention.minutes", "30"}}).log_retention_ms(),
            1'800'000);
  EXPECT_EQ(load_ok(std::nullopt,
                    {{"log.retention.hours", "24"}, {"log.retention.minutes", "30"}, {"log.retention.ms", "1000"}})
                .log_retention_ms(),
            1000);
  EXPECT_EQ(load_ok(std::nullopt, {{"log.retention.ms", "-1"}}).log_retention_ms(), -1);
  EXPECT_EQ(load_ok(std::nullopt, {{"log.retention.hours", "-1"}}).log_retention_ms(), -1);
  EXPECT_EQ(load_ok(std::nullopt, {{"log.roll.hours", "1"}}).log_roll_ms(), 3'600'000);
  EXPECT_EQ(load_ok(std::nullopt, {{"log.roll.hours", "1"}, {"log.roll.ms", "500"}}).log_roll_ms(), 500);
  EXPECT_EQ(load_ok(std::nullopt, {{"log.flush.scheduler.interval.ms", "2000"}}).log_flush_interval_ms(), 2000);
}

TEST(BrokerConfigTest, BrokerValuesFeedTopicConfigs) {
  BrokerConfig c = load_ok(std::nullopt, {{"log.retention.hours", "24"},
                                          {"log.segment.bytes", "1048576"},
                                          {"compression.type", "lz4"},
                                          {"message.max.bytes", "2000000"},
                                          {"log.cleanup.policy", "compact"}});
  auto topic = storage::LogConfig::resolve({}, *c.broker_log_defaults());
  ASSERT_TRUE(topic.ok()) << topic.status().detail;
  EXPECT_EQ(topic->retention_ms, 86'400'000);
  EXPECT_EQ(topic->segment_bytes, 1048576);
  EXPECT_EQ(topic->compression_type, storage::BrokerCompressionType::kLz4);
  EXPECT_EQ(topic->max_message_bytes, 2000000);
  EXPECT_TRUE(topic->compact());
  auto overridden = storage::LogConfig::resolve({{"retention.ms", "5"}}, *c.broker_log_defaults());
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->retention_ms, 5);
}

TEST(BrokerConfigTest, BrokerDefaultsGiveKafkasTopicDefaults) {
  // With nothing set, every topic key resolved through the broker's defaults
  // equals the topic key's own Kafka default.
  BrokerConfig c = load_ok(std::nullopt);
  auto through_broker = storage::describe_topic_config({}, *c.broker_log_defaults());
  auto bare = storage::describe_topic_config({}, {});
  ASSERT_TRUE(through_broker.ok());
  ASSERT_TRUE(bare.ok());
  ASSERT_EQ(through_broker->size(), bare->size());
  for (std::size_t i = 0; i < bare->size(); ++i) {
    EXPECT_EQ((*through_broker)[i].value, (*bare)[i].value) << (*bare)[i].name;
  }
  // And every broker synonym is a broker key; the first one is dynamic
  // (Kafka's DynamicLogConfig), except the deprecated message format version.
  for (const auto& key : storage::log_config_def().keys()) {
    const auto synonyms = storage::broker_synonyms(key.name);
    for (const auto& s : synonyms) EXPECT_NE(broker_config_def().find(s.name), nullptr) << s.name;
    if (synonyms.empty() || key.name == "message.format.version") continue;
    EXPECT_EQ(broker_update_mode(synonyms.front().name), UpdateMode::kClusterWide) << synonyms.front().name;
  }
}

TEST(BrokerConfigTest, UpdateModes) {
  EXPECT_EQ(broker_update_mode("log.retention.ms"), UpdateMode::kClusterWide);
  EXPECT_EQ(broker_update_mode("log.retention.hours"), UpdateMode::kReadOnly);
  EXPECT_EQ(broker_update_mode("log.roll.hours"), UpdateMode::kReadOnly);
  EXPECT_EQ(broker_update_mode("message.max.bytes"), UpdateMode::kClusterWide);
  EXPECT_EQ(broker_update_mode("max.connections"), UpdateMode::kClusterWide);
  EXPECT_EQ(broker_update_mode("num.io.threads"), UpdateMode::kClusterWide);
  EXPECT_EQ(broker_update_mode("log.cleaner.threads"), UpdateMode::kClusterWide);
  EXPECT_EQ(broker_update_mode("listeners"), UpdateMode::kReadOnly);
  EXPECT_EQ(broker_update_mode("advertised.listeners"), UpdateMode::kReadOnly);
  EXPECT_EQ(broker_update_mode("node.id"), UpdateMode::kReadOnly);
  EXPECT_EQ(broker_update_mode("log.dirs"), UpdateMode::kReadOnly);
  EXPECT_EQ(broker_update_mode("num.partitions"), UpdateMode::kReadOnly);
  EXPECT_EQ(broker_update_mode("no.such.key"), UpdateMode::kReadOnly);
}

TEST(BrokerConfigTest, DynamicUpdatesLayerOverStatic) {
  BrokerConfig c = load_ok(std::nullopt, {{"log.retention.ms", "9000"}});
  auto before = c.broker_log_defaults();
  ASSERT_TRUE(c.set_dynamic(DynamicLevel::kClusterDefault, "log.retention.ms", "2000").ok());
  EXPECT_EQ(c.log_retention_ms(), 2000);
  ASSERT_TRUE(c.set_dynamic(DynamicLevel::kBroker, "log.retention.ms", "1000").ok());
  EXPECT_EQ(c.log_retention_ms(), 1000);
  EXPECT_EQ(storage::LogConfig::resolve({}, *c.broker_log_defaults())->retention_ms, 1000);
  // A snapshot taken earlier is unchanged.
  EXPECT_EQ(storage::LogConfig::resolve({}, *before)->retention_ms, 9000);
  EXPECT_EQ(c.dynamic_values(DynamicLevel::kBroker), (storage::ConfigMap{{"log.retention.ms", "1000"}}));
  EXPECT_EQ(c.dynamic_values(DynamicLevel::kClusterDefault), (storage::ConfigMap{{"log.retention.ms", "2000"}}));

  ASSERT_TRUE(c.delete_dynamic(DynamicLevel::kBroker, "log.retention.ms").ok());
  EXPECT_EQ(c.log_retention_ms(), 2000);
  ASSERT_TRUE(c.delete_dynamic(DynamicLevel::kClusterDefault, "log.retention.ms").ok());
  EXPECT_EQ(c.log_retention_ms(), 9000);

  ASSERT_TRUE(c.set_dynamic(DynamicLevel::kClusterDefault, "num.io.threads", "16").ok());
  EXPECT_EQ(c.int64("num.io.threads"), 16);
  ASSERT_TRUE(c.set_dynamic(DynamicLevel::kBroker, "log.level", "warn").ok());
  EXPECT_EQ(c.log_level(), "warn");
}

TEST(BrokerConfigTest, DynamicUpdatesAreValidatedAllOrNothing) {
  BrokerConfig c = load_ok(std::nullopt);
  Status s = c.set_dynamic(DynamicLevel::kBroker, "log.dirs", "/elsewhere");
  EXPECT_EQ(s.code, ErrorCode::INVALID_CONFIG);
  EXPECT_EQ(s.detail, "Cannot update these configs dynamically: Set(log.dirs)");
  EXPECT_EQ(c.set_dynamic(DynamicLevel::kBroker, "log.retention.hours", "1").detail,
            "Cannot update these configs dynamically: Set(log.retention.hours)");
  EXPECT_EQ(c.set_dynamic(DynamicLevel::kBroker, "message.max.bytes", "big").detail,
            "Invalid value big for configuration message.max.bytes: Not a number of type INT");
  EXPECT_EQ(c.set_dynamic(DynamicLevel::kBroker, "no.such.key", "1").code, ErrorCode::INVALID_CONFIG);
  EXPECT_EQ(c.set_dynamic(DynamicLevel::kBroker, "log.retention.ms", "0").detail,
            "log.retention.ms must be unlimited (-1) or, greater than or equal to 1");

  const std::vector<DynamicChange> mixed = {{"message.max.bytes", "2000000"}, {"log.segment.bytes", "1"}};
  EXPECT_FALSE(c.alter(DynamicLevel::kBroker, mixed).ok());
  EXPECT_EQ(c.int64("message.max.bytes"), 1048588);

  const std::vector<DynamicChange> good = {{"message.max.bytes", "2000000"}, {"log.segment.bytes", "2097152"}};
  EXPECT_TRUE(c.alter(DynamicLevel::kBroker, good, /*validate_only=*/true).ok());
  EXPECT_EQ(c.int64("message.max.bytes"), 1048588);
  EXPECT_TRUE(c.alter(DynamicLevel::kBroker, good).ok());
  EXPECT_EQ(c.int64("message.max.bytes"), 2000000);
  EXPECT_EQ(c.int64("log.segment.bytes"), 2097152);
}

TEST(BrokerConfigTest, DescribeBrokerResource) {
  BrokerConfig c = load_ok(std::nullopt, {{"log.retention.hours", "24"}, {"num.io.threads", "4"}});
  auto described = c.describe();
  ASSERT_EQ(described.size(), broker_config_def().keys().size());
  EXPECT_TRUE(
      std::is_sorted(described.begin(), described.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));

  const DescribedConfig& hours = entry(described, "log.retention.hours");
  EXPECT_EQ(hours.value, "24");
  EXPECT_EQ(hours.source, ConfigSource::kStaticBrokerConfig);
  EXPECT_TRUE(hours.read_only);
  EXPECT_EQ(hours.type, ConfigType::kInt);
  ASSERT_EQ(hours.synonyms.size(), 2u);
  EXPECT_EQ(hours.synonyms[0].source, ConfigSource::kStaticBrokerConfig);
  EXPECT_EQ(hours.synonyms[0].value, "24");
  EXPECT_EQ(hours.synonyms[1].source, ConfigSource::kDefaultConfig);
  EXPECT_EQ(hours.synonyms[1].value, "168");

  const DescribedConfig& ms = entry(described, "log.retention.ms");
  EXPECT_EQ(ms.value, std::nullopt);
  EXPECT_EQ(ms.source, ConfigSource::kDefaultConfig);
  EXPECT_FALSE(ms.read_only);
  EXPECT_TRUE(ms.synonyms.empty());

  EXPECT_EQ(entry(described, "num.io.threads").source, ConfigSource::kStaticBrokerConfig);
  EXPECT_FALSE(entry(described, "num.io.threads").read_only);
  EXPECT_TRUE(entry(described, "listeners").read_only);
  EXPECT_EQ(entry(described, "listeners").value, "PLAINTEXT://127.0.0.1:9092");
  EXPECT_EQ(entry(described, "log.cleaner.min.cleanable.ratio").value, "0.5");
  EXPECT_EQ(entry(described, "log.cleaner.min.cleanable.ratio").type, ConfigType::kDouble);
  EXPECT_EQ(entry(described, "log.cleanup.policy").type, ConfigType::kList);
  EXPECT_EQ(entry(described, "offsets.topic.replication.factor").type, ConfigType::kShort);
  EXPECT_EQ(entry(described, "message.max.bytes").source, ConfigSource::kDefaultConfig);
  ASSERT_EQ(entry(described, "message.max.bytes").synonyms.size(), 1u);
  EXPECT_EQ(entry(described, "message.max.bytes").synonyms[0].value, "1048588");

  // A dynamic log.retention.ms heads the chain of all three retention keys.
  ASSERT_TRUE(c.set_dynamic(DynamicLevel::kBroker, "log.retention.ms", "1000").ok());
  ASSERT_TRUE(c.set_dynamic(DynamicLevel::kClusterDefault, "log.retention.ms", "2000").ok());
  described = c.describe();
  const DescribedConfig& dyn = entry(described, "log.retention.ms");
  EXPECT_EQ(dyn.value, "1000");
  EXPECT_EQ(dyn.source, ConfigSource::kDynamicBrokerConfig);
  const std::vector<std::tuple<std::string, std::string, ConfigSource>> expected = {
      {"log.retention.ms", "1000", ConfigSource::kDynamicBrokerConfig},
      {"log.retention.ms", "2000", ConfigSource::kDynamicDefaultBrokerConfig},
      {"log.retention.hours", "24", ConfigSource::kStaticBrokerConfig},
      {"log.retention.hours", "168", ConfigSource::kDefaultConfig},
  };
  ASSERT_EQ(dyn.synonyms.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(dyn.synonyms[i].name, std::get<0>(expected[i]));
    EXPECT_EQ(dyn.synonyms[i].value, std::get<1>(expected[i]));
    EXPECT_EQ(dyn.synonyms[i].source, std::get<2>(expected[i]));
  }

  // The topic view follows the broker's dynamic value.
  auto topic = storage::describe_topic_config({}, *c.broker_log_defaults());
  ASSERT_TRUE(topic.ok());
  const DescribedConfig& retention = entry(*topic, "retention.ms");
  EXPECT_EQ(retention.value, "1000");
  EXPECT_EQ(retention.source, ConfigSource::kDynamicBrokerConfig);
  EXPECT_EQ(retention.synonyms.size(), 4u);

  // The cluster-default resource lists only what is set cluster-wide.
  const auto cluster = c.describe(DynamicLevel::kClusterDefault);
  ASSERT_EQ(cluster.size(), 1u);
  EXPECT_EQ(cluster[0].name, "log.retention.ms");
  EXPECT_EQ(cluster[0].value, "2000");
  EXPECT_EQ(cluster[0].source, ConfigSource::kDynamicDefaultBrokerConfig);
  ASSERT_EQ(cluster[0].synonyms.size(), 1u);
  EXPECT_EQ(cluster[0].synonyms[0].source, ConfigSource::kDynamicDefaultBrokerConfig);
}

TEST(BrokerConfigTest, ReadersSeeWholeSnapshotsWhileUpdating) {
  BrokerConfig c = load_ok(std::nullopt);
  auto set_pair = [&](int i) {
    const std::vector<DynamicChange> pair = {{"message.max.bytes", std::to_string(1000 + i)},
                                             {"log.segment.bytes", std::to_string((1000 + i) * 1024)}};
    return c.alter(DynamicLevel::kBroker, pair);
  };
  ASSERT_TRUE(set_pair(0).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop.load()) {
      // Both keys are always changed together, so one snapshot shows a pair.
      auto layers = c.broker_log_defaults();
      auto topic = storage::LogConfig::resolve({}, *layers);
      if (!topic.ok() || topic->segment_bytes != topic->max_message_bytes * 1024) bad.fetch_add(1);
    }
  });
  for (int i = 1; i <= 200; ++i) EXPECT_TRUE(set_pair(i).ok());
  stop.store(true);
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace sluice::server
