#include "storage/producer/producer_state_manager.h"

#include <algorithm>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "protocol/int_math.h"
#include "storage/checkpoint/atomic_file.h"
#include "storage/producer/producer_snapshot_file.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Status;

protocol::Result<ProducerStateManager> ProducerStateManager::open(std::filesystem::path log_dir,
                                                                  std::int64_t producer_id_expiration_ms) {
  auto snapshots = list_producer_snapshots(log_dir);
  if (!snapshots.ok()) return snapshots.status();
  return ProducerStateManager(std::move(log_dir), producer_id_expiration_ms, std::move(*snapshots));
}

ProducerStateManager::ProducerStateManager(std::filesystem::path log_dir, std::int64_t producer_id_expiration_ms,
                                           std::map<std::int64_t, std::filesystem::path> snapshots)
    : log_dir_(std::move(log_dir)),
      producer_id_expiration_ms_(producer_id_expiration_ms),
      snapshots_(std::move(snapshots)) {}

const ProducerStateEntry* ProducerStateManager::last_entry(std::int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

std::optional<BatchMetadata> ProducerStateManager::find_duplicate(const protocol::RecordBatchHeader& batch) const {
  if (!batch.has_producer_id()) return std::nullopt;
  const ProducerStateEntry* entry = last_entry(batch.producer_id);
  if (entry == nullptr) return std::nullopt;
  return entry->find_duplicate_batch(batch);
}

ProducerAppendInfo ProducerStateManager::prepare_update(std::int64_t producer_id, AppendOrigin origin) const {
  const ProducerStateEntry* entry = last_entry(producer_id);
  return ProducerAppendInfo(producer_id, entry ? *entry : ProducerStateEntry::empty(producer_id), origin);
}

Status ProducerStateManager::update(const ProducerAppendInfo& info) {
  if (info.producer_id() == protocol::kNoProducerId) {
    return {ErrorCode::INVALID_RECORD, "producer state update without a producer id"};
  }
  const ProducerStateEntry& updated = info.to_entry();
  if (auto it = producers_.find(info.producer_id()); it != producers_.end()) {
    it->second.update(updated);
  } else {
    producers_.emplace(info.producer_id(), updated);
  }
  for (const TxnMetadata& txn : info.started_transactions()) ongoing_txns_[txn.first_offset] = txn;
  return {};
}

void ProducerStateManager::load_producer_entry(ProducerStateEntry entry) {
  const std::int64_t producer_id = entry.producer_id();
  if (const std::optional<std::int64_t> first = entry.current_txn_first_offset()) {
    ongoing_txns_[*first] = TxnMetadata{producer_id, *first, std::nullopt};
  }
  producers_.insert_or_assign(producer_id, std::move(entry));
}

bool ProducerStateManager::is_expired(std::int64_t now_ms, const ProducerStateEntry& entry) const {
  return !entry.current_txn_first_offset() &&
         protocol::saturating_sub(now_ms, entry.last_timestamp()) >= producer_id_expiration_ms_;
}

void ProducerStateManager::remove_expired_producers(std::int64_t now_ms) {
  std::erase_if(producers_, [&](const auto& kv) { return is_expired(now_ms, kv.second); });
}

std::optional<std::int64_t> ProducerStateManager::first_undecided_offset() const {
  if (ongoing_txns_.empty()) return std::nullopt;
  return ongoing_txns_.begin()->first;
}

std::optional<std::int64_t> ProducerStateManager::first_unstable_offset() const {
  std::optional<std::int64_t> undecided = first_undecided_offset();
  std::optional<std::int64_t> unreplicated;
  if (!unreplicated_txns_.empty()) unreplicated = unreplicated_txns_.begin()->first;
  if (!undecided) return unreplicated;
  if (!unreplicated) return undecided;
  return std::min(*undecided, *unreplicated);
}

std::int64_t ProducerStateManager::last_stable_offset(const CompletedTxn& txn) const {
  // The oldest transaction still open other than the one completing.
  for (const auto& [first_offset, open] : ongoing_txns_) {
    if (open.producer_id != txn.producer_id) return first_offset;
  }
  return txn.last_offset + 1;
}

Status ProducerStateManager::complete_txn(const CompletedTxn& txn) {
  auto it = ongoing_txns_.find(txn.first_offset);
  if (it == ongoing_txns_.end()) {
    return {ErrorCode::UNKNOWN_SERVER_ERROR, "completing transaction of producer " + std::to_string(txn.producer_id) +
                                                 " at offset " + std::to_string(txn.first_offset) +
                                                 " which was not started"};
  }
  TxnMetadata metadata = it->second;
  ongoing_txns_.erase(it);
  metadata.last_offset = txn.last_offset;
  unreplicated_txns_[txn.first_offset] = metadata;
  return {};
}

void ProducerStateManager::remove_unreplicated_transactions(std::int64_t offset) {
  std::erase_if(unreplicated_txns_,
                [&](const auto& kv) { return kv.second.last_offset && *kv.second.last_offset < offset; });
}

void ProducerStateManager::on_high_watermark_updated(std::int64_t high_watermark) {
  remove_unreplicated_transactions(high_watermark);
}

Status ProducerStateManager::take_snapshot(bool sync) {
  // Nothing appended since the last snapshot: it would be the same file.
  if (map_end_offset_ <= last_snapshot_offset_) return {};
  const std::filesystem::path file = producer_snapshot_path(log_dir_, map_end_offset_);
  if (Status s = write_producer_snapshot(file, producers_, sync); !s.ok()) return s;
  snapshots_[map_end_offset_] = file;
  last_snapshot_offset_ = map_end_offset_;
  return {};
}

std::optional<std::int64_t> ProducerStateManager::latest_snapshot_offset() const {
  if (snapshots_.empty()) return std::nullopt;
  return snapshots_.rbegin()->first;
}

std::optional<std::int64_t> ProducerStateManager::oldest_snapshot_offset() const {
  if (snapshots_.empty()) return std::nullopt;
  return snapshots_.begin()->first;
}

Status ProducerStateManager::remove_and_delete_snapshot(std::int64_t offset) {
  auto it = snapshots_.find(offset);
  if (it == snapshots_.end()) return {};
  const std::filesystem::path file = it->second;
  snapshots_.erase(it);
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (ec) return storage_error("cannot delete producer snapshot", file, ec.value());
  return {};
}

Status ProducerStateManager::delete_snapshots_before(std::int64_t offset) {
  std::vector<std::int64_t> doomed;
  for (auto it = snapshots_.begin(); it != snapshots_.end() && it->first < offset; ++it) doomed.push_back(it->first);
  for (std::int64_t snapshot_offset : doomed) {
    if (Status s = remove_and_delete_snapshot(snapshot_offset); !s.ok()) return s;
  }
  return {};
}

Status ProducerStateManager::load_from_snapshot(std::int64_t log_start_offset, std::int64_t now_ms) {
  while (!snapshots_.empty()) {
    const std::int64_t offset = snapshots_.rbegin()->first;
    const std::filesystem::path file = snapshots_.rbegin()->second;
    auto entries = read_producer_snapshot(file);
    if (entries.ok()) {
      for (ProducerStateEntry& entry : *entries) {
        if (!is_expired(now_ms, entry)) load_producer_entry(std::move(entry));
      }
      last_snapshot_offset_ = offset;
      map_end_offset_ = offset;
      return {};
    }
    // Kafka deletes a corrupt snapshot and falls back to an older one (or a
    // full replay); an I/O error is the disk's problem and is reported.
    if (entries.code() != ErrorCode::CORRUPT_MESSAGE) return entries.status();
    if (Status s = remove_and_delete_snapshot(offset); !s.ok()) return s;
  }
  last_snapshot_offset_ = log_start_offset;
  map_end_offset_ = log_start_offset;
  return {};
}

Status ProducerStateManager::truncate_and_reload(std::int64_t log_start_offset, std::int64_t log_end_offset,
                                                 std::int64_t now_ms) {
  std::vector<std::int64_t> doomed;
  for (const auto& [offset, file] : snapshots_) {
    if (offset > log_end_offset || offset <= log_start_offset) doomed.push_back(offset);
  }
  for (std::int64_t offset : doomed) {
    if (Status s = remove_and_delete_snapshot(offset); !s.ok()) return s;
  }
  if (log_end_offset == map_end_offset_) {
    on_log_start_offset_incremented(log_start_offset);
    return {};
  }
  producers_.clear();
  ongoing_txns_.clear();
  // The log end is at or below the high watermark here, so every completed
  // transaction's marker is replicated.
  unreplicated_txns_.clear();
  return load_from_snapshot(log_start_offset, now_ms);
}

Status ProducerStateManager::truncate_fully_and_start_at(std::int64_t offset) {
  producers_.clear();
  ongoing_txns_.clear();
  unreplicated_txns_.clear();
  std::vector<std::int64_t> doomed;
  for (const auto& [snapshot_offset, file] : snapshots_) doomed.push_back(snapshot_offset);
  for (std::int64_t snapshot_offset : doomed) {
    if (Status s = remove_and_delete_snapshot(snapshot_offset); !s.ok()) return s;
  }
  last_snapshot_offset_ = 0;
  map_end_offset_ = offset;
  return {};
}

void ProducerStateManager::on_log_start_offset_incremented(std::int64_t log_start_offset) {
  remove_unreplicated_transactions(log_start_offset);
  if (map_end_offset_ < log_start_offset) map_end_offset_ = log_start_offset;
  last_snapshot_offset_ = latest_snapshot_offset().value_or(log_start_offset);
}

}  // namespace sluice::storage
