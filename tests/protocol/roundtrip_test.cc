// Every message of every schema, at every version: fill each field the version
// carries, encode, decode, compare, and re-encode to the same bytes.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "protocol/generated/all_messages.h"
#include "protocol/generated/api_keys.h"
#include "tests/protocol/generated/fill.h"

namespace sluice::protocol {
namespace {

template <class M>
void round_trip_all_versions(int& cases) {
  for (int v = M::kLowestVersion; v <= M::kHighestVersion; ++v) {
    const auto version = static_cast<std::int16_t>(v);
    for (std::uint64_t seed = 0; seed < 8; ++seed) {
      testing::Filler g(seed * 131 + static_cast<std::uint64_t>(v));
      M original;
      testing::fill(original, g, version);
      auto bytes = encode(original, version);
      ASSERT_TRUE(bytes.ok()) << M::kName << " v" << v << ": " << bytes.status().detail;
      ASSERT_EQ(bytes->size(), original.wire_size(version)) << M::kName << " v" << v;

      Reader r(*bytes);
      auto decoded = decode<M>(r, version);
      ASSERT_TRUE(decoded.ok()) << M::kName << " v" << v << ": " << decoded.status().detail;
      EXPECT_EQ(r.remaining(), 0u) << M::kName << " v" << v << " left bytes unread";
      ASSERT_TRUE(*decoded == original) << M::kName << " v" << v << " seed " << seed;

      auto again = encode(*decoded, version);
      ASSERT_TRUE(again.ok());
      ASSERT_EQ(*again, *bytes) << M::kName << " v" << v;
      ++cases;
    }
  }
}

TEST(RoundTrip, EveryApiEveryVersion) {
  int apis = 0;
  int cases = 0;
  for_each_api([&]<class Req, class Resp>() {
    static_assert(Req::kApiKey == Resp::kApiKey);
    round_trip_all_versions<Req>(cases);
    round_trip_all_versions<Resp>(cases);
    ++apis;
  });
  EXPECT_EQ(apis, 88);
  EXPECT_GT(cases, 88 * 2 * 8);
}

TEST(RoundTrip, EveryOtherMessageEveryVersion) {
  int messages = 0;
  int cases = 0;
  for_each_message([&]<class M>() {
    round_trip_all_versions<M>(cases);
    ++messages;
  });
  EXPECT_EQ(messages, 240);
}

TEST(ApiTable, MatchesTheSchemas) {
  EXPECT_EQ(all_apis().size(), 88u);
  for_each_api([&]<class Req, class Resp>() {
    const ApiInfo* api = find_api(Req::kApiKey);
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(api->min_version, Req::kLowestVersion);
    EXPECT_EQ(api->max_version, Req::kHighestVersion);
    EXPECT_EQ(Resp::kHighestVersion, Req::kHighestVersion) << Req::kName;
  });
  EXPECT_EQ(find_api(88), nullptr);
  EXPECT_EQ(find_api(-1), nullptr);
}

TEST(ApiTable, HeaderVersionsFollowKafkasRule) {
  const auto key = [](ApiKey k) { return static_cast<std::int16_t>(k); };
  EXPECT_EQ(request_header_version(key(ApiKey::Produce), 8), 1);
  EXPECT_EQ(request_header_version(key(ApiKey::Produce), 9), 2);
  EXPECT_EQ(response_header_version(key(ApiKey::Produce), 8), 0);
  EXPECT_EQ(response_header_version(key(ApiKey::Produce), 9), 1);
  EXPECT_EQ(request_header_version(key(ApiKey::ControlledShutdown), 0), 0);
  EXPECT_EQ(request_header_version(key(ApiKey::ControlledShutdown), 1), 1);
  // ApiVersions responses always use header v0, even in flexible versions.
  EXPECT_EQ(request_header_version(key(ApiKey::ApiVersions), 3), 2);
  EXPECT_EQ(response_header_version(key(ApiKey::ApiVersions), 3), 0);
  EXPECT_EQ(request_header_version(key(ApiKey::SaslHandshake), 1), 1);
  EXPECT_EQ(request_header_version(1000, 0), -1);
}

TEST(Errors, TableIsCompleteAndOrdered) {
  EXPECT_EQ(error_name(ErrorCode::NOT_LEADER_OR_FOLLOWER), "NOT_LEADER_OR_FOLLOWER");
  EXPECT_TRUE(is_retriable(ErrorCode::NOT_LEADER_OR_FOLLOWER));
  EXPECT_FALSE(is_retriable(ErrorCode::INVALID_REQUEST));
  EXPECT_EQ(static_cast<int>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION), 3);
  EXPECT_EQ(static_cast<int>(ErrorCode::MEMBER_ID_REQUIRED), 79);
  int prev = -2;
  for (const auto& e : all_errors()) {
    EXPECT_EQ(static_cast<int>(e.code), prev + 1) << e.name;  // dense from -1
    prev = static_cast<int>(e.code);
  }
  EXPECT_EQ(find_error(1000), nullptr);
}

}  // namespace
}  // namespace sluice::protocol
