// The data path at every advertised version, against a real topic on the
// real broker: Produce (legacy magic 0/1 up to v2, RecordBatch v2 after),
// Fetch (down-converted up to v3, by topic id from v13), ListOffsets,
// OffsetForLeaderEpoch, DeleteRecords, DescribeLogDirs and Metadata. Each
// answer must decode, carry no error and agree with what was produced.
#include <gtest/gtest.h>

#include <map>

#include "protocol/generated/all_messages.h"
#include "protocol/records/legacy_message_set.h"
#include "protocol/records/record_batch_builder.h"
#include "tests/integration/kafka_call.h"
#include "tests/integration/sluice_process.h"

namespace sluice::testing {
namespace {

using namespace protocol;  // NOLINT: message types

constexpr int kRecordsPerBatch = 3;
const std::string kTopic = "versions";

class DataPathVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.running());
    conn_ = std::make_unique<KafkaConnection>(broker_.port());
    ASSERT_TRUE(conn_->connected());
    versions_ = advertised_versions();
    ASSERT_FALSE(versions_.empty());
  }

  template <class Req, class Resp>
  Answer<Resp> call(const Req& req, std::int16_t version) {
    return testing::call<Req, Resp>(*conn_, req, version, correlation_++);
  }

  std::map<std::int16_t, std::pair<std::int16_t, std::int16_t>> advertised_versions() {
    ApiVersionsRequest req;
    req.client_software_name = "sluice-test";
    req.client_software_version = "1";
    auto a = call<ApiVersionsRequest, ApiVersionsResponse>(req, 3);
    std::map<std::int16_t, std::pair<std::int16_t, std::int16_t>> out;
    for (const auto& k : a.body.api_keys) out[k.api_key] = {k.min_version, k.max_version};
    return out;
  }

  // Every advertised version of the API with key `key`.
  std::vector<std::int16_t> versions_of(std::int16_t key) {
    std::vector<std::int16_t> out;
    auto it = versions_.find(key);
    if (it == versions_.end()) return out;
    for (std::int16_t v = it->second.first; v <= it->second.second; ++v) out.push_back(v);
    return out;
  }

  void create_topic(const std::string& name = kTopic, const std::string& compression_type = "producer") {
    CreateTopicsRequest req;
    auto& t = req.topics.emplace_back();
    t.name = name;
    t.num_partitions = 1;
    t.replication_factor = 1;
    auto& c = t.configs.emplace_back();
    c.name = "compression.type";
    c.value = compression_type;
    auto a = call<CreateTopicsRequest, CreateTopicsResponse>(req, 7);
    ASSERT_EQ(a.body.topics.size(), 1u);
    ASSERT_EQ(a.body.topics[0].error_code, 0);
    topic_id_ = a.body.topics[0].topic_id;
  }

  // The partition's answer to one Produce of `records` to partition 0 (an
  // error code of -1 when the response does not hold exactly it).
  ProduceResponse::PartitionProduceResponse produce(const std::string& topic, const std::vector<std::uint8_t>& records,
                                                    std::int16_t version) {
    ProduceRequest req;
    req.acks = -1;
    req.timeout_ms = 10000;
    auto& t = req.topic_data.emplace_back();
    t.name = topic;
    auto& p = t.partition_data.emplace_back();
    p.index = 0;
    p.records = RecordsView(records);
    auto a = call<ProduceRequest, ProduceResponse>(req, version);
    if (a.body.responses.size() != 1 || a.body.responses[0].partition_responses.size() != 1) {
      ProduceResponse::PartitionProduceResponse none;
      none.error_code = -1;
      return none;
    }
    return std::move(a.body.responses[0].partition_responses[0]);
  }

  // The partition's answer to a fetch from offset 0 by name (v12 and below).
  FetchResponse::PartitionData fetch(const std::string& topic, std::int16_t version) {
    FetchRequest req;
    req.replica_id = -1;
    req.max_wait_ms = 0;
    req.min_bytes = 1;
    auto& t = req.topics.emplace_back();
    t.topic = topic;
    auto& p = t.partitions.emplace_back();
    p.partition = 0;
    p.fetch_offset = 0;
    p.partition_max_bytes = 1 << 20;
    auto a = call<FetchRequest, FetchResponse>(req, version);
    if (a.body.responses.size() != 1 || a.body.responses[0].partitions.size() != 1) return {};
    return std::move(a.body.responses[0].partitions[0]);
  }

  // Records in the format a client of that Produce version writes.
  static std::vector<std::uint8_t> batch_for(std::int16_t version, int first) {
    std::vector<std::string> values;
    for (int i = 0; i < kRecordsPerBatch; ++i) values.push_back("value-" + std::to_string(first + i));
    auto bytes = [](const std::string& s) { return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
    if (version >= 3) {
      RecordBatchBuilder b(BatchOptions{});
      for (const auto& v : values) b.append(1'700'000'000'000, std::nullopt, bytes(v));
      return *b.build();
    }
    LegacyMessageSetBuilder b(version < 2 ? 0 : 1, CompressionType::kNone);
    std::int64_t offset = 0;
    for (const auto& v : values) b.append(offset++, 1'700'000'000'000, std::nullopt, bytes(v));
    return *b.build();
  }

  SluiceProcess broker_;
  std::unique_ptr<KafkaConnection> conn_;
  std::map<std::int16_t, std::pair<std::int16_t, std::int16_t>> versions_;
  std::int32_t correlation_ = 1;
  Uuid topic_id_;
};

