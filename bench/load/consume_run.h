// Consume throughput: everything in the given partitions, read from the
// beginning, timed from the start of fetching to the last record.
#pragma once

#include <string>
#include <vector>

#include "bench/load/partition_reader.h"
#include "bench/load/throughput.h"

namespace sluice::bench {

struct ConsumeOptions {
  std::string bootstrap;
  std::vector<TopicPartitions> topics;
  ConsumerApi api = ConsumerApi::kSimple;
  int watch_pid = 0;
};

protocol::Result<Transfer> run_consume(const ConsumeOptions& options);

}  // namespace sluice::bench
