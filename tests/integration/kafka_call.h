// One request and its decoded response over a KafkaConnection, with the
// frame kept alive for the records views that point into it. Failures are
// reported as GoogleTest failures naming the API and version.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/frame.h"
#include "protocol/generated/all_messages.h"
#include "tests/integration/sluice_process.h"

namespace sluice::testing {

template <class Resp>
struct Answer {
  std::vector<std::uint8_t> frame;
  Resp body;
};

template <class Req, class Resp>
Answer<Resp> call(KafkaConnection& conn, const Req& req, std::int16_t version, std::int32_t correlation_id) {
  const std::string what = std::string(Req::kName) + " v" + std::to_string(version);
  EXPECT_TRUE(conn.send(req, version, correlation_id)) << what;
  auto frame = conn.receive();
  EXPECT_TRUE(frame.has_value()) << what << ": connection closed";
  if (!frame) return {};
  protocol::Reader r(*frame);
  protocol::ResponseHeader header;
  header.read_from(r, static_cast<std::int16_t>(protocol::response_header_version(Req::kApiKey, version)));
  EXPECT_EQ(header.correlation_id, correlation_id) << what;
  Answer<Resp> out{std::move(*frame), {}};
  auto body = protocol::decode<Resp>(std::span<const std::uint8_t>(out.frame).subspan(r.position()), version);
  EXPECT_TRUE(body.ok()) << what << ": " << body.status().detail;
  if (body.ok()) out.body = std::move(*body);
  return out;
}

}  // namespace sluice::testing