TEST_F(DataPathVersionsTest, EveryVersionReadsWhatEveryVersionWrote) {
  create_topic();
  ASSERT_FALSE(HasFailure());

  // Produce: one batch per version, offsets follow on.
  std::int64_t end = 0;
  for (std::int16_t v : versions_of(ProduceRequest::kApiKey)) {
    SCOPED_TRACE("Produce v" + std::to_string(v));
    const auto pr = produce(kTopic, batch_for(v, static_cast<int>(end)), v);
    EXPECT_EQ(pr.error_code, 0);
    EXPECT_EQ(pr.base_offset, end);
    end += kRecordsPerBatch;
  }
  ASSERT_GT(end, 0);

  // Fetch from the start: everything, in the record format that version reads.
  for (std::int16_t v : versions_of(FetchRequest::kApiKey)) {
    SCOPED_TRACE("Fetch v" + std::to_string(v));
    FetchRequest req;
    req.replica_id = -1;
    req.max_wait_ms = 0;
    req.min_bytes = 1;
    auto& t = req.topics.emplace_back();
    if (v >= 13) {
      t.topic_id = topic_id_;
    } else {
      t.topic = kTopic;
    }
    auto& p = t.partitions.emplace_back();
    p.partition = 0;
    p.fetch_offset = 0;
    p.partition_max_bytes = 1 << 20;
    if (v >= 9) p.current_leader_epoch = -1;
    if (v >= 5) p.log_start_offset = -1;
    auto a = call<FetchRequest, FetchResponse>(req, v);
    EXPECT_EQ(a.body.error_code, 0);
    ASSERT_EQ(a.body.responses.size(), 1u);
    ASSERT_EQ(a.body.responses[0].partitions.size(), 1u);
    const auto& pd = a.body.responses[0].partitions[0];
    EXPECT_EQ(pd.error_code, 0);
    EXPECT_EQ(pd.high_watermark, end);
    const auto bytes = pd.records.bytes();
    ASSERT_GT(bytes.size(), 17u);
    // The log holds RecordBatch v2 (up-converted on produce, as Kafka 3);
    // v0-v1 readers get magic 0, v2-v3 magic 1. The magic byte sits at
    // offset 16 in every format.
    EXPECT_EQ(bytes[16], v <= 1 ? 0 : v <= 3 ? 1 : 2);
  }

  // ListOffsets: latest is the end, earliest the start.
  for (std::int16_t v : versions_of(ListOffsetsRequest::kApiKey)) {
    SCOPED_TRACE("ListOffsets v" + std::to_string(v));
    for (const std::int64_t which : {-1, -2}) {
      ListOffsetsRequest req;
      req.replica_id = -1;
      auto& t = req.topics.emplace_back();
      t.name = kTopic;
      auto& p = t.partitions.emplace_back();
      p.partition_index = 0;
      p.timestamp = which;
      if (v >= 4) p.current_leader_epoch = -1;
      auto a = call<ListOffsetsRequest, ListOffsetsResponse>(req, v);
      ASSERT_EQ(a.body.topics.size(), 1u);
      ASSERT_EQ(a.body.topics[0].partitions.size(), 1u);
      const auto& pr = a.body.topics[0].partitions[0];
      EXPECT_EQ(pr.error_code, 0);
      const std::int64_t expected = which == -1 ? end : 0;
      if (v == 0) {
        ASSERT_EQ(pr.old_style_offsets.size(), 1u);
        EXPECT_EQ(pr.old_style_offsets[0], expected);
      } else {
        EXPECT_EQ(pr.offset, expected);
      }
    }
  }

  // OffsetForLeaderEpoch: the only epoch ends at the log end.
  for (std::int16_t v : versions_of(OffsetForLeaderEpochRequest::kApiKey)) {
    SCOPED_TRACE("OffsetForLeaderEpoch v" + std::to_string(v));
    OffsetForLeaderEpochRequest req;
    if (v >= 3) req.replica_id = -1;
    auto& t = req.topics.emplace_back();
    t.topic = kTopic;
    auto& p = t.partitions.emplace_back();
    p.partition = 0;
    p.leader_epoch = 0;
    if (v >= 2) p.current_leader_epoch = -1;
    auto a = call<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(req, v);
    ASSERT_EQ(a.body.topics.size(), 1u);
    ASSERT_EQ(a.body.topics[0].partitions.size(), 1u);
    EXPECT_EQ(a.body.topics[0].partitions[0].error_code, 0);
    EXPECT_EQ(a.body.topics[0].partitions[0].end_offset, end);
  }

  // DescribeLogDirs: the partition and its bytes.
  for (std::int16_t v : versions_of(DescribeLogDirsRequest::kApiKey)) {
    SCOPED_TRACE("DescribeLogDirs v" + std::to_string(v));
    DescribeLogDirsRequest req;
    req.topics = std::nullopt;  // every partition
    auto a = call<DescribeLogDirsRequest, DescribeLogDirsResponse>(req, v);
    EXPECT_EQ(a.body.error_code, 0);
    ASSERT_EQ(a.body.results.size(), 1u);
    EXPECT_EQ(a.body.results[0].error_code, 0);
    bool found = false;
    for (const auto& t : a.body.results[0].topics) {
      if (t.name != kTopic) continue;
      ASSERT_EQ(t.partitions.size(), 1u);
      EXPECT_GT(t.partitions[0].partition_size, 0);
      found = true;
    }
    EXPECT_TRUE(found);
  }

  // DeleteRecords: each version moves the log start on by one.
  std::int64_t start = 0;
  for (std::int16_t v : versions_of(DeleteRecordsRequest::kApiKey)) {
    SCOPED_TRACE("DeleteRecords v" + std::to_string(v));
    DeleteRecordsRequest req;
    req.timeout_ms = 10000;
    auto& t = req.topics.emplace_back();
    t.name = kTopic;
    auto& p = t.partitions.emplace_back();
    p.partition_index = 0;
    p.offset = ++start;
    auto a = call<DeleteRecordsRequest, DeleteRecordsResponse>(req, v);
    ASSERT_EQ(a.body.topics.size(), 1u);
    ASSERT_EQ(a.body.topics[0].partitions.size(), 1u);
    EXPECT_EQ(a.body.topics[0].partitions[0].error_code, 0);
    EXPECT_EQ(a.body.topics[0].partitions[0].low_watermark, start);
  }
  {
    ListOffsetsRequest req;
    req.replica_id = -1;
    auto& p = req.topics.emplace_back();
    p.name = kTopic;
    p.partitions.emplace_back().timestamp = -2;
    auto a = call<ListOffsetsRequest, ListOffsetsResponse>(req, 1);
    ASSERT_EQ(a.body.topics.size(), 1u);
    EXPECT_EQ(a.body.topics[0].partitions[0].offset, start);
  }

  // Metadata names the topic, its id from v10, at every version.
  for (std::int16_t v : versions_of(MetadataRequest::kApiKey)) {
    SCOPED_TRACE("Metadata v" + std::to_string(v));
    MetadataRequest req;
    req.topics.emplace().emplace_back().name = kTopic;
    auto a = call<MetadataRequest, MetadataResponse>(req, v);
    ASSERT_EQ(a.body.topics.size(), 1u);
    EXPECT_EQ(a.body.topics[0].error_code, 0);
    EXPECT_EQ(a.body.topics[0].partitions.size(), 1u);
    if (v >= 10) {
      EXPECT_EQ(a.body.topics[0].topic_id, topic_id_);
    }
  }
  EXPECT_EQ(broker_.stop(), 0);
}

