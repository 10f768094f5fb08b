// Field-by-field decoding of the request frames captured from real clients
// (tests/protocol/golden): every header field and the notable body values the
// MANIFEST lists must come out of the generated decoders exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/frame.h"
#include "protocol/generated/all_messages.h"
#include "protocol/reader.h"
#include "tests/protocol/golden_files.h"

namespace sluice::protocol {
namespace {

constexpr const char* kKcatMember = "golden-kcat-3f9e41e6-514d-43c7-a494-5a536268cac8";
constexpr const char* kKafkaPythonMember1 = "golden-kafka-python-e8e8f519-e4e6-4eda-a9b2-9b2edaa0288e";
constexpr const char* kKafkaPythonMember2 = "golden-kafka-python-0e6df161-6e1c-49f9-9bc3-87671fa2dfd2";
constexpr const char* kKafkaJsMember = "golden-kafkajs-7d20c5de-2a71-4702-9728-ba848abedbed";

// The bytes of a golden file, kept for the whole run: decoded `records` fields
// are views into them.
const std::vector<std::uint8_t>& golden_bytes(const std::string& file) {
  static std::map<std::string, std::vector<std::uint8_t>> cache;
  auto it = cache.find(file);
  if (it == cache.end()) it = cache.emplace(file, testing::golden(file)).first;
  return it->second;
}

struct HeaderExpect {
  std::int16_t api_key;
  std::int16_t api_version;
  int header_version;
  std::int32_t correlation_id;
  std::string client_id;
  std::size_t frame_size;
};

// Parses the frame, checks its header against `h`, decodes the body as M and
// checks that the body was consumed completely. nullopt (after a failure) when
// it cannot decode.
template <class M>
std::optional<M> decode_golden(const std::string& file, const HeaderExpect& h) {
  const auto& bytes = golden_bytes(file);
  EXPECT_EQ(bytes.size(), h.frame_size) << file;
  auto frame = parse_request_frame(bytes);
  if (!frame.ok()) {
    ADD_FAILURE() << file << ": " << frame.status().detail;
    return std::nullopt;
  }
  EXPECT_EQ(frame->header.request_api_key, h.api_key) << file;
  EXPECT_EQ(frame->header.request_api_key, M::kApiKey) << file;
  EXPECT_EQ(frame->header.request_api_version, h.api_version) << file;
  EXPECT_EQ(frame->header_version, h.header_version) << file;
  EXPECT_EQ(frame->header.correlation_id, h.correlation_id) << file;
  EXPECT_EQ(frame->header.client_id, std::optional<std::string>(h.client_id)) << file;
  EXPECT_TRUE(frame->header.unknown_tagged_fields.empty()) << file;
  Reader r(frame->body);
  auto m = decode<M>(r, frame->api_version());
  if (!m.ok()) {
    ADD_FAILURE() << file << ": " << m.status().detail;
    return std::nullopt;
  }
  EXPECT_EQ(r.remaining(), 0u) << file << ": bytes left after the body";
  EXPECT_TRUE(m->unknown_tagged_fields.empty()) << file;
  return std::move(*m);
}

HeaderExpect kcat(std::int16_t key, std::int16_t version, std::int32_t corr, std::size_t size, int hdr = 1) {
  return {key, version, hdr, corr, "golden-kcat", size};
}
HeaderExpect kafka_python(std::int16_t key, std::int16_t version, std::int32_t corr, std::size_t size) {
  return {key, version, 1, corr, "golden-kafka-python", size};
}
HeaderExpect kafkajs(std::int16_t key, std::int16_t version, std::int32_t corr, std::size_t size) {
  return {key, version, 1, corr, "golden-kafkajs", size};
}

std::string str(std::span<const std::uint8_t> b) { return std::string(b.begin(), b.end()); }

// CRC-32C (Castagnoli), as in v2 record batches.
std::uint32_t crc32c(std::span<const std::uint8_t> data) {
  std::uint32_t c = 0xffffffffu;
  for (std::uint8_t b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82f63b78u & (~(c & 1u) + 1u));
  }
  return ~c;
}

// CRC-32 (IEEE), as in legacy messages.
std::uint32_t crc32(std::span<const std::uint8_t> data) {
  std::uint32_t c = 0xffffffffu;
  for (std::uint8_t b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (~(c & 1u) + 1u));
  }
  return ~c;
}

// ---- RecordBatch (magic 2) --------------------------------------------------

struct BatchHeader {
  std::int64_t base_offset = 0;
  std::int32_t batch_length = 0;
  std::int32_t partition_leader_epoch = 0;
  std::int8_t magic = 0;
  std::uint32_t crc = 0;
  std::int16_t attributes = 0;
  std::int32_t last_offset_delta = 0;
  std::int64_t base_timestamp = 0;
  std::int64_t max_timestamp = 0;
  std::int64_t producer_id = 0;
  std::int16_t producer_epoch = 0;
  std::int32_t base_sequence = 0;
  std::int32_t records_count = 0;
};

BatchHeader read_batch_header(std::span<const std::uint8_t> records) {
  Reader r(records);
  BatchHeader h;
  h.base_offset = r.i64();
  h.batch_length = r.i32();
  h.partition_leader_epoch = r.i32();
  h.magic = r.i8();
  h.crc = r.u32();
  h.attributes = r.i16();
  h.last_offset_delta = r.i32();
  h.base_timestamp = r.i64();
  h.max_timestamp = r.i64();
  h.producer_id = r.i64();
  h.producer_epoch = r.i16();
  h.base_sequence = r.i32();
  h.records_count = r.i32();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), 61u);
  // The documented absolute offsets agree with the sequential read.
  Reader at43(records.subspan(43));
  EXPECT_EQ(at43.i64(), h.producer_id);
  Reader at51(records.subspan(51));
  EXPECT_EQ(at51.i16(), h.producer_epoch);
  Reader at53(records.subspan(53));
  EXPECT_EQ(at53.i32(), h.base_sequence);
  Reader at57(records.subspan(57));
  EXPECT_EQ(at57.i32(), h.records_count);
  return h;
}

struct BatchExpect {
  std::size_t records_size;
  int codec;
  std::int64_t timestamp;  // base == max
  std::int64_t producer_id;
  std::int16_t producer_epoch;
  std::int32_t base_sequence;
  std::int32_t batch_length;
  std::uint32_t crc;
};

