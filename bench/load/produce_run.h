// Produce throughput: a fixed number of fixed-size records, round-robin over
// the partitions, timed from the first send to the last acknowledgement.
#pragma once

#include <cstdint>
#include <string>

#include "bench/load/throughput.h"
#include "protocol/result.h"

namespace sluice::bench {

struct ProduceOptions {
  std::string bootstrap;
  std::string topic;
  std::int32_t partitions = 4;
  std::string acks = "1";  // "0", "1" or "all"
  std::int64_t bytes = 512LL << 20;
  std::int32_t record_size = 1024;
  std::int32_t linger_ms = 5;
  bool create_topic = false;  // CreateTopics first (a real broker; the null sink has every topic)
  int watch_pid = 0;          // a broker whose CPU time to report
};

protocol::Result<Transfer> run_produce(const ProduceOptions& options);

}  // namespace sluice::bench
