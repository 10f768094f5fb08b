// libFuzzer target: the records of a Produce request, as the log validates
// them: entries split off, each v2 batch parsed, its CRC computed and its
// records decoded, decompressing gzip, snappy, lz4 or zstd into a bounded
// buffer (a decompression bomb stops at the bound with an error).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/records/record.h"
#include "protocol/records/record_batch.h"

namespace {
constexpr std::size_t kMaxDecompressed = 8 << 20;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = sluice::protocol;
  p::EntryIterator entries(std::span<const std::uint8_t>(data, size));
  std::vector<p::Record> records;
  std::vector<std::uint8_t> scratch;
  while (auto entry = entries.next()) {
    auto batch = p::RecordBatchView::parse(*entry);
    if (!batch) continue;  // a legacy message, or a malformed batch
    (void)batch->crc_ok();
    if (batch->records(records, scratch, kMaxDecompressed).ok()) {
      for (const p::Record& r : records) (void)p::record_size(r);
    }
  }
  return 0;
}
