#include "bench/load/throughput.h"

#include <cstdio>

namespace sluice::bench {

std::string describe(const Transfer& t) {
  char line[256];
  const double s = t.seconds > 0 ? t.seconds : 1e-9;
  std::snprintf(line, sizeof line, "records=%lld bytes=%lld seconds=%.4f mb_per_s=%.1f records_per_s=%.0f",
                static_cast<long long>(t.records), static_cast<long long>(t.bytes), t.seconds,
                static_cast<double>(t.bytes) / 1e6 / s, static_cast<double>(t.records) / s);
  std::string out = line;
  if (t.broker_cpu) {
    std::snprintf(line, sizeof line, " cpu_s=%.2f cpu_user_s=%.2f cpu_sys_s=%.2f", t.broker_cpu->total(),
                  t.broker_cpu->user, t.broker_cpu->system);
    out += line;
  }
  if (t.client_cpu) {
    std::snprintf(line, sizeof line, " client_cpu_s=%.2f", t.client_cpu->total());
    out += line;
  }
  return out;
}

}  // namespace sluice::bench