// KIP-110 as Kafka implements it: only a topic configured with
// compression.type=zstd is refused to Fetch before v10; zstd batches a
// producer sent to an ordinary topic reach v4-v9 readers as stored (e.g.
// kafka-python, which fetches with v4), and only down-conversion (v0-v3)
// fails on them.
TEST_F(DataPathVersionsTest, ZstdBatchesReachFetchV4UnlessTheTopicIsZstd) {
  BatchOptions options;
  options.compression = CompressionType::kZstd;
  RecordBatchBuilder b(options);
  const std::string value(100, 'z');
  b.append(1'700'000'000'000, std::nullopt, Bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  const std::vector<std::uint8_t> zstd = *b.build();

  for (const std::string compression : {"producer", "zstd"}) {
    SCOPED_TRACE("compression.type=" + compression);
    const std::string topic = "zstd-" + compression;
    create_topic(topic, compression);
    ASSERT_EQ(produce(topic, zstd, 7).error_code, 0);
    const bool zstd_topic = compression == "zstd";
    for (std::int16_t v : {4, 9}) {
      const auto pd = fetch(topic, v);
      EXPECT_EQ(pd.error_code, zstd_topic ? 76 : 0) << "Fetch v" << v;
      if (!zstd_topic) {
        EXPECT_EQ(pd.records.bytes().size(), zstd.size()) << "Fetch v" << v;
      }
    }
    EXPECT_EQ(fetch(topic, 3).error_code, 76);  // UNSUPPORTED_COMPRESSION_TYPE
    EXPECT_EQ(fetch(topic, 10).error_code, 0);
  }
  EXPECT_EQ(broker_.stop(), 0);
}

// Kafka (KRaft) answers the Metadata request that auto-creates a topic with
// UNKNOWN_TOPIC_OR_PARTITION and lists the topic from the next request on;
// clients retry. A client polling "is it deleted yet" must not see the topic
// its own poll just created.
TEST_F(DataPathVersionsTest, MetadataThatAutoCreatesATopicDoesNotListItYet) {
  for (std::int16_t v : {1, 4, 12}) {
    SCOPED_TRACE("Metadata v" + std::to_string(v));
    const std::string topic = "auto-" + std::to_string(v);
    MetadataRequest req;
    req.topics.emplace().emplace_back().name = topic;
    if (v >= 4) req.allow_auto_topic_creation = true;
    auto first = call<MetadataRequest, MetadataResponse>(req, v);
    ASSERT_EQ(first.body.topics.size(), 1u);
    EXPECT_EQ(first.body.topics[0].error_code, 3);
    EXPECT_TRUE(first.body.topics[0].partitions.empty());
    auto second = call<MetadataRequest, MetadataResponse>(req, v);
    ASSERT_EQ(second.body.topics.size(), 1u);
    EXPECT_EQ(second.body.topics[0].error_code, 0);
    EXPECT_EQ(second.body.topics[0].partitions.size(), 1u);
  }
  EXPECT_EQ(broker_.stop(), 0);
}

}  // namespace
}  // namespace sluice::testing