// Checks a v2 batch header (and its CRC-32C) against the MANIFEST values.
void expect_batch(const RecordsView& records, const BatchExpect& e) {
  ASSERT_FALSE(records.is_null());
  ASSERT_EQ(records.size(), e.records_size);
  const BatchHeader h = read_batch_header(records.bytes());
  EXPECT_EQ(h.base_offset, 0);
  EXPECT_EQ(h.batch_length, e.batch_length);
  EXPECT_EQ(static_cast<std::size_t>(h.batch_length) + 12u, records.size());
  EXPECT_EQ(h.partition_leader_epoch, 0);
  EXPECT_EQ(h.magic, 2);
  EXPECT_EQ(h.crc, e.crc);
  EXPECT_EQ(crc32c(records.bytes().subspan(21)), e.crc) << "CRC-32C over attributes..end";
  EXPECT_EQ(h.attributes, static_cast<std::int16_t>(e.codec));
  EXPECT_EQ(h.attributes & 0x7, e.codec);
  EXPECT_EQ(h.attributes & 0x10, 0) << "not transactional";
  EXPECT_EQ(h.last_offset_delta, 2);
  EXPECT_EQ(h.base_timestamp, e.timestamp);
  EXPECT_EQ(h.max_timestamp, e.timestamp);
  EXPECT_EQ(h.producer_id, e.producer_id);
  EXPECT_EQ(h.producer_epoch, e.producer_epoch);
  EXPECT_EQ(h.base_sequence, e.base_sequence);
  EXPECT_EQ(h.records_count, 3);
}

// Reads the records of an uncompressed v2 batch and checks them against
// 'key-i' => 'value-i' with header golden-header = header_values[i].
void expect_plain_records(const RecordsView& records, const std::array<const char*, 3>& header_values) {
  Reader r(records.bytes().subspan(61));
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("record " + std::to_string(i));
    const std::int32_t length = r.varint();
    ASSERT_TRUE(r.ok());
    ASSERT_GE(length, 0);
    Reader rec = r.sub(static_cast<std::size_t>(length));
    EXPECT_EQ(rec.i8(), 0) << "attributes";
    EXPECT_EQ(rec.varlong(), 0) << "timestamp delta";
    EXPECT_EQ(rec.varint(), i) << "offset delta";
    const std::int32_t key_len = rec.varint();
    ASSERT_GE(key_len, 0);
    EXPECT_EQ(str(rec.view(static_cast<std::size_t>(key_len))), "key-" + std::to_string(i + 1));
    const std::int32_t value_len = rec.varint();
    ASSERT_GE(value_len, 0);
    EXPECT_EQ(str(rec.view(static_cast<std::size_t>(value_len))), "value-" + std::to_string(i + 1));
    EXPECT_EQ(rec.varint(), 1) << "header count";
    const std::int32_t hk = rec.varint();
    ASSERT_GE(hk, 0);
    EXPECT_EQ(str(rec.view(static_cast<std::size_t>(hk))), "golden-header");
    const std::int32_t hv = rec.varint();
    ASSERT_GE(hv, 0);
    EXPECT_EQ(str(rec.view(static_cast<std::size_t>(hv))), header_values[static_cast<std::size_t>(i)]);
    EXPECT_TRUE(rec.ok());
    EXPECT_EQ(rec.remaining(), 0u);
  }
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

// Checks the produce request shell shared by all captured v7 produces and
// returns the single partition's records.
RecordsView expect_single_partition_produce(const ProduceRequest& p, std::int16_t acks, std::int32_t timeout_ms) {
  EXPECT_EQ(p.transactional_id, std::nullopt);
  EXPECT_EQ(p.acks, acks);
  EXPECT_EQ(p.timeout_ms, timeout_ms);
  if (p.topic_data.size() != 1u || p.topic_data[0].partition_data.size() != 1u) {
    ADD_FAILURE() << "expected one topic with one partition";
    return {};
  }
  EXPECT_EQ(p.topic_data[0].name, "golden-topic");
  EXPECT_EQ(p.topic_data[0].partition_data[0].index, 0);
  return p.topic_data[0].partition_data[0].records;
}

// ---- consumer embedded protocol --------------------------------------------

std::optional<ConsumerProtocolSubscription> decode_subscription(const std::vector<std::uint8_t>& bytes,
                                                                std::int16_t expect_version) {
  Reader r(bytes);
  const std::int16_t v = r.i16();
  EXPECT_EQ(v, expect_version);
  auto s = decode<ConsumerProtocolSubscription>(r, v);
  if (!s.ok()) {
    ADD_FAILURE() << s.status().detail;
    return std::nullopt;
  }
  EXPECT_EQ(r.remaining(), 0u);
  return std::move(*s);
}

std::optional<ConsumerProtocolAssignment> decode_assignment(const std::vector<std::uint8_t>& bytes,
                                                            std::int16_t expect_version) {
  Reader r(bytes);
  const std::int16_t v = r.i16();
  EXPECT_EQ(v, expect_version);
  auto a = decode<ConsumerProtocolAssignment>(r, v);
  if (!a.ok()) {
    ADD_FAILURE() << a.status().detail;
    return std::nullopt;
  }
  EXPECT_EQ(r.remaining(), 0u);
  return std::move(*a);
}

void expect_golden_topic_subscription(const JoinGroupRequest::JoinGroupRequestProtocol& p, const char* name,
                                      std::int16_t sub_version, std::size_t metadata_size) {
  SCOPED_TRACE(name);
  EXPECT_EQ(p.name, name);
  EXPECT_EQ(p.metadata.size(), metadata_size);
  auto s = decode_subscription(p.metadata, sub_version);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->topics, std::vector<std::string>{"golden-topic"});
  EXPECT_EQ(s->user_data, std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{}));
  EXPECT_TRUE(s->owned_partitions.empty());
}

