// What one timed transfer moved, and the line the load tools print for it:
// space-separated key=value pairs that bench/load/run.sh reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench/load/proc_stats.h"

namespace sluice::bench {

struct Transfer {
  std::int64_t records = 0;
  std::int64_t bytes = 0;  // payload bytes (record values)
  double seconds = 0;
  std::optional<CpuTimes> broker_cpu;  // when a broker pid was watched
  std::optional<CpuTimes> client_cpu;  // this process (librdkafka's threads)
};

// "records=... bytes=... seconds=... mb_per_s=... records_per_s=... [cpu_s=... cpu_user_s=... cpu_sys_s=...]
// client_cpu_s=..."
std::string describe(const Transfer& t);

}  // namespace sluice::bench
