#include "bench/load/consume_run.h"

#include <unistd.h>

#include <chrono>

#include "bench/load/proc_stats.h"

namespace sluice::bench {

using protocol::ErrorCode;
using protocol::Status;

protocol::Result<Transfer> run_consume(const ConsumeOptions& o) {
  auto reader = PartitionReader::open(o.bootstrap, o.api);
  if (!reader.ok()) return reader.status();
  PartitionReader& r = **reader;
  auto marks = r.watermarks(o.topics);
  if (!marks.ok()) return marks.status();
  std::int64_t expected = 0;
  for (const auto& m : *marks) expected += m.high - m.log_start;

  Transfer t;
  const CpuWatch cpu(o.watch_pid);
  const CpuWatch client_cpu(::getpid());
  const auto start = std::chrono::steady_clock::now();
  if (Status s = r.start(o.topics, std::vector<std::int64_t>(marks->size(), RD_KAFKA_OFFSET_BEGINNING)); !s.ok())
    return s;
  // Give up when nothing arrives for this long: a broker that stopped serving.
  constexpr auto kStall = std::chrono::seconds(30);
  auto last_progress = start;
  while (t.records < expected) {
    auto got = r.poll(std::chrono::milliseconds(100), [&](const rd_kafka_message_t& m) {
      ++t.records;
      t.bytes += static_cast<std::int64_t>(m.len);
    });
    if (!got.ok()) return got.status();
    const auto now = std::chrono::steady_clock::now();
    if (*got > 0) {
      last_progress = now;
    } else if (now - last_progress > kStall) {
      return Status{ErrorCode::REQUEST_TIMED_OUT,
                    "stalled after " + std::to_string(t.records) + " of " + std::to_string(expected) + " records"};
    }
  }
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  t.broker_cpu = cpu.stop();
  t.client_cpu = client_cpu.stop();
  return t;
}

}  // namespace sluice::bench