void expect_golden_topic_assignment(const SyncGroupRequest& s, const std::string& member) {
  ASSERT_EQ(s.assignments.size(), 1u);
  EXPECT_EQ(s.assignments[0].member_id, member);
  EXPECT_EQ(s.assignments[0].assignment.size(), 32u);
  auto a = decode_assignment(s.assignments[0].assignment, 0);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->assigned_partitions.size(), 1u);
  EXPECT_EQ(a->assigned_partitions[0].topic, "golden-topic");
  EXPECT_EQ(a->assigned_partitions[0].partitions, std::vector<std::int32_t>{0});
  EXPECT_EQ(a->user_data, std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{}));
}

// ============================================================================
// MANIFEST table: every file's header matches its row.

std::vector<std::string> split_row(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  for (auto& c : cells) {
    const auto b = c.find_first_not_of(' ');
    const auto e = c.find_last_not_of(' ');
    c = b == std::string::npos ? std::string() : c.substr(b, e - b + 1);
  }
  return cells;
}

TEST(GoldenFields, ManifestHeaderColumnsMatchEveryFile) {
  std::ifstream in(testing::golden_dir() / "MANIFEST.md");
  ASSERT_TRUE(in.good());
  std::set<std::string> listed;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("| `")) continue;
    const auto cells = split_row(line);
    ASSERT_GE(cells.size(), 10u) << line;
    const std::string file = cells[0].substr(1, cells[0].size() - 2);
    SCOPED_TRACE(file);
    listed.insert(file);
    const auto open = cells[2].rfind('(');
    ASSERT_NE(open, std::string::npos);
    const int key = std::stoi(cells[2].substr(open + 1));
    const int version = std::stoi(cells[3]);
    const int hdr = std::stoi(cells[4]);
    const bool flexible = cells[5] == "yes";
    const std::size_t size = std::stoul(cells[6]);
    const int corr = std::stoi(cells[7]);
    ASSERT_GE(cells[8].size(), 2u);
    const std::string client_id = cells[8].substr(1, cells[8].size() - 2);

    const auto& bytes = golden_bytes(file);
    EXPECT_EQ(bytes.size(), size);
    auto frame = parse_request_frame(bytes);
    ASSERT_TRUE(frame.ok()) << frame.status().detail;
    EXPECT_EQ(frame->api_key(), key);
    EXPECT_EQ(frame->api_version(), version);
    EXPECT_EQ(frame->header_version, hdr);
    EXPECT_EQ(frame->header_version == 2, flexible);
    EXPECT_EQ(frame->header.correlation_id, corr);
    EXPECT_EQ(frame->header.client_id, std::optional<std::string>(client_id));
  }
  const auto files = testing::all_golden_files();
  EXPECT_EQ(listed, std::set<std::string>(files.begin(), files.end()));
}

// ============================================================================
// ApiVersions (18)

TEST(GoldenFields, ApiVersionsKcatV3) {
  auto m = decode_golden<ApiVersionsRequest>("kcat/001_ApiVersions_v3.bin", kcat(18, 3, 1, 40, 2));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->client_software_name, "librdkafka");
  EXPECT_EQ(m->client_software_version, "2.0.2");
}

TEST(GoldenFields, ApiVersionsConfluentPythonV3) {
  auto m = decode_golden<ApiVersionsRequest>("confluent-kafka-python/001_ApiVersions_v3.bin",
                                             {18, 3, 2, 1, "golden-confluent-python", 78});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->client_software_name, "confluent-kafka-python");
  EXPECT_EQ(m->client_software_version, "1.7.0-rdkafka-2.0.2");
}

TEST(GoldenFields, ApiVersionsKafkaPythonV0EmptyBody) {
  const auto& bytes = golden_bytes("kafka-python/001_ApiVersions_v0.bin");
  auto frame = parse_request_frame(bytes);
  ASSERT_TRUE(frame.ok());
  EXPECT_TRUE(frame->body.empty());
  auto m = decode_golden<ApiVersionsRequest>("kafka-python/001_ApiVersions_v0.bin", kafka_python(18, 0, 1, 29));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->client_software_name, "");
  EXPECT_EQ(m->client_software_version, "");
}

TEST(GoldenFields, ApiVersionsKafkaJsV2EmptyBody) {
  const auto& bytes = golden_bytes("kafkajs/001_ApiVersions_v2.bin");
  auto frame = parse_request_frame(bytes);
  ASSERT_TRUE(frame.ok());
  EXPECT_TRUE(frame->body.empty());
  auto m = decode_golden<ApiVersionsRequest>("kafkajs/001_ApiVersions_v2.bin", kafkajs(18, 2, 0, 24));
  ASSERT_TRUE(m);
}

// ============================================================================
// Metadata (3)

void expect_topics(const MetadataRequest& m, const std::vector<std::string>& names) {
  ASSERT_TRUE(m.topics.has_value());
  ASSERT_EQ(m.topics->size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ((*m.topics)[i].name, std::optional<std::string>(names[i]));
}

TEST(GoldenFields, MetadataKcatV4Topics) {
  auto m = decode_golden<MetadataRequest>("kcat/005_Metadata_v4_topics.bin", kcat(3, 4, 2, 40));
  ASSERT_TRUE(m);
  expect_topics(*m, {"golden-topic"});
  EXPECT_TRUE(m->allow_auto_topic_creation);
}

TEST(GoldenFields, MetadataKcatV4AllTopicsIsNull) {
  auto m = decode_golden<MetadataRequest>("kcat/003_Metadata_v4_alltopics.bin", kcat(3, 4, 3, 26));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->topics.has_value());
  EXPECT_TRUE(m->allow_auto_topic_creation);
}

TEST(GoldenFields, MetadataKcatV4NoTopics) {
  auto m = decode_golden<MetadataRequest>("kcat/002_Metadata_v4_notopics.bin", kcat(3, 4, 2, 26));
  ASSERT_TRUE(m);
  expect_topics(*m, {});
  EXPECT_FALSE(m->allow_auto_topic_creation);
}

TEST(GoldenFields, MetadataKafkaPythonV0AllTopicsIsEmpty) {
  auto m = decode_golden<MetadataRequest>("kafka-python/002_Metadata_v0_alltopics.bin", kafka_python(3, 0, 2, 33));
  ASSERT_TRUE(m);
  expect_topics(*m, {});
}

