// A Kafka responder that stores nothing: the ceiling a broker's produce path
// is measured against. It answers ApiVersions, Metadata (every requested
// topic exists with N partitions led by itself) and Produce (acknowledged with
// increasing offsets per partition), on one thread with poll().
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "protocol/result.h"

namespace sluice::bench {

struct NullSinkOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: an ephemeral port
  std::int32_t partitions = 4;
  std::int32_t node_id = 1;
};

// What to do with a connection after one request.
enum class RequestOutcome { kKeepOpen, kClose };

// The protocol half, without sockets, so the answers are easy to check.
class NullSinkResponder {
 public:
  NullSinkResponder(NullSinkOptions options, std::uint16_t bound_port)
      : options_(std::move(options)), port_(bound_port) {}

  // Handles one request frame (without its size prefix) and appends the
  // response frame, if any, to `out`. kClose for requests it cannot answer,
  // as Kafka closes the connection on an unknown API.
  RequestOutcome handle(std::span<const std::uint8_t> frame, std::vector<std::uint8_t>& out);

 private:
  NullSinkOptions options_;
  std::uint16_t port_;
  // Next offset of each (topic, partition), so acks look like a real log's.
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> next_offset_;
};

// Binds, prints "listening on PLAINTEXT host:port" (the line sluice prints)
// and serves until killed. Returns only on a setup or poll failure.
protocol::Status run_null_sink(const NullSinkOptions& options);

}  // namespace sluice::bench
