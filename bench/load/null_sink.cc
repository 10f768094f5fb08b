#include "bench/load/null_sink.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "protocol/frame.h"
#include "protocol/generated/api_versions_request.h"
#include "protocol/generated/api_versions_response.h"
#include "protocol/generated/metadata_request.h"
#include "protocol/generated/metadata_response.h"
#include "protocol/generated/produce_request.h"
#include "protocol/generated/produce_response.h"
#include "storage/checkpoint/unique_fd.h"

namespace sluice::bench {

using storage::UniqueFd;
namespace {

using protocol::ErrorCode;
using protocol::Status;

std::int32_t read_be32(const std::uint8_t* p) {
  return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                   (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]});
}

// Records in a produce partition's data: each v2 RecordBatch holds
// lastOffsetDelta + 1 offsets (its header: baseOffset 8, batchLength 4,
// leaderEpoch 4, magic 1, crc 4, attributes 2, lastOffsetDelta 4).
std::int64_t count_offsets(std::span<const std::uint8_t> records) {
  constexpr std::size_t kLogOverhead = 12;  // baseOffset + batchLength
  constexpr std::size_t kLastOffsetDeltaAt = 23;
  std::int64_t n = 0;
  std::size_t pos = 0;
  while (pos + kLastOffsetDeltaAt + 4 <= records.size()) {
    const std::int32_t batch_length = read_be32(records.data() + pos + 8);
    if (batch_length <= 0) break;
    n += std::int64_t{read_be32(records.data() + pos + kLastOffsetDeltaAt)} + 1;
    pos += kLogOverhead + static_cast<std::size_t>(batch_length);
  }
  return n;
}

template <class Req>
void advertise(protocol::ApiVersionsResponse& resp) {
  auto& v = resp.api_keys.emplace_back();
  v.api_key = Req::kApiKey;
  v.min_version = Req::kLowestVersion;
  v.max_version = Req::kHighestVersion;
}

}  // namespace

RequestOutcome NullSinkResponder::handle(std::span<const std::uint8_t> frame, std::vector<std::uint8_t>& out) {
  auto parsed = protocol::parse_request_frame(frame);
  if (!parsed.ok()) return RequestOutcome::kClose;
  const protocol::RequestFrame& req = *parsed;
  const std::int16_t version = req.api_version();
  const std::int32_t correlation_id = req.header.correlation_id;

  switch (req.api_key()) {
    case protocol::ApiVersionsRequest::kApiKey: {
      protocol::ApiVersionsResponse resp;
      advertise<protocol::ProduceRequest>(resp);
      advertise<protocol::MetadataRequest>(resp);
      advertise<protocol::ApiVersionsRequest>(resp);
      // KIP-511: a version we don't know is answered at v0, which every
      // client can read, with the versions we do know.
      std::int16_t answer_version = version;
      if (!protocol::version_in_range<protocol::ApiVersionsRequest>(version)) {
        resp.error_code = static_cast<std::int16_t>(ErrorCode::UNSUPPORTED_VERSION);
        answer_version = 0;
      }
      return protocol::encode_response_frame(resp, answer_version, correlation_id, out).ok() ? RequestOutcome::kKeepOpen
                                                                                             : RequestOutcome::kClose;
    }
    case protocol::MetadataRequest::kApiKey: {
      auto decoded = protocol::decode<protocol::MetadataRequest>(req.body, version);
      if (!decoded.ok()) return RequestOutcome::kClose;
      protocol::MetadataResponse resp;
      auto& broker = resp.brokers.emplace_back();
      broker.node_id = options_.node_id;
      broker.host = options_.host;
      broker.port = port_;
      resp.cluster_id = "sluice-null-sink";
      resp.controller_id = options_.node_id;
      if (decoded->topics) {
        for (const auto& requested : *decoded->topics) {
          auto& t = resp.topics.emplace_back();
          t.name = requested.name;
          t.topic_id = requested.topic_id;
          for (std::int32_t p = 0; p < options_.partitions; ++p) {
            auto& part = t.partitions.emplace_back();
            part.partition_index = p;
            part.leader_id = options_.node_id;
            part.leader_epoch = 0;
            part.replica_nodes = {options_.node_id};
            part.isr_nodes = {options_.node_id};
          }
        }
      }
      return protocol::encode_response_frame(resp, version, correlation_id, out).ok() ? RequestOutcome::kKeepOpen
                                                                                      : RequestOutcome::kClose;
    }
    case protocol::ProduceRequest::kApiKey: {
      auto decoded = protocol::decode<protocol::ProduceRequest>(req.body, version);
      if (!decoded.ok()) return RequestOutcome::kClose;
      protocol::ProduceResponse resp;
      for (const auto& topic : decoded->topic_data) {
        auto& rt = resp.responses.emplace_back();
        rt.name = topic.name;
        for (const auto& part : topic.partition_data) {
          auto& rp = rt.partition_responses.emplace_back();
          rp.index = part.index;
          std::int64_t& next = next_offset_[{topic.name, part.index}];
          rp.base_offset = next;
          rp.log_start_offset = 0;
          next += count_offsets(part.records.bytes());
        }
      }
      // acks=0: the producer expects no answer.
      if (decoded->acks == 0) return RequestOutcome::kKeepOpen;
      return protocol::encode_response_frame(resp, version, correlation_id, out).ok() ? RequestOutcome::kKeepOpen
                                                                                      : RequestOutcome::kClose;
    }
    default:
      return RequestOutcome::kClose;
  }
}

