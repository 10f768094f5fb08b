#include "protocol/frame.h"

#include <gtest/gtest.h>

#include "protocol/generated/all_messages.h"

namespace sluice::protocol {
namespace {

TEST(Frame, FlexibleRequestHeaderKeepsAClassicClientId) {
  // Header v2 is flexible, yet its client id stays an int16-length string.
  ApiVersionsRequest req;
  req.client_software_name = "sluice";
  req.client_software_version = "1";
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_request_frame(req, 3, 7, "abc", out).ok());
  const std::vector<std::uint8_t> header = {0, 18, 0, 3, 0, 0, 0, 7, 0, 3, 'a', 'b', 'c', 0};
  ASSERT_GT(out.size(), 4 + header.size());
  EXPECT_TRUE(std::equal(header.begin(), header.end(), out.begin() + 4));

  auto frame = parse_request_frame(std::span(out).subspan(4));
  ASSERT_TRUE(frame.ok()) << frame.status().detail;
  EXPECT_EQ(frame->header_version, 2);
  EXPECT_EQ(frame->api_key(), 18);
  EXPECT_EQ(frame->api_version(), 3);
  EXPECT_EQ(frame->header.correlation_id, 7);
  EXPECT_EQ(frame->header.client_id, "abc");
  auto body = decode<ApiVersionsRequest>(frame->body, 3);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->client_software_name, "sluice");
}

TEST(Frame, SizePrefixCountsHeaderAndBody) {
  MetadataRequest req;
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_request_frame(req, 1, 1, "c", out).ok());
  Reader r(out);
  EXPECT_EQ(static_cast<std::size_t>(r.i32()), out.size() - 4);
}

TEST(Frame, ApiVersionsResponsesAlwaysUseHeaderV0) {
  ApiVersionsResponse resp;
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_response_frame(resp, 3, 42, out).ok());
  // size, correlation id, then straight into the body (error code 0): no tag buffer.
  ASSERT_GE(out.size(), 10u);
  Reader r{std::span<const std::uint8_t>(out).subspan(4)};
  EXPECT_EQ(r.i32(), 42);
  EXPECT_EQ(r.i16(), 0);
  EXPECT_EQ(out.size() - 4, 4 + resp.wire_size(3));
}

TEST(Frame, FlexibleResponsesCarryATagBuffer) {
  MetadataResponse resp;
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_response_frame(resp, 9, 5, out).ok());
  EXPECT_EQ(out.size() - 4, 4 + 1 + resp.wire_size(9));
  out.clear();
  ASSERT_TRUE(encode_response_frame(resp, 8, 5, out).ok());
  EXPECT_EQ(out.size() - 4, 4 + resp.wire_size(8));
}

TEST(Frame, ControlledShutdownV0UsesHeaderV0) {
  ControlledShutdownRequest req;
  req.broker_id = 3;
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_request_frame(req, 0, 9, "ignored", out).ok());
  auto frame = parse_request_frame(std::span(out).subspan(4));
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->header_version, 0);
  EXPECT_EQ(frame->header.client_id, "");  // header v0 has no client id: the default
  EXPECT_EQ(frame->body.size(), 4u);
}

TEST(Frame, UnknownApiKeyAndShortFramesAreErrors) {
  const std::vector<std::uint8_t> unknown = {0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0, 0};
  EXPECT_EQ(parse_request_frame(unknown).code(), ErrorCode::INVALID_REQUEST);
  const std::vector<std::uint8_t> short_frame = {0, 18, 0};
  EXPECT_EQ(peek_api(short_frame).code(), ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(parse_request_frame(short_frame).code(), ErrorCode::INVALID_REQUEST);
}

TEST(Frame, NewerApiVersionsRequestStillParsesItsHeader) {
  // KIP-511: a client may send ApiVersions at a version we do not know; the
  // header must still parse so the broker can answer UNSUPPORTED_VERSION.
  const std::vector<std::uint8_t> frame = {0, 18, 0, 99, 0, 0, 0, 1, 0, 1, 'x', 0};
  auto parsed = parse_request_frame(frame);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->api_version(), 99);
  EXPECT_EQ(decode<ApiVersionsRequest>(parsed->body, 99).code(), ErrorCode::UNSUPPORTED_VERSION);
}

}  // namespace
}  // namespace sluice::protocol