TEST(GoldenFields, MetadataKafkaPythonV1) {
  auto all = decode_golden<MetadataRequest>("kafka-python/003_Metadata_v1_alltopics.bin", kafka_python(3, 1, 3, 33));
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->topics.has_value());
  auto some = decode_golden<MetadataRequest>("kafka-python/012_Metadata_v1_topics.bin", kafka_python(3, 1, 4, 47));
  ASSERT_TRUE(some);
  expect_topics(*some, {"golden-topic"});
}

TEST(GoldenFields, MetadataKafkaJsV6) {
  auto m = decode_golden<MetadataRequest>("kafkajs/002_Metadata_v6_topics.bin", kafkajs(3, 6, 1, 43));
  ASSERT_TRUE(m);
  expect_topics(*m, {"golden-topic"});
  EXPECT_TRUE(m->allow_auto_topic_creation);
  auto all = decode_golden<MetadataRequest>("kafkajs/008_Metadata_v6_alltopics.bin", kafkajs(3, 6, 1, 29));
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->topics.has_value());
  EXPECT_TRUE(all->allow_auto_topic_creation);
}

// ============================================================================
// Produce (0)

TEST(GoldenFields, ProduceKcatV7None) {
  auto m = decode_golden<ProduceRequest>("kcat/006_Produce_v7_none.bin", kcat(0, 7, 3, 234));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 30000);
  expect_batch(rec, {175, 0, 1795587892576, -1, -1, -1, 163, 0xe9b532f8u});
  expect_plain_records(rec, {"hv-1", "hv-1", "hv-1"});
}

TEST(GoldenFields, ProduceKcatV7Gzip) {
  auto m = decode_golden<ProduceRequest>("kcat/009_Produce_v7_gzip.bin", kcat(0, 7, 3, 199));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 30000);
  expect_batch(rec, {140, 1, 1795587892587, -1, -1, -1, 128, 0x8c9a656cu});
  // gzip member magic right after the batch header.
  ASSERT_GT(rec.size(), 63u);
  EXPECT_EQ(rec.bytes()[61], 0x1f);
  EXPECT_EQ(rec.bytes()[62], 0x8b);
}

TEST(GoldenFields, ProduceKcatV7Snappy) {
  auto m = decode_golden<ProduceRequest>("kcat/012_Produce_v7_snappy.bin", kcat(0, 7, 3, 190));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 30000);
  expect_batch(rec, {131, 2, 1795587892598, -1, -1, -1, 119, 0xdfdadcbau});
}

TEST(GoldenFields, ProduceKcatV7Lz4) {
  auto m = decode_golden<ProduceRequest>("kcat/015_Produce_v7_lz4.bin", kcat(0, 7, 3, 208));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 30000);
  expect_batch(rec, {149, 3, 1795587892609, -1, -1, -1, 137, 0x21c3cd6cu});
  // LZ4 frame magic 0x184D2204 (little-endian) after the batch header.
  ASSERT_GT(rec.size(), 65u);
  EXPECT_EQ(rec.bytes()[61], 0x04);
  EXPECT_EQ(rec.bytes()[62], 0x22);
  EXPECT_EQ(rec.bytes()[63], 0x4d);
  EXPECT_EQ(rec.bytes()[64], 0x18);
}

TEST(GoldenFields, ProduceKcatV7Zstd) {
  auto m = decode_golden<ProduceRequest>("kcat/018_Produce_v7_zstd.bin", kcat(0, 7, 3, 193));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 30000);
  expect_batch(rec, {134, 4, 1795587892620, -1, -1, -1, 122, 0xf28b0717u});
  // zstd frame magic 0xFD2FB528 (little-endian).
  ASSERT_GT(rec.size(), 65u);
  EXPECT_EQ(rec.bytes()[61], 0x28);
  EXPECT_EQ(rec.bytes()[62], 0xb5);
  EXPECT_EQ(rec.bytes()[63], 0x2f);
  EXPECT_EQ(rec.bytes()[64], 0xfd);
}

TEST(GoldenFields, ProduceKcatV7Acks0) {
  auto m = decode_golden<ProduceRequest>("kcat/021_Produce_v7_none_acks0.bin", kcat(0, 7, 3, 234));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, 0, 30000);
  expect_batch(rec, {175, 0, 1795587892630, -1, -1, -1, 163, 0xc7761519u});
  expect_plain_records(rec, {"hv-1", "hv-1", "hv-1"});
}

TEST(GoldenFields, ProduceKcatV7Idempotent) {
  auto m = decode_golden<ProduceRequest>("kcat/025_Produce_v7_none_idempotent.bin", kcat(0, 7, 4, 234));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 30000);
  expect_batch(rec, {175, 0, 1795587892642, 4000, 0, 0, 163, 0xb8ea9430u});
  expect_plain_records(rec, {"hv-1", "hv-1", "hv-1"});
}

TEST(GoldenFields, ProduceConfluentPythonV7Idempotent) {
  auto m = decode_golden<ProduceRequest>("confluent-kafka-python/025_Produce_v7_none_idempotent.bin",
                                         {0, 7, 1, 5, "golden-confluent-python", 246});
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 30000);
  ASSERT_EQ(rec.size(), 175u);
  const BatchHeader h = read_batch_header(rec.bytes());
  EXPECT_EQ(h.magic, 2);
  EXPECT_EQ(h.producer_id, 4000);
  EXPECT_EQ(h.producer_epoch, 0);
  EXPECT_EQ(h.base_sequence, 0);
  EXPECT_EQ(h.crc, crc32c(rec.bytes().subspan(21)));
  expect_plain_records(rec, {"hv-1", "hv-2", "hv-3"});
}

TEST(GoldenFields, ProduceKafkaPythonV7None) {
  auto m = decode_golden<ProduceRequest>("kafka-python/004_Produce_v7_none.bin", kafka_python(0, 7, 1, 242));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, 1, 15000);
  expect_batch(rec, {175, 0, 1795587894437, -1, -1, -1, 163, 0x61bccdddu});
  expect_plain_records(rec, {"hv-1", "hv-2", "hv-3"});
}

TEST(GoldenFields, ProduceKafkaJsV7None) {
  auto m = decode_golden<ProduceRequest>("kafkajs/003_Produce_v7_none.bin", kafkajs(0, 7, 2, 237));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 15000);
  // KafkaJS writes producerEpoch 0 and baseSequence 0 even when not idempotent.
  expect_batch(rec, {175, 0, 1795587895533, -1, 0, 0, 163, 0x5ba7cd55u});
  expect_plain_records(rec, {"hv-1", "hv-2", "hv-3"});
}

