// Every API the broker advertises, at every advertised version, sent to the
// real sluice through the generated codec: each answer must decode and carry
// no error for a request that asks nothing unusual. Group membership requests
// come from a member the group does not know, and must be refused the way
// Kafka refuses them.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "protocol/generated/all_messages.h"
#include "tests/integration/sluice_process.h"

namespace sluice::testing {
namespace {

using namespace protocol;  // NOLINT: message types

constexpr const char* kGroup = "conformance-group";
constexpr const char* kUnknownMember = "unknown-member";
constexpr const char* kTxn = "conformance-txn";

// A request every broker should answer as expected_error() says.
template <class Req>
Req ordinary_request([[maybe_unused]] std::int16_t version) {
  Req req;
  if constexpr (std::is_same_v<Req, ProduceRequest>) req.acks = 1;  // acks=0 gets no answer
  if constexpr (std::is_same_v<Req, ApiVersionsRequest>) {
    req.client_software_name = "sluice-test";
    req.client_software_version = "1.0";
  }
  if constexpr (std::is_same_v<Req, FetchRequest>) req.max_wait_ms = 0;
  if constexpr (std::is_same_v<Req, FindCoordinatorRequest>) {
    if (version < 4) {
      req.key = kGroup;
    } else {
      req.coordinator_keys = {kGroup};
    }
  }
  if constexpr (std::is_same_v<Req, OffsetCommitRequest> || std::is_same_v<Req, OffsetDeleteRequest>) {
    req.group_id = kGroup;
  }
  if constexpr (std::is_same_v<Req, OffsetFetchRequest>) {
    if (version < 8) {
      req.group_id = kGroup;
    } else {
      req.groups.emplace_back().group_id = kGroup;
      req.groups.back().topics = std::nullopt;  // every committed offset
    }
  }
  if constexpr (std::is_same_v<Req, JoinGroupRequest>) {
    req.group_id = kGroup;
    req.member_id = kUnknownMember;
    req.session_timeout_ms = 10000;
    req.rebalance_timeout_ms = 10000;
    req.protocol_type = "consumer";
    req.protocols.emplace_back().name = "range";
  }
  if constexpr (std::is_same_v<Req, SyncGroupRequest>) {
    req.group_id = kGroup;
    req.generation_id = 1;
    req.member_id = kUnknownMember;
    req.protocol_type = "consumer";
    req.protocol_name = "range";
  }
  if constexpr (std::is_same_v<Req, HeartbeatRequest>) {
    req.group_id = kGroup;
    req.generation_id = 1;
    req.member_id = kUnknownMember;
  }
  if constexpr (std::is_same_v<Req, LeaveGroupRequest>) {
    req.group_id = kGroup;
    if (version < 3) {
      req.member_id = kUnknownMember;
    } else {
      req.members.emplace_back().member_id = kUnknownMember;
    }
  }
  if constexpr (std::is_same_v<Req, DescribeGroupsRequest>) req.groups = {kGroup};
  if constexpr (std::is_same_v<Req, DeleteGroupsRequest>) req.groups_names = {kGroup};
  if constexpr (std::is_same_v<Req, InitProducerIdRequest>) {
    req.transactional_id = std::nullopt;  // an idempotent producer
    req.transaction_timeout_ms = 60000;
    req.producer_id = -1;
    req.producer_epoch = -1;
  }
  if constexpr (std::is_same_v<Req, AddOffsetsToTxnRequest>) {
    req.transactional_id = kTxn;
    req.group_id = kGroup;
  }
  if constexpr (std::is_same_v<Req, EndTxnRequest>) req.transactional_id = kTxn;
  if constexpr (std::is_same_v<Req, AddPartitionsToTxnRequest>) {
    if (version < 4) req.v3_and_below_transactional_id = kTxn;
  }
  if constexpr (std::is_same_v<Req, TxnOffsetCommitRequest>) {
    req.transactional_id = kTxn;
    req.group_id = kGroup;
  }
  if constexpr (std::is_same_v<Req, DescribeTransactionsRequest>) req.transactional_ids = {kTxn};
  return req;
}

// The top-level error Kafka answers ordinary_request() with.
template <class Req>
ErrorCode expected_error([[maybe_unused]] std::int16_t version) {
  // The group does not exist, so no member of it is known.
  if constexpr (std::is_same_v<Req, JoinGroupRequest> || std::is_same_v<Req, SyncGroupRequest> ||
                std::is_same_v<Req, HeartbeatRequest>) {
    return ErrorCode::UNKNOWN_MEMBER_ID;
  }
  // v3+ answers each member on its own, the request as a whole succeeds.
  if constexpr (std::is_same_v<Req, LeaveGroupRequest>) {
    return version < 3 ? ErrorCode::UNKNOWN_MEMBER_ID : ErrorCode::NONE;
  }
  if constexpr (std::is_same_v<Req, OffsetDeleteRequest>) return ErrorCode::GROUP_ID_NOT_FOUND;
  // The transactional id was never initialised.
  if constexpr (std::is_same_v<Req, AddOffsetsToTxnRequest> || std::is_same_v<Req, EndTxnRequest>) {
    return ErrorCode::INVALID_PRODUCER_ID_MAPPING;
  }
  return ErrorCode::NONE;
}

// The top-level error code, where the response has one.
template <class Resp>
void expect_error(const Resp& resp, ErrorCode expected, std::int16_t api, std::int16_t version) {
  if constexpr (requires { resp.error_code; }) {
    EXPECT_EQ(resp.error_code, static_cast<std::int16_t>(expected)) << "api " << api << " v" << version;
  }
}

struct Client {
  KafkaConnection& conn;
  std::int32_t correlation = 1;

