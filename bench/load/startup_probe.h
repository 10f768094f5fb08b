// Start-up cost of a broker binary: time from fork+exec until it answers an
// ApiVersions request, and its resident memory once idle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "protocol/result.h"

namespace sluice::bench {

struct StartupOptions {
  std::string binary;
  std::filesystem::path work_dir;  // each run gets a fresh data dir in here
  int runs = 5;
  int idle_ms = 1000;                  // wait before reading VmRSS
  std::vector<std::string> overrides;  // extra --override key=value
};

struct StartupResult {
  std::vector<double> ready_ms;  // one per run
  std::vector<std::int64_t> idle_rss_kib;
};

protocol::Result<StartupResult> probe_startup(const StartupOptions& options);

}  // namespace sluice::bench
