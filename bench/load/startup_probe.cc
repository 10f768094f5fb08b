#include "bench/load/startup_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "bench/load/proc_stats.h"
#include "protocol/frame.h"
#include "protocol/generated/api_versions_request.h"
#include "protocol/generated/api_versions_response.h"
#include "storage/checkpoint/unique_fd.h"

namespace sluice::bench {

using storage::UniqueFd;
namespace {

using protocol::ErrorCode;
using protocol::Status;
using Clock = std::chrono::steady_clock;

// A port free right now: bound to 0, read back and released. The broker
// binds it a moment later; another process taking it meanwhile is unlikely.
protocol::Result<std::uint16_t> free_port() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status{ErrorCode::NETWORK_EXCEPTION, std::string("free port: ") + std::strerror(errno)};
  }
  return ntohs(addr.sin_port);
}

bool read_exact(int fd, std::uint8_t* p, std::size_t n, int timeout_ms) {
  std::size_t done = 0;
  while (done < n) {
    pollfd pf{fd, POLLIN, 0};
    if (::poll(&pf, 1, timeout_ms) <= 0) return false;
    const ssize_t r = ::recv(fd, p + done, n - done, 0);
    if (r <= 0) return false;
    done += static_cast<std::size_t>(r);
  }
  return true;
}

// One connect + ApiVersions v0 exchange; true when answered without error.
bool api_versions_answered(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!fd.valid() || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
  std::vector<std::uint8_t> request;
  constexpr std::int32_t kCorrelationId = 7;
  if (!protocol::encode_request_frame(protocol::ApiVersionsRequest{}, 0, kCorrelationId, "sluice-load", request).ok()) {
    return false;
  }
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return false;
  }
  std::uint8_t size_bytes[4];
  if (!read_exact(fd.get(), size_bytes, 4, 5000)) return false;
  const std::uint32_t size = (std::uint32_t{size_bytes[0]} << 24) | (std::uint32_t{size_bytes[1]} << 16) |
                             (std::uint32_t{size_bytes[2]} << 8) | size_bytes[3];
  if (size < 4 || size > (1u << 20)) return false;
  std::vector<std::uint8_t> frame(size);
  if (!read_exact(fd.get(), frame.data(), size, 5000)) return false;
  // ApiVersions responses always use response header v0: the correlation id.
  const std::int32_t correlation = static_cast<std::int32_t>(
      (std::uint32_t{frame[0]} << 24) | (std::uint32_t{frame[1]} << 16) | (std::uint32_t{frame[2]} << 8) | frame[3]);
  auto resp = protocol::decode<protocol::ApiVersionsResponse>(std::span(frame).subspan(4), 0);
  return correlation == kCorrelationId && resp.ok() && resp->error_code == 0 && !resp->api_keys.empty();
}

// Stops the broker; SIGKILL if it has not exited within five seconds.
void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

struct OneRun {
  double ready_ms = 0;
  std::int64_t rss_kib = 0;
};

protocol::Result<OneRun> run_once(const StartupOptions& o, int index) {
  auto port = free_port();
  if (!port.ok()) return port.status();
  const std::filesystem::path dir = o.work_dir / ("run-" + std::to_string(index));
  std::error_code ec;
  std::filesystem::create_directories(dir / "data", ec);
  if (ec) return Status{ErrorCode::KAFKA_STORAGE_ERROR, "mkdir " + dir.string() + ": " + ec.message()};

  std::vector<std::string> args = {o.binary, "--override", "listeners=PLAINTEXT://127.0.0.1:" + std::to_string(*port),
                                   "--override", "log.dirs=" + (dir / "data").string()};
  for (const std::string& kv : o.overrides) {
    args.push_back("--override");
    args.push_back(kv);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  UniqueFd log(::open((dir / "sluice.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log.valid()) return Status{ErrorCode::KAFKA_STORAGE_ERROR, std::string("open log: ") + std::strerror(errno)};

  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) return Status{ErrorCode::UNKNOWN_SERVER_ERROR, std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    ::dup2(log.get(), 1);
    ::dup2(log.get(), 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  OneRun run;
  const auto deadline = start + std::chrono::seconds(20);
  for (;;) {
    if (api_versions_answered(*port)) break;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "broker exited during start-up (status " + std::to_string(status) +
                                                         "); see " + (dir / "sluice.log").string()};
    }
    if (Clock::now() > deadline) {
      stop(pid);
      return Status{ErrorCode::REQUEST_TIMED_OUT, "broker not serving after 20 s"};
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  run.ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(o.idle_ms));
  const auto rss = rss_kib(pid);
  stop(pid);
  if (!rss) return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "could not read VmRSS"};
  run.rss_kib = *rss;
  return run;
}

}  // namespace

protocol::Result<StartupResult> probe_startup(const StartupOptions& o) {
  StartupResult out;
  for (int i = 0; i < o.runs; ++i) {
    auto run = run_once(o, i);
    if (!run.ok()) return run.status();
    out.ready_ms.push_back(run->ready_ms);
    out.idle_rss_kib.push_back(run->rss_kib);
  }
  return out;
}

}  // namespace sluice::bench
