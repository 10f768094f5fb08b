#include "tests/integration/sluice_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <regex>
#include <thread>

namespace sluice::testing {

SluiceProcess::SluiceProcess(std::vector<std::string> overrides) {
  std::random_device rd;
  data_dir_ = std::filesystem::temp_directory_path() / ("sluice-it-" + std::to_string(rd()));
  std::filesystem::create_directories(data_dir_);
  int out[2];
  if (::pipe(out) != 0) return;
  std::vector<std::string> args = {SLUICE_BINARY, "--override", "listeners=PLAINTEXT://127.0.0.1:0", "--override",
                                   "log.dirs=" + data_dir_.string()};
  for (auto& o : overrides) {
    args.push_back("--override");
    args.push_back(o);
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::close(out[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  // Read the log until the listening line names the port.
  const std::regex listening("listening on \\S+ \\S+:(\\d+)");
  std::string text;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    std::smatch m;
    if (std::regex_search(text, m, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
      break;
    }
  }
  // Keep draining the child's output so it never blocks on a full pipe.
  std::thread([fd = out[0]] {
    char sink[4096];
    while (::read(fd, sink, sizeof sink) > 0) {
    }
    ::close(fd);
  }).detach();
}

SluiceProcess::~SluiceProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

int SluiceProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

KafkaConnection::KafkaConnection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

KafkaConnection::~KafkaConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool KafkaConnection::write_all(const std::vector<std::uint8_t>& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::vector<std::uint8_t>> KafkaConnection::receive(int timeout_ms) {
  auto read_exact = [&](std::uint8_t* p, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      pollfd pf{fd_, POLLIN, 0};
      if (::poll(&pf, 1, timeout_ms) <= 0) return false;
      const ssize_t r = ::recv(fd_, p + done, n - done, 0);
      if (r <= 0) return false;
      done += static_cast<std::size_t>(r);
    }
    return true;
  };
  std::uint8_t size_bytes[4];
  if (!read_exact(size_bytes, 4)) return std::nullopt;
  const std::uint32_t size = (std::uint32_t{size_bytes[0]} << 24) | (std::uint32_t{size_bytes[1]} << 16) |
                             (std::uint32_t{size_bytes[2]} << 8) | size_bytes[3];
  std::vector<std::uint8_t> frame(size);
  if (!read_exact(frame.data(), size)) return std::nullopt;
  return frame;
}

}  // namespace sluice::testing
