// What the broker does with a 1 MiB ProduceRequest before it appends:
// parse the frame, decode the request (record data stays a view), walk the
// batches and check each CRC-32C. Compared with a memcpy of the same bytes,
// measured in the same run.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>

#include "protocol/frame.h"
#include "protocol/generated/produce_request.h"
#include "protocol/records/record_batch.h"
#include "protocol/records/record_batch_builder.h"

namespace sluice::protocol {
namespace {

constexpr std::int16_t kVersion = 9;
constexpr std::size_t kTarget = 1 << 20;

// 1 MiB of 16 KiB batches of 1 KiB records, as a producer with
// batch.size=16384 sends, one partition.
std::vector<std::uint8_t> produce_frame() {
  std::mt19937 rng(1);
  std::string value(1024, '\0');
  for (char& c : value) c = static_cast<char>('a' + rng() % 26);
  std::vector<std::uint8_t> records;
  std::int64_t ts = 1'700'000'000'000;
  while (records.size() < kTarget) {
    RecordBatchBuilder b(BatchOptions{});
    for (int i = 0; i < 15; ++i) {
      const std::string key = "key-" + std::to_string(ts);
      b.append(ts++, Bytes(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
               Bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
    }
    auto batch = b.build();
    records.insert(records.end(), batch->begin(), batch->end());
  }
  ProduceRequest req;
  req.acks = -1;
  req.timeout_ms = 30000;
  auto& topic = req.topic_data.emplace_back();
  topic.name = "bench";
  auto& part = topic.partition_data.emplace_back();
  part.index = 0;
  part.records = RecordsView(records);
  std::vector<std::uint8_t> frame;
  (void)encode_request_frame(req, kVersion, 1, "bench", frame);
  return std::vector<std::uint8_t>(frame.begin() + 4, frame.end());  // without the size prefix, as received
}

void BM_DecodeAndValidateProduce1MiB(benchmark::State& state) {
  const std::vector<std::uint8_t> frame = produce_frame();
  std::size_t batches = 0;
  for (auto _ : state) {
    auto parsed = parse_request_frame(frame);
    auto req = decode<ProduceRequest>(parsed->body, parsed->api_version());
    batches = 0;
    for (const auto& topic : req->topic_data) {
      for (const auto& part : topic.partition_data) {
        EntryIterator it(part.records.bytes());
        while (auto entry = it.next()) {
          auto batch = RecordBatchView::parse(*entry);
          if (!batch.ok() || !batch->crc_ok()) state.SkipWithError("bad batch");
          ++batches;
        }
      }
    }
    benchmark::DoNotOptimize(batches);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(frame.size()));
  state.counters["batches"] = static_cast<double>(batches);
}
BENCHMARK(BM_DecodeAndValidateProduce1MiB);

void BM_MemcpyProduce1MiB(benchmark::State& state) {
  const std::vector<std::uint8_t> frame = produce_frame();
  std::vector<std::uint8_t> out(frame.size());
  for (auto _ : state) {
    std::memcpy(out.data(), frame.data(), frame.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(frame.size()));
}
BENCHMARK(BM_MemcpyProduce1MiB);

}  // namespace
}  // namespace sluice::protocol
