#include "coordinator/txn/txn_loader.h"

#include <spdlog/spdlog.h>

#include "coordinator/txn/txn_records.h"
#include "storage/log/log_scanner.h"

namespace sluice::coordinator {

namespace {

constexpr std::uint64_t kLoadChunkBytes = 5 << 20;  // transaction.state.log.load.buffer.size
constexpr std::size_t kMaxDecompressedBytes = 64 << 20;

}  // namespace

void replay_txn_record(LoadedTxns& loaded, std::span<const std::uint8_t> key,
                       std::optional<std::span<const std::uint8_t>> value) {
  auto id = decode_txn_key(key);
  if (!id.ok()) {
    if (id.code() != protocol::ErrorCode::UNSUPPORTED_VERSION) {
      spdlog::warn("skipping an unreadable __transaction_state key: {}", id.status().detail);
    }
    return;
  }
  if (!value) {
    loaded.erase(*id);
    return;
  }
  auto v = decode_txn_value(*value);
  if (!v.ok()) {
    spdlog::warn("skipping an unreadable state of transactional id {}: {}", *id, v.status().detail);
    return;
  }
  loaded[*id] = std::move(v).value();
}

protocol::Result<LoadedTxns> load_txns(const storage::Log& log) {
  LoadedTxns loaded;
  std::vector<protocol::Record> records;
  std::vector<std::uint8_t> scratch;
  protocol::Status s = storage::scan_log(
      log, log.log_start_offset(), kLoadChunkBytes, [&](const protocol::RecordBatchView& batch) -> protocol::Status {
        if (batch.header().is_control()) return {};
        if (protocol::Status r = batch.records(records, scratch, kMaxDecompressedBytes); !r.ok()) return r;
        for (const protocol::Record& r : records) {
          if (!r.key) continue;  // no transactional id's
          std::optional<std::span<const std::uint8_t>> value;
          if (r.value) value = *r.value;
          replay_txn_record(loaded, *r.key, value);
        }
        return {};
      });
  if (!s.ok()) return s;
  return loaded;
}

}  // namespace sluice::coordinator