TEST(GoldenFields, ProduceKafkaJsV7Gzip) {
  auto m = decode_golden<ProduceRequest>("kafkajs/006_Produce_v7_gzip.bin", kafkajs(0, 7, 2, 207));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 15000);
  expect_batch(rec, {145, 1, 1795587895622, -1, 0, 0, 133, 0xa112d17eu});
}

TEST(GoldenFields, ProduceKafkaJsV7Idempotent) {
  auto m = decode_golden<ProduceRequest>("kafkajs/011_Produce_v7_none_idempotent.bin", kafkajs(0, 7, 4, 237));
  ASSERT_TRUE(m);
  const RecordsView rec = expect_single_partition_produce(*m, -1, 15000);
  expect_batch(rec, {175, 0, 1795587895720, 4000, 0, 0, 163, 0xbfc6580eu});
  expect_plain_records(rec, {"hv-1", "hv-2", "hv-3"});
}

// A legacy (magic 0/1) message as read from a message set.
struct LegacyMessage {
  std::int64_t offset;
  std::uint32_t crc;
  std::int8_t magic;
  std::int8_t attributes;
  std::int64_t timestamp;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

std::optional<std::string> legacy_bytes(Reader& r) {
  const std::int32_t n = r.i32();
  if (n < 0) return std::nullopt;
  return str(r.view(static_cast<std::size_t>(n)));
}

LegacyMessage read_legacy(Reader& set) {
  LegacyMessage m{};
  m.offset = set.i64();
  const std::int32_t size = set.i32();
  EXPECT_GE(size, 0);
  Reader msg = set.sub(static_cast<std::size_t>(std::max(size, 0)));
  Reader whole = msg;
  m.crc = msg.u32();
  auto rest = whole.view(whole.remaining()).subspan(4);
  EXPECT_EQ(crc32(rest), m.crc) << "legacy CRC-32 over magic..end";
  m.magic = msg.i8();
  m.attributes = msg.i8();
  m.timestamp = msg.i64();
  m.key = legacy_bytes(msg);
  m.value = legacy_bytes(msg);
  EXPECT_TRUE(msg.ok());
  EXPECT_EQ(msg.remaining(), 0u);
  return m;
}

TEST(GoldenFields, ProduceKafkaPythonV2Magic1) {
  auto m = decode_golden<ProduceRequest>("kafka-python/023_Produce_v2_none_magic1.bin", kafka_python(0, 2, 1, 203));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->acks, 1);
  EXPECT_EQ(m->timeout_ms, 15000);
  ASSERT_EQ(m->topic_data.size(), 1u);
  EXPECT_EQ(m->topic_data[0].name, "golden-topic");
  ASSERT_EQ(m->topic_data[0].partition_data.size(), 1u);
  EXPECT_EQ(m->topic_data[0].partition_data[0].index, 0);
  const RecordsView rec = m->topic_data[0].partition_data[0].records;
  ASSERT_FALSE(rec.is_null());
  ASSERT_EQ(rec.size(), 138u);
  EXPECT_EQ(rec.bytes()[16], 1) << "first message's magic byte";
  const std::array<std::uint32_t, 3> crcs = {0x513eff16u, 0xbfa97c5cu, 0x530b00a5u};
  Reader set(rec.bytes());
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    const LegacyMessage msg = read_legacy(set);
    EXPECT_EQ(msg.offset, i);
    EXPECT_EQ(msg.crc, crcs[static_cast<std::size_t>(i)]);
    EXPECT_EQ(msg.magic, 1);
    EXPECT_EQ(msg.attributes & 0x7, 0);
    EXPECT_EQ(msg.timestamp, 1795587894987);
    EXPECT_EQ(msg.key, std::optional<std::string>("key-" + std::to_string(i + 1)));
    EXPECT_EQ(msg.value, std::optional<std::string>("value-" + std::to_string(i + 1)));
  }
  EXPECT_TRUE(set.ok());
  EXPECT_EQ(set.remaining(), 0u);
}

TEST(GoldenFields, ProduceKafkaPythonV2GzipMagic1) {
  auto m = decode_golden<ProduceRequest>("kafka-python/025_Produce_v2_gzip_magic1.bin", kafka_python(0, 2, 1, 184));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->acks, 1);
  EXPECT_EQ(m->timeout_ms, 15000);
  ASSERT_EQ(m->topic_data.size(), 1u);
  ASSERT_EQ(m->topic_data[0].partition_data.size(), 1u);
  const RecordsView rec = m->topic_data[0].partition_data[0].records;
  ASSERT_EQ(rec.size(), 119u);
  Reader set(rec.bytes());
  const LegacyMessage wrapper = read_legacy(set);
  EXPECT_EQ(set.remaining(), 0u);
  EXPECT_EQ(wrapper.offset, 0);
  EXPECT_EQ(wrapper.magic, 1);
  EXPECT_EQ(wrapper.attributes & 0x7, 1) << "gzip";
  EXPECT_EQ(wrapper.timestamp, 0);
  EXPECT_EQ(wrapper.crc, 0xf18ea3ddu);
  EXPECT_EQ(rec.bytes()[16], 1) << "wrapper magic byte";
}

// ============================================================================
// Fetch (1)

void expect_golden_fetch_partition(const FetchRequest& f, std::int16_t version) {
  ASSERT_EQ(f.topics.size(), 1u);
  EXPECT_EQ(f.topics[0].topic, "golden-topic");
  ASSERT_EQ(f.topics[0].partitions.size(), 1u);
  const auto& p = f.topics[0].partitions[0];
  EXPECT_EQ(p.partition, 0);
  EXPECT_EQ(p.fetch_offset, 0);
  EXPECT_EQ(p.partition_max_bytes, 1048576);
  if (version >= 5) {
    EXPECT_EQ(p.log_start_offset, -1);
  }
  if (version >= 9) {
    EXPECT_EQ(p.current_leader_epoch, -1);
  }
}