namespace {

constexpr std::size_t kMaxFrame = 100 * 1024 * 1024;
constexpr std::size_t kReadChunk = 1024 * 1024;

struct Connection {
  UniqueFd fd;
  // Bytes [in_begin, in_end) of `in` are received but not yet handled; the
  // buffer is reused, not resized per read, so reading costs no memset.
  std::vector<std::uint8_t> in;
  std::size_t in_begin = 0;
  std::size_t in_end = 0;
  std::vector<std::uint8_t> out;  // bytes [out_begin, out.size()) not yet sent
  std::size_t out_begin = 0;
  bool closing = false;
};

Status errno_status(const char* what) {
  return {ErrorCode::UNKNOWN_SERVER_ERROR, std::string(what) + ": " + std::strerror(errno)};
}

// Moves the unhandled bytes to the front and makes room for `need` more.
void make_room(Connection& c, std::size_t need) {
  if (c.in_begin > 0) {
    std::memmove(c.in.data(), c.in.data() + c.in_begin, c.in_end - c.in_begin);
    c.in_end -= c.in_begin;
    c.in_begin = 0;
  }
  if (c.in.size() - c.in_end < need) c.in.resize(c.in_end + need);
}

// Reads what is there and answers every complete frame; false when the
// connection is done.
bool serve_input(Connection& c, NullSinkResponder& responder) {
  for (;;) {
    if (c.in.size() - c.in_end < kReadChunk) make_room(c, kReadChunk);
    const std::size_t room = c.in.size() - c.in_end;
    const ssize_t n = ::recv(c.fd.get(), c.in.data() + c.in_end, room, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    c.in_end += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < room) break;
  }
  while (c.in_end - c.in_begin >= 4 && !c.closing) {
    const std::uint8_t* p = c.in.data() + c.in_begin;
    const auto size = static_cast<std::uint32_t>(read_be32(p));
    if (size > kMaxFrame) return false;
    if (c.in_end - c.in_begin < 4 + std::size_t{size}) {
      // A frame larger than the buffer: grow it so the next reads fit.
      if (c.in.size() - c.in_begin < 4 + std::size_t{size})
        make_room(c, 4 + std::size_t{size} - (c.in_end - c.in_begin));
      break;
    }
    if (responder.handle({p + 4, size}, c.out) == RequestOutcome::kClose) c.closing = true;
    c.in_begin += 4 + std::size_t{size};
  }
  if (c.in_begin == c.in_end) c.in_begin = c.in_end = 0;
  return true;
}

// Sends what it can; false on a broken connection.
bool flush_output(Connection& c) {
  while (c.out_begin < c.out.size()) {
    const ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_begin, c.out.size() - c.out_begin, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    c.out_begin += static_cast<std::size_t>(n);
  }
  c.out.clear();
  c.out_begin = 0;
  return true;
}

bool set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

}  // namespace

Status run_null_sink(const NullSinkOptions& options) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM, 0));
  if (!listener.valid()) return errno_status("socket");
  const int one = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  if (::inet_pton(AF_INET, options.host.c_str(), &addr.sin_addr) != 1) {
    return {ErrorCode::INVALID_REQUEST, "not an IPv4 address: " + options.host};
  }
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return errno_status("bind");
  if (::listen(listener.get(), 64) != 0) return errno_status("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return errno_status("getsockname");
  const std::uint16_t port = ntohs(addr.sin_port);
  if (!set_nonblocking(listener.get())) return errno_status("fcntl");
  std::printf("listening on PLAINTEXT %s:%u\n", options.host.c_str(), unsigned{port});
  std::fflush(stdout);

  NullSinkResponder responder(options, port);
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({listener.get(), POLLIN, 0});
    for (const auto& c : connections) {
      const short events = static_cast<short>(c->out.size() > c->out_begin ? POLLIN | POLLOUT : POLLIN);
      fds.push_back({c->fd.get(), events, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return errno_status("poll");
    }
    if (fds[0].revents & POLLIN) {
      for (;;) {
        UniqueFd fd(::accept(listener.get(), nullptr, nullptr));
        if (!fd.valid()) break;
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (!set_nonblocking(fd.get())) continue;
        auto c = std::make_unique<Connection>();
        c->fd = std::move(fd);
        connections.push_back(std::move(c));
      }
    }
    // fds[i + 1] belongs to connections[i] as polled; new ones wait a round.
    const std::size_t polled = fds.size() - 1;
    std::vector<bool> keep(connections.size(), true);
    for (std::size_t i = 0; i < polled; ++i) {
      Connection& c = *connections[i];
      const short rev = fds[i + 1].revents;
      bool ok = true;
      if (rev & (POLLIN | POLLHUP | POLLERR)) ok = serve_input(c, responder);
      if (ok) ok = flush_output(c);
      keep[i] = ok && !(c.closing && c.out.empty());
    }
    std::size_t w = 0;
    for (std::size_t i = 0; i < connections.size(); ++i) {
      if (keep[i]) connections[w++] = std::move(connections[i]);
    }
    connections.resize(w);
  }
}

}  // namespace sluice::bench
