// End-to-end latency: a producer sends at a fixed rate with linger.ms=0 while
// a consumer in the same process reads; each record carries its send time,
// so latency = receive time - send time on one clock.
#pragma once

#include <cstdint>
#include <string>

#include "bench/load/partition_reader.h"
#include "protocol/result.h"

namespace sluice::bench {

struct LatencyOptions {
  std::string bootstrap;
  std::string topic;
  std::int32_t partitions = 4;
  std::string acks = "all";
  double mb_per_s = 20;  // 10^6 bytes of record values per second
  double seconds = 10;
  double warmup_seconds = 1;  // records sent earlier are not counted
  std::int32_t record_size = 1024;
  bool create_topic = false;
  ConsumerApi api = ConsumerApi::kSimple;
  int watch_pid = 0;
};

struct LatencyResult {
  std::int64_t sent = 0;
  std::int64_t received = 0;
  std::int64_t measured = 0;  // received records sent after the warm-up
  double achieved_mb_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
};

protocol::Result<LatencyResult> run_latency(const LatencyOptions& options);

}  // namespace sluice::bench
