// libFuzzer target: legacy message sets (magic 0 and 1) as old producers send
// them, read (decompressing wrapper messages within a bound), then converted
// up to a v2 batch as the log stores them and back down to each legacy magic
// as old fetchers read them.
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/records/convert.h"
#include "protocol/records/legacy_message_set.h"

namespace {
constexpr std::size_t kMaxDecompressed = 8 << 20;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = sluice::protocol;
  const std::span<const std::uint8_t> bytes(data, size);
  if (auto set = p::read_legacy_message_set(bytes, kMaxDecompressed)) {
    auto batch = p::up_convert(set->messages, p::CompressionType::kNone);
    if (batch) (void)p::down_convert(*batch, 1, 0, kMaxDecompressed);
  }
  // The same bytes as stored batches handed to an old fetcher.
  (void)p::down_convert(bytes, 0, 0, kMaxDecompressed);
  return 0;
}