TEST(GoldenFields, FetchKcatV11) {
  auto f = decode_golden<FetchRequest>("kcat/030_Fetch_v11.bin", kcat(1, 11, 5, 102));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->replica_id, -1);
  EXPECT_EQ(f->max_wait_ms, 500);
  EXPECT_EQ(f->min_bytes, 1);
  EXPECT_EQ(f->max_bytes, 52428800);
  EXPECT_EQ(f->isolation_level, 1);
  EXPECT_EQ(f->session_id, 0);
  EXPECT_EQ(f->session_epoch, -1);
  expect_golden_fetch_partition(*f, 11);
  EXPECT_TRUE(f->forgotten_topics_data.empty());
  EXPECT_EQ(f->rack_id, "");
}

TEST(GoldenFields, FetchKafkaJsV11) {
  auto f = decode_golden<FetchRequest>("kafkajs/021_Fetch_v11.bin", kafkajs(1, 11, 0, 105));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->replica_id, -1);
  EXPECT_EQ(f->max_wait_ms, 5000);
  EXPECT_EQ(f->min_bytes, 1);
  EXPECT_EQ(f->max_bytes, 10485760);
  EXPECT_EQ(f->isolation_level, 1);
  EXPECT_EQ(f->session_id, 0);
  EXPECT_EQ(f->session_epoch, -1);
  expect_golden_fetch_partition(*f, 11);
  EXPECT_TRUE(f->forgotten_topics_data.empty());
  EXPECT_EQ(f->rack_id, "");
}

TEST(GoldenFields, FetchKafkaPythonV4) {
  auto f = decode_golden<FetchRequest>("kafka-python/019_Fetch_v4.bin", kafka_python(1, 4, 3, 84));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->replica_id, -1);
  EXPECT_EQ(f->max_wait_ms, 500);
  EXPECT_EQ(f->min_bytes, 1);
  EXPECT_EQ(f->max_bytes, 52428800);
  EXPECT_EQ(f->isolation_level, 0);
  expect_golden_fetch_partition(*f, 4);
}

TEST(GoldenFields, FetchKafkaPythonV3) {
  auto f = decode_golden<FetchRequest>("kafka-python/033_Fetch_v3.bin", kafka_python(1, 3, 3, 83));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->replica_id, -1);
  EXPECT_EQ(f->max_wait_ms, 500);
  EXPECT_EQ(f->min_bytes, 1);
  EXPECT_EQ(f->max_bytes, 52428800);
  expect_golden_fetch_partition(*f, 3);
}

// ============================================================================
// ListOffsets (2)

void expect_list_offsets_partition(const ListOffsetsRequest& l, std::int64_t timestamp) {
  EXPECT_EQ(l.replica_id, -1);
  ASSERT_EQ(l.topics.size(), 1u);
  EXPECT_EQ(l.topics[0].name, "golden-topic");
  ASSERT_EQ(l.topics[0].partitions.size(), 1u);
  EXPECT_EQ(l.topics[0].partitions[0].partition_index, 0);
  EXPECT_EQ(l.topics[0].partitions[0].timestamp, timestamp);
}

TEST(GoldenFields, ListOffsetsKcatV2Earliest) {
  auto l = decode_golden<ListOffsetsRequest>("kcat/029_ListOffsets_v2_earliest.bin", kcat(2, 2, 4, 60));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->isolation_level, 1);
  expect_list_offsets_partition(*l, -2);
}

TEST(GoldenFields, ListOffsetsKcatV2Latest) {
  auto l = decode_golden<ListOffsetsRequest>("kcat/036_ListOffsets_v2_latest.bin", kcat(2, 2, 4, 60));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->isolation_level, 1);
  expect_list_offsets_partition(*l, -1);
}

TEST(GoldenFields, ListOffsetsKafkaPythonV1) {
  auto l = decode_golden<ListOffsetsRequest>("kafka-python/018_ListOffsets_v1_earliest.bin", kafka_python(2, 1, 2, 67));
  ASSERT_TRUE(l);
  expect_list_offsets_partition(*l, -2);
}

TEST(GoldenFields, ListOffsetsKafkaJsV3) {
  auto l = decode_golden<ListOffsetsRequest>("kafkajs/020_ListOffsets_v3_earliest.bin", kafkajs(2, 3, 8, 63));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->isolation_level, 1);
  expect_list_offsets_partition(*l, -2);
}

// ============================================================================
// FindCoordinator (10)

TEST(GoldenFields, FindCoordinatorKcatV2) {
  auto f = decode_golden<FindCoordinatorRequest>("kcat/041_FindCoordinator_v2.bin", kcat(10, 2, 3, 36));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->key, "golden-group");
  EXPECT_EQ(f->key_type, 0);
}

TEST(GoldenFields, FindCoordinatorKafkaPythonV0) {
  auto f = decode_golden<FindCoordinatorRequest>("kafka-python/011_FindCoordinator_v0.bin", kafka_python(10, 0, 3, 43));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->key, "golden-group");
}

TEST(GoldenFields, FindCoordinatorKafkaJsV2) {
  auto f = decode_golden<FindCoordinatorRequest>("kafkajs/014_FindCoordinator_v2.bin", kafkajs(10, 2, 2, 39));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->key, "golden-group");
  EXPECT_EQ(f->key_type, 0);
}

// ============================================================================
// JoinGroup (11)

TEST(GoldenFields, JoinGroupKcatV5NoMemberId) {
  auto j = decode_golden<JoinGroupRequest>("kcat/046_JoinGroup_v5_nomemberid.bin", kcat(11, 5, 3, 144));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->group_id, "golden-group");
  EXPECT_EQ(j->session_timeout_ms, 45000);
  EXPECT_EQ(j->rebalance_timeout_ms, 300000);
  EXPECT_EQ(j->member_id, "");
  EXPECT_EQ(j->group_instance_id, std::nullopt);
  EXPECT_EQ(j->protocol_type, "consumer");
  ASSERT_EQ(j->protocols.size(), 2u);
  expect_golden_topic_subscription(j->protocols[0], "range", 1, 28);
  expect_golden_topic_subscription(j->protocols[1], "roundrobin", 1, 28);
}

