// Encoding the non-record part of a FetchResponse with 100 partitions: the
// bytes the broker writes before it sendfile()s the record data. Compared with
// a memcpy of the same number of bytes, measured in the same run.
#include <benchmark/benchmark.h>

#include <cstring>

#include "protocol/frame.h"
#include "protocol/generated/fetch_response.h"

namespace sluice::protocol {
namespace {

constexpr std::int16_t kVersion = 16;

FetchResponse hundred_partitions() {
  FetchResponse resp;
  resp.session_id = 12345;
  auto& topic = resp.responses.emplace_back();
  topic.topic_id = Uuid{0x1234, 0x5678};
  for (int p = 0; p < 100; ++p) {
    auto& part = topic.partitions.emplace_back();
    part.partition_index = p;
    part.high_watermark = 1'000'000 + p;
    part.last_stable_offset = 1'000'000 + p;
    part.log_start_offset = 0;
    part.records = RecordsView(std::span<const std::uint8_t>());  // record bytes go out by sendfile
  }
  return resp;
}

void BM_EncodeFetchResponse100Partitions(benchmark::State& state) {
  const FetchResponse resp = hundred_partitions();
  std::vector<std::uint8_t> out;
  out.reserve(8192);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(encode_response_frame(resp, kVersion, 7, out).ok());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(out.size()));
  state.counters["frame_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_EncodeFetchResponse100Partitions);

void BM_MemcpyFetchResponse100PartitionsBytes(benchmark::State& state) {
  const FetchResponse resp = hundred_partitions();
  std::vector<std::uint8_t> frame;
  (void)encode_response_frame(resp, kVersion, 7, frame);
  std::vector<std::uint8_t> out(frame.size());
  for (auto _ : state) {
    std::memcpy(out.data(), frame.data(), frame.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(frame.size()));
}
BENCHMARK(BM_MemcpyFetchResponse100PartitionsBytes);

}  // namespace
}  // namespace sluice::protocol
