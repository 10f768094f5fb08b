// Runs the real sluice binary for C++ integration tests: an ephemeral port,
// a temporary data dir, and a blocking client that speaks Kafka framing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "protocol/frame.h"

namespace sluice::testing {

class SluiceProcess {
 public:
  explicit SluiceProcess(std::vector<std::string> overrides = {});
  ~SluiceProcess();
  SluiceProcess(const SluiceProcess&) = delete;
  SluiceProcess& operator=(const SluiceProcess&) = delete;

  bool running() const { return pid_ > 0 && port_ > 0; }
  std::uint16_t port() const { return port_; }
  // SIGTERM and the exit status (0 for a clean shutdown).
  int stop();

 private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path data_dir_;
};

// One connection; send() frames a request, receive() returns the next
// response frame without its size prefix.
class KafkaConnection {
 public:
  explicit KafkaConnection(std::uint16_t port);
  ~KafkaConnection();
  bool connected() const { return fd_ >= 0; }

  template <class M>
  bool send(const M& request, std::int16_t version, std::int32_t correlation_id) {
    std::vector<std::uint8_t> frame;
    if (!protocol::encode_request_frame(request, version, correlation_id, "sluice-test", frame).ok()) return false;
    return write_all(frame);
  }
  bool write_all(const std::vector<std::uint8_t>& bytes);
  // nullopt when the connection closed or timed out.
  std::optional<std::vector<std::uint8_t>> receive(int timeout_ms = 10000);

 private:
  int fd_ = -1;
};

}  // namespace sluice::testing