TEST(GoldenFields, JoinGroupKcatV5WithMemberId) {
  auto j = decode_golden<JoinGroupRequest>("kcat/047_JoinGroup_v5_withmemberid.bin", kcat(11, 5, 4, 192));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->group_id, "golden-group");
  EXPECT_EQ(j->member_id, kKcatMember);
  EXPECT_EQ(j->group_instance_id, std::nullopt);
  ASSERT_EQ(j->protocols.size(), 2u);
  expect_golden_topic_subscription(j->protocols[0], "range", 1, 28);
  expect_golden_topic_subscription(j->protocols[1], "roundrobin", 1, 28);
}

TEST(GoldenFields, JoinGroupKafkaJsV5) {
  auto j = decode_golden<JoinGroupRequest>("kafkajs/015_JoinGroup_v5_nomemberid.bin", kafkajs(11, 5, 3, 112));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->group_id, "golden-group");
  EXPECT_EQ(j->session_timeout_ms, 30000);
  EXPECT_EQ(j->rebalance_timeout_ms, 60000);
  EXPECT_EQ(j->member_id, "");
  EXPECT_EQ(j->group_instance_id, std::nullopt);
  EXPECT_EQ(j->protocol_type, "consumer");
  ASSERT_EQ(j->protocols.size(), 1u);
  expect_golden_topic_subscription(j->protocols[0], "RoundRobinAssigner", 0, 24);

  auto again = decode_golden<JoinGroupRequest>("kafkajs/016_JoinGroup_v5_withmemberid.bin", kafkajs(11, 5, 4, 163));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->member_id, kKafkaJsMember);
  ASSERT_EQ(again->protocols.size(), 1u);
  expect_golden_topic_subscription(again->protocols[0], "RoundRobinAssigner", 0, 24);
}

TEST(GoldenFields, JoinGroupKafkaPythonV1) {
  auto j = decode_golden<JoinGroupRequest>("kafka-python/028_JoinGroup_v1_nomemberid.bin", kafka_python(11, 1, 1, 142));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->group_id, "golden-group");
  EXPECT_EQ(j->session_timeout_ms, 10000);
  EXPECT_EQ(j->rebalance_timeout_ms, 300000);
  EXPECT_EQ(j->member_id, "");
  EXPECT_EQ(j->protocol_type, "consumer");
  ASSERT_EQ(j->protocols.size(), 2u);
  expect_golden_topic_subscription(j->protocols[0], "range", 0, 24);
  expect_golden_topic_subscription(j->protocols[1], "roundrobin", 0, 24);
}

TEST(GoldenFields, JoinGroupKafkaPythonV2) {
  auto j = decode_golden<JoinGroupRequest>("kafka-python/013_JoinGroup_v2_nomemberid.bin", kafka_python(11, 2, 1, 142));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->group_id, "golden-group");
  EXPECT_EQ(j->session_timeout_ms, 10000);
  EXPECT_EQ(j->rebalance_timeout_ms, 300000);
  EXPECT_EQ(j->member_id, "");
  ASSERT_EQ(j->protocols.size(), 2u);
  expect_golden_topic_subscription(j->protocols[0], "range", 0, 24);
  expect_golden_topic_subscription(j->protocols[1], "roundrobin", 0, 24);
}

// ============================================================================
// SyncGroup (14)

TEST(GoldenFields, SyncGroupKcatV3) {
  auto s = decode_golden<SyncGroupRequest>("kcat/049_SyncGroup_v3.bin", kcat(14, 3, 6, 181));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->group_id, "golden-group");
  EXPECT_EQ(s->generation_id, 1);
  EXPECT_EQ(s->member_id, kKcatMember);
  EXPECT_EQ(s->group_instance_id, std::nullopt);
  expect_golden_topic_assignment(*s, kKcatMember);
}

TEST(GoldenFields, SyncGroupKafkaJsV3) {
  auto s = decode_golden<SyncGroupRequest>("kafkajs/018_SyncGroup_v3.bin", kafkajs(14, 3, 6, 190));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->group_id, "golden-group");
  EXPECT_EQ(s->generation_id, 1);
  EXPECT_EQ(s->member_id, kKafkaJsMember);
  EXPECT_EQ(s->group_instance_id, std::nullopt);
  expect_golden_topic_assignment(*s, kKafkaJsMember);
}

TEST(GoldenFields, SyncGroupKafkaPythonV1AndV0) {
  auto s1 = decode_golden<SyncGroupRequest>("kafka-python/015_SyncGroup_v1.bin", kafka_python(14, 1, 2, 203));
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->group_id, "golden-group");
  EXPECT_EQ(s1->generation_id, 1);
  EXPECT_EQ(s1->member_id, kKafkaPythonMember1);
  expect_golden_topic_assignment(*s1, kKafkaPythonMember1);

  auto s0 = decode_golden<SyncGroupRequest>("kafka-python/030_SyncGroup_v0.bin", kafka_python(14, 0, 2, 203));
  ASSERT_TRUE(s0);
  EXPECT_EQ(s0->group_id, "golden-group");
  EXPECT_EQ(s0->generation_id, 2);
  EXPECT_EQ(s0->member_id, kKafkaPythonMember2);
  expect_golden_topic_assignment(*s0, kKafkaPythonMember2);
}

// ============================================================================
// OffsetCommit (8)

void expect_single_commit(const OffsetCommitRequest& c, std::optional<std::string> metadata) {
  ASSERT_EQ(c.topics.size(), 1u);
  EXPECT_EQ(c.topics[0].name, "golden-topic");
  ASSERT_EQ(c.topics[0].partitions.size(), 1u);
  const auto& p = c.topics[0].partitions[0];
  EXPECT_EQ(p.partition_index, 0);
  EXPECT_EQ(p.committed_offset, 2);
  EXPECT_EQ(p.committed_metadata, metadata);
}

TEST(GoldenFields, OffsetCommitKcatV7) {
  auto c = decode_golden<OffsetCommitRequest>("kcat/055_OffsetCommit_v7.bin", kcat(8, 7, 9, 131));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->group_id, "golden-group");
  EXPECT_EQ(c->generation_id_or_member_epoch, 1);
  EXPECT_EQ(c->member_id, kKcatMember);
  EXPECT_EQ(c->group_instance_id, std::nullopt);
  expect_single_commit(*c, std::string(""));
  EXPECT_EQ(c->topics[0].partitions[0].committed_leader_epoch, -1);
}

