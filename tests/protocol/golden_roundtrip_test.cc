// Every request frame captured from a real client decodes completely, encodes
// back to the very same bytes, and fails cleanly when cut short anywhere.
#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "protocol/generated/all_messages.h"
#include "tests/protocol/golden_files.h"

namespace sluice::protocol {
namespace {

// Runs f.template operator()<Request>() for the request type of `key`.
template <class F>
bool with_request_type(std::int16_t key, F&& f) {
  bool found = false;
  for_each_api([&]<class Req, class Resp>() {
    if (Req::kApiKey == key) {
      found = true;
      f.template operator()<Req>();
    }
  });
  return found;
}

TEST(Golden, CapturedFromEveryClient) {
  const auto files = testing::all_golden_files();
  EXPECT_GE(files.size(), 60u);
  for (const char* client : {"kcat/", "confluent-kafka-python/", "kafka-python/", "kafkajs/"}) {
    EXPECT_TRUE(std::any_of(files.begin(), files.end(), [&](const std::string& f) { return f.starts_with(client); }))
        << client;
  }
}

TEST(Golden, EveryFrameDecodesAndReencodesToTheSameBytes) {
  for (const auto& name : testing::all_golden_files()) {
    SCOPED_TRACE(name);
    const auto bytes = testing::golden(name);
    auto frame = parse_request_frame(bytes);
    ASSERT_TRUE(frame.ok()) << frame.status().detail;
    const std::int16_t version = frame->api_version();
    const bool known = with_request_type(frame->api_key(), [&]<class Req>() {
      Reader r(frame->body);
      auto req = decode<Req>(r, version);
      ASSERT_TRUE(req.ok()) << req.status().detail;
      EXPECT_EQ(r.remaining(), 0u) << "bytes left after the body";

      std::vector<std::uint8_t> again;
      ASSERT_TRUE(
          encode_request_frame(*req, version, frame->header.correlation_id, frame->header.client_id.value_or(""), again)
              .ok());
      ASSERT_EQ(again.size(), bytes.size() + 4);
      EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), again.begin() + 4)) << "re-encoding differs";
    });
    EXPECT_TRUE(known);
  }
}

TEST(Golden, TruncationAtEveryByteIsAnError) {
  std::size_t cuts = 0;
  for (const auto& name : testing::all_golden_files()) {
    SCOPED_TRACE(name);
    const auto bytes = testing::golden(name);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      // An exact-size copy so that ASan catches any read past the cut.
      const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
      auto frame = parse_request_frame(cut);
      if (!frame.ok()) {
        ++cuts;
        continue;
      }
      with_request_type(frame->api_key(), [&]<class Req>() {
        EXPECT_FALSE(decode<Req>(frame->body, frame->api_version()).ok()) << "decoded from " << n << " bytes";
      });
      ++cuts;
    }
  }
  EXPECT_GT(cuts, 5000u);
}

}  // namespace
}  // namespace sluice::protocol
