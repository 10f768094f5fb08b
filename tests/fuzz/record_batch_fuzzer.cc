// libFuzzer target: the records of a Produce request. First as parsed:
// entries split off, each v2 batch parsed, its CRC computed and its records
// decoded, decompressing gzip, snappy, lz4 or zstd into a bounded buffer (a
// decompression bomb stops at the bound with an error). Then as the log
// validates them, with every v2 batch's CRC made right first, so that the
// fuzzer gets past the CRC to the rules, offset assignment and recompression.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/records/record.h"
#include "protocol/records/record_batch.h"
#include "storage/config/log_config.h"
#include "storage/log/log_validator.h"
#include "tests/fuzz/batch_crcs.h"

namespace {
namespace p = sluice::protocol;
namespace st = sluice::storage;

constexpr std::size_t kMaxDecompressed = 8 << 20;

// Two topics: the defaults (records kept as sent, offsets assigned in place),
// and a compacted gzip topic with LogAppendTime and a one-hour bound, which
// rebuilds every batch.
std::vector<st::LogConfig> topic_configs() {
  st::LogConfig plain;
  st::LogConfig strict;
  strict.cleanup_policy = st::CleanupPolicy::kCompact;
  strict.compression_type = st::BrokerCompressionType::kGzip;
  strict.message_timestamp_type = st::TimestampType::kLogAppendTime;
  strict.message_timestamp_before_max_ms = 3'600'000;
  return {plain, strict};
}

void parse(std::span<const std::uint8_t> bytes) {
  p::EntryIterator entries(bytes);
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
}

void validate(std::span<const std::uint8_t> bytes) {
  std::vector<std::uint8_t> fixed(bytes.begin(), bytes.end());
  sluice::fuzz::make_batch_crcs_right(fixed);
  static const std::vector<st::LogConfig> configs = topic_configs();
  for (const st::LogConfig& config : configs) {
    std::vector<std::uint8_t> records = fixed;  // offsets are assigned in place
    st::ValidationContext ctx;
    ctx.first_offset = 1000;
    ctx.leader_epoch = 3;
    ctx.now_ms = 1'700'000'000'000;
    ctx.max_decompressed_bytes = kMaxDecompressed;
    std::vector<st::RecordError> errors;
    (void)st::validate_and_assign_offsets(records, config, ctx, errors);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  parse(bytes);
  validate(bytes);
  return 0;
}