TEST(GoldenFields, OffsetCommitKafkaPythonV2) {
  auto c = decode_golden<OffsetCommitRequest>("kafka-python/020_OffsetCommit_v2.bin", kafka_python(8, 2, 4, 149));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->group_id, "golden-group");
  EXPECT_EQ(c->generation_id_or_member_epoch, 1);
  EXPECT_EQ(c->member_id, kKafkaPythonMember1);
  EXPECT_EQ(c->retention_time_ms, -1);
  expect_single_commit(*c, std::string(""));
}

TEST(GoldenFields, OffsetCommitKafkaJsV5NullMetadata) {
  auto c = decode_golden<OffsetCommitRequest>("kafkajs/027_OffsetCommit_v5.bin", kafkajs(8, 5, 11, 131));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->group_id, "golden-group");
  EXPECT_EQ(c->generation_id_or_member_epoch, 1);
  EXPECT_EQ(c->member_id, kKafkaJsMember);
  expect_single_commit(*c, std::nullopt);
}

// ============================================================================
// OffsetFetch (9)

void expect_fetch_golden_topic(const OffsetFetchRequest& f) {
  EXPECT_EQ(f.group_id, "golden-group");
  ASSERT_TRUE(f.topics.has_value());
  ASSERT_EQ(f.topics->size(), 1u);
  EXPECT_EQ((*f.topics)[0].name, "golden-topic");
  EXPECT_EQ((*f.topics)[0].partition_indexes, std::vector<std::int32_t>{0});
}

TEST(GoldenFields, OffsetFetchKcatV7) {
  auto f = decode_golden<OffsetFetchRequest>("kcat/051_OffsetFetch_v7.bin", kcat(9, 7, 8, 57, 2));
  ASSERT_TRUE(f);
  expect_fetch_golden_topic(*f);
  EXPECT_TRUE(f->require_stable);
}

TEST(GoldenFields, OffsetFetchKafkaPythonV1) {
  auto f = decode_golden<OffsetFetchRequest>("kafka-python/016_OffsetFetch_v1.bin", kafka_python(9, 1, 3, 69));
  ASSERT_TRUE(f);
  expect_fetch_golden_topic(*f);
}

TEST(GoldenFields, OffsetFetchKafkaJsV4) {
  auto f = decode_golden<OffsetFetchRequest>("kafkajs/019_OffsetFetch_v4.bin", kafkajs(9, 4, 7, 64));
  ASSERT_TRUE(f);
  expect_fetch_golden_topic(*f);
}

// ============================================================================
// Heartbeat (12) and LeaveGroup (13)

TEST(GoldenFields, HeartbeatKcatV3) {
  auto h = decode_golden<HeartbeatRequest>("kcat/050_Heartbeat_v3.bin", kcat(12, 3, 7, 91));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->group_id, "golden-group");
  EXPECT_EQ(h->generation_id, 1);
  EXPECT_EQ(h->member_id, kKcatMember);
  EXPECT_EQ(h->group_instance_id, std::nullopt);
}

TEST(GoldenFields, HeartbeatKafkaJsV3) {
  auto h = decode_golden<HeartbeatRequest>("kafkajs/023_Heartbeat_v3.bin", kafkajs(12, 3, 9, 97));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->group_id, "golden-group");
  EXPECT_EQ(h->generation_id, 1);
  EXPECT_EQ(h->member_id, kKafkaJsMember);
  EXPECT_EQ(h->group_instance_id, std::nullopt);
}

TEST(GoldenFields, LeaveGroupKcatV1) {
  auto l = decode_golden<LeaveGroupRequest>("kcat/056_LeaveGroup_v1.bin", kcat(13, 1, 10, 85));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->group_id, "golden-group");
  EXPECT_EQ(l->member_id, kKcatMember);
  EXPECT_TRUE(l->members.empty());
}

TEST(GoldenFields, LeaveGroupKafkaPythonV0AndV1) {
  auto l0 = decode_golden<LeaveGroupRequest>("kafka-python/035_LeaveGroup_v0.bin", kafka_python(13, 0, 5, 101));
  ASSERT_TRUE(l0);
  EXPECT_EQ(l0->group_id, "golden-group");
  EXPECT_EQ(l0->member_id, kKafkaPythonMember2);

  auto l1 = decode_golden<LeaveGroupRequest>("kafka-python/021_LeaveGroup_v1.bin", kafka_python(13, 1, 5, 101));
  ASSERT_TRUE(l1);
  EXPECT_EQ(l1->group_id, "golden-group");
  EXPECT_EQ(l1->member_id, kKafkaPythonMember1);
}

TEST(GoldenFields, LeaveGroupKafkaJsV3) {
  auto l = decode_golden<LeaveGroupRequest>("kafkajs/028_LeaveGroup_v3.bin", kafkajs(13, 3, 12, 97));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->group_id, "golden-group");
  EXPECT_EQ(l->member_id, "");  // v3 carries members instead
  ASSERT_EQ(l->members.size(), 1u);
  EXPECT_EQ(l->members[0].member_id, kKafkaJsMember);
  EXPECT_EQ(l->members[0].group_instance_id, std::nullopt);
}

// ============================================================================
// InitProducerId (22)

TEST(GoldenFields, InitProducerIdKcatV4) {
  auto i = decode_golden<InitProducerIdRequest>("kcat/024_InitProducerId_v4.bin", kcat(22, 4, 3, 38, 2));
  ASSERT_TRUE(i);
  EXPECT_EQ(i->transactional_id, std::nullopt);
  EXPECT_EQ(i->transaction_timeout_ms, -1);
  EXPECT_EQ(i->producer_id, -1);
  EXPECT_EQ(i->producer_epoch, -1);
}

TEST(GoldenFields, InitProducerIdKafkaJsV1) {
  auto i = decode_golden<InitProducerIdRequest>("kafkajs/009_InitProducerId_v1.bin", kafkajs(22, 1, 2, 30));
  ASSERT_TRUE(i);
  EXPECT_EQ(i->transactional_id, std::nullopt);
  EXPECT_EQ(i->transaction_timeout_ms, 60000);
}

}  // namespace
}  // namespace sluice::protocol
