// Every API the broker advertises, at every advertised version, sent to the
// real sluice through the generated codec: each answer must decode and carry
// no error for a request that asks nothing unusual.
#include <gtest/gtest.h>

#include <set>

#include "protocol/generated/all_messages.h"
#include "tests/integration/sluice_process.h"

namespace sluice::testing {
namespace {

using namespace protocol;  // NOLINT: message types

// A request every broker should answer without error.
template <class Req>
Req ordinary_request() {
  Req req;
  if constexpr (std::is_same_v<Req, ProduceRequest>) req.acks = 1;  // acks=0 gets no answer
  if constexpr (std::is_same_v<Req, ApiVersionsRequest>) {
    req.client_software_name = "sluice-test";
    req.client_software_version = "1.0";
  }
  if constexpr (std::is_same_v<Req, FetchRequest>) req.max_wait_ms = 0;
  return req;
}

// Top-level and nested error codes that must be NONE.
template <class Resp>
void expect_no_error(const Resp& resp, std::int16_t api, std::int16_t version) {
  if constexpr (requires { resp.error_code; }) {
    EXPECT_EQ(resp.error_code, 0) << "api " << api << " v" << version;
  }
}

struct Client {
  KafkaConnection& conn;
  std::int32_t correlation = 1;

  template <class Req, class Resp>
  void exchange(std::int16_t version) {
    const Req req = ordinary_request<Req>();
    const std::int32_t id = correlation++;
    ASSERT_TRUE(conn.send(req, version, id)) << Req::kName << " v" << version;
    auto frame = conn.receive();
    ASSERT_TRUE(frame.has_value()) << Req::kName << " v" << version << ": no response";
    Reader r(*frame);
    ResponseHeader header;
    header.read_from(r, static_cast<std::int16_t>(response_header_version(Req::kApiKey, version)));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(header.correlation_id, id);
    auto resp = decode<Resp>(frame->data() ? std::span(*frame).subspan(r.position()) : std::span<const std::uint8_t>(),
                             version);
    ASSERT_TRUE(resp.ok()) << Req::kName << " v" << version << ": " << resp.status().detail;
    expect_no_error(*resp, Req::kApiKey, version);
  }
};

template <class Req, class Resp>
bool try_api(Client& client, std::int16_t key, std::int16_t min, std::int16_t max) {
  if (key != Req::kApiKey) return false;
  for (std::int16_t v = min; v <= max; ++v) client.exchange<Req, Resp>(v);
  return true;
}

TEST(ApiConformance, EveryAdvertisedApiAtEveryVersionAnswers) {
  SluiceProcess broker;
  ASSERT_TRUE(broker.running());
  KafkaConnection conn(broker.port());
  ASSERT_TRUE(conn.connected());
  Client client{conn};

  ASSERT_TRUE(conn.send(ordinary_request<ApiVersionsRequest>(), 3, 0));
  auto frame = conn.receive();
  ASSERT_TRUE(frame.has_value());
  Reader r(*frame);
  ResponseHeader header;
  header.read_from(r, 0);
  auto versions = decode<ApiVersionsResponse>(std::span(*frame).subspan(r.position()), 3);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->error_code, 0);
  ASSERT_GE(versions->api_keys.size(), 10u);

  for (const auto& api : versions->api_keys) {
    SCOPED_TRACE("api key " + std::to_string(api.api_key));
    const ApiInfo* info = find_api(api.api_key);
    ASSERT_NE(info, nullptr);
    // Advertised versions must be ones Kafka 3.9 defines.
    EXPECT_GE(api.min_version, info->min_version);
    EXPECT_LE(api.max_version, info->max_version);
    const bool known =
        try_api<ProduceRequest, ProduceResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<FetchRequest, FetchResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<ListOffsetsRequest, ListOffsetsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<MetadataRequest, MetadataResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<ApiVersionsRequest, ApiVersionsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<CreateTopicsRequest, CreateTopicsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<DeleteTopicsRequest, DeleteTopicsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<DeleteRecordsRequest, DeleteRecordsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(client, api.api_key, api.min_version,
                                                                           api.max_version) ||
        try_api<DescribeConfigsRequest, DescribeConfigsResponse>(client, api.api_key, api.min_version,
                                                                 api.max_version) ||
        try_api<AlterConfigsRequest, AlterConfigsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<DescribeLogDirsRequest, DescribeLogDirsResponse>(client, api.api_key, api.min_version,
                                                                 api.max_version) ||
        try_api<CreatePartitionsRequest, CreatePartitionsResponse>(client, api.api_key, api.min_version,
                                                                   api.max_version) ||
        try_api<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(client, api.api_key, api.min_version,
                                                                                 api.max_version) ||
        try_api<DescribeClusterRequest, DescribeClusterResponse>(client, api.api_key, api.min_version, api.max_version);
    // A new API in ApiVersions must be added here too, so it is exercised.
    EXPECT_TRUE(known) << "advertised API " << api.api_key << " is not covered by this test";
  }
  EXPECT_EQ(broker.stop(), 0);
}

TEST(ApiConformance, ApiVersionsOfAnUnknownVersionAnswersV0WithTheList) {
  SluiceProcess broker;
  ASSERT_TRUE(broker.running());
  KafkaConnection conn(broker.port());
  // ApiVersions v99 as a newer client frames it: size, key 18, version 99,
  // correlation 7, client id, header v2's empty tagged fields, and a body
  // this broker cannot know.
  std::vector<std::uint8_t> req = {0, 0, 0, 14, 0, 18, 0, 99, 0, 0, 0, 7, 0, 0, 0, 0xde, 0xad, 0xbe};
  ASSERT_TRUE(conn.write_all(req));
  auto frame = conn.receive();
  ASSERT_TRUE(frame.has_value());
  Reader r(*frame);
  EXPECT_EQ(r.i32(), 7);  // header v0: correlation id only
  auto resp = decode<ApiVersionsResponse>(std::span(*frame).subspan(4), 0);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->error_code, static_cast<std::int16_t>(ErrorCode::UNSUPPORTED_VERSION));
  EXPECT_FALSE(resp->api_keys.empty());
}

TEST(ApiConformance, AnUnparsableRequestClosesOnlyThatConnection) {
  SluiceProcess broker;
  ASSERT_TRUE(broker.running());
  KafkaConnection bad(broker.port());
  KafkaConnection good(broker.port());
  // A Metadata v9 request whose body is garbage.
  std::vector<std::uint8_t> req = {0, 0, 0, 12, 0, 3, 0, 9, 0, 0, 0, 1, 0, 0, 0xff, 0xff};
  ASSERT_TRUE(bad.write_all(req));
  EXPECT_FALSE(bad.receive(5000).has_value());
  ASSERT_TRUE(good.send(ordinary_request<MetadataRequest>(), 9, 5));
  EXPECT_TRUE(good.receive().has_value());
  EXPECT_EQ(broker.stop(), 0);
}

}  // namespace
}  // namespace sluice::testing