  template <class Req, class Resp>
  std::optional<Resp> roundtrip(const Req& req, std::int16_t version) {
    const std::int32_t id = correlation++;
    if (!conn.send(req, version, id)) {
      ADD_FAILURE() << Req::kName << " v" << version << ": cannot send";
      return std::nullopt;
    }
    auto frame = conn.receive();
    if (!frame) {
      ADD_FAILURE() << Req::kName << " v" << version << ": no response";
      return std::nullopt;
    }
    Reader r(*frame);
    ResponseHeader header;
    header.read_from(r, static_cast<std::int16_t>(response_header_version(Req::kApiKey, version)));
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(header.correlation_id, id);
    auto resp = decode<Resp>(frame->data() ? std::span(*frame).subspan(r.position()) : std::span<const std::uint8_t>(),
                             version);
    if (!resp.ok()) {
      ADD_FAILURE() << Req::kName << " v" << version << ": " << resp.status().detail;
      return std::nullopt;
    }
    return std::move(*resp);
  }

  template <class Req, class Resp>
  void exchange(std::int16_t version) {
    std::optional<Resp> resp = roundtrip<Req, Resp>(ordinary_request<Req>(version), version);
    if (resp) expect_error(*resp, expected_error<Req>(version), Req::kApiKey, version);
  }
};

// Group requests need __consumer_offsets (FindCoordinator creates it) and the
// group's partition loaded: until then they are answered NOT_COORDINATOR or
// COORDINATOR_LOAD_IN_PROGRESS, as a Kafka client expects and retries.
bool wait_for_group_coordinator(Client& client, std::uint16_t port) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto found = client.roundtrip<FindCoordinatorRequest, FindCoordinatorResponse>(
        ordinary_request<FindCoordinatorRequest>(3), 3);
    auto listed = client.roundtrip<ListGroupsRequest, ListGroupsResponse>(ListGroupsRequest{}, 0);
    auto beat = client.roundtrip<HeartbeatRequest, HeartbeatResponse>(ordinary_request<HeartbeatRequest>(0), 0);
    if (!found || !listed || !beat) return false;
    if (found->error_code == 0 && listed->error_code == 0 &&
        beat->error_code == static_cast<std::int16_t>(ErrorCode::UNKNOWN_MEMBER_ID)) {
      EXPECT_EQ(found->port, port) << "a single broker coordinates every group";
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The same for transactional ids and __transaction_state.
bool wait_for_txn_coordinator(Client& client) {
  FindCoordinatorRequest find;
  find.key = kTxn;
  find.key_type = 1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto found = client.roundtrip<FindCoordinatorRequest, FindCoordinatorResponse>(find, 3);
    auto listed = client.roundtrip<ListTransactionsRequest, ListTransactionsResponse>(ListTransactionsRequest{}, 0);
    if (!found || !listed) return false;
    if (found->error_code == 0 && listed->error_code == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

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

  ASSERT_TRUE(conn.send(ordinary_request<ApiVersionsRequest>(3), 3, 0));
  auto frame = conn.receive();
  ASSERT_TRUE(frame.has_value());
  Reader r(*frame);
  ResponseHeader header;
  header.read_from(r, 0);
  auto versions = decode<ApiVersionsResponse>(std::span(*frame).subspan(r.position()), 3);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->error_code, 0);
  ASSERT_GE(versions->api_keys.size(), 10u);
  ASSERT_TRUE(wait_for_group_coordinator(client, broker.port()));
  ASSERT_TRUE(wait_for_txn_coordinator(client));

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
        try_api<OffsetCommitRequest, OffsetCommitResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<OffsetFetchRequest, OffsetFetchResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<FindCoordinatorRequest, FindCoordinatorResponse>(client, api.api_key, api.min_version,
                                                                 api.max_version) ||
        try_api<JoinGroupRequest, JoinGroupResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<HeartbeatRequest, HeartbeatResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<LeaveGroupRequest, LeaveGroupResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<SyncGroupRequest, SyncGroupResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<DescribeGroupsRequest, DescribeGroupsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<ListGroupsRequest, ListGroupsResponse>(client, api.api_key, api.min_version, api.max_version) ||
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
        try_api<DeleteGroupsRequest, DeleteGroupsResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(client, api.api_key, api.min_version,
                                                                                 api.max_version) ||
        try_api<OffsetDeleteRequest, OffsetDeleteResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<DescribeClusterRequest, DescribeClusterResponse>(client, api.api_key, api.min_version,
                                                                 api.max_version) ||
        try_api<InitProducerIdRequest, InitProducerIdResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(client, api.api_key, api.min_version,
                                                                       api.max_version) ||
        try_api<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>(client, api.api_key, api.min_version,
                                                                 api.max_version) ||
        try_api<EndTxnRequest, EndTxnResponse>(client, api.api_key, api.min_version, api.max_version) ||
        try_api<TxnOffsetCommitRequest, TxnOffsetCommitResponse>(client, api.api_key, api.min_version,
                                                                 api.max_version) ||
        try_api<DescribeProducersRequest, DescribeProducersResponse>(client, api.api_key, api.min_version,
                                                                     api.max_version) ||
        try_api<DescribeTransactionsRequest, DescribeTransactionsResponse>(client, api.api_key, api.min_version,
                                                                           api.max_version) ||
        try_api<ListTransactionsRequest, ListTransactionsResponse>(client, api.api_key, api.min_version,
                                                                   api.max_version);
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
  ASSERT_TRUE(good.send(ordinary_request<MetadataRequest>(9), 9, 5));
  EXPECT_TRUE(good.receive().has_value());
  EXPECT_EQ(broker.stop(), 0);
}

}  // namespace
}  // namespace sluice::testing
