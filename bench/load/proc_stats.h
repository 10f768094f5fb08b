// A process's CPU time and resident memory, read from /proc.
#pragma once

#include <cstdint>
#include <optional>

namespace sluice::bench {

struct CpuTimes {
  double user = 0;    // seconds, all threads
  double system = 0;  // seconds in the kernel on its behalf (syscalls, page faults)
  double total() const { return user + system; }
};

// utime and stime of the process from /proc/PID/stat; nullopt when the
// process is gone.
std::optional<CpuTimes> cpu_times(int pid);

// VmRSS from /proc/PID/status, in KiB.
std::optional<std::int64_t> rss_kib(int pid);

// CPU time `pid` spent between construction and stop(); empty when no pid
// was given (pid <= 0) or it could not be read.
class CpuWatch {
 public:
  explicit CpuWatch(int pid) : pid_(pid), start_(pid > 0 ? cpu_times(pid) : std::nullopt) {}
  std::optional<CpuTimes> stop() const {
    if (!start_) return std::nullopt;
    const auto end = cpu_times(pid_);
    if (!end) return std::nullopt;
    return CpuTimes{end->user - start_->user, end->system - start_->system};
  }

 private:
  int pid_;
  std::optional<CpuTimes> start_;
};

}  // namespace sluice::bench
