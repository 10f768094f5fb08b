#include "coordinator/group/group_loader.h"

#include <spdlog/spdlog.h>

#include "storage/log/log_scanner.h"

namespace sluice::coordinator {

namespace {

constexpr std::uint64_t kLoadChunkBytes = 5 << 20;  // offsets.load.buffer.size
constexpr std::size_t kMaxDecompressedBytes = 64 << 20;

void replay_offset(LoadedGroups& loaded, const RecordOrigin& origin, const OffsetKey& k,
                   std::optional<std::span<const std::uint8_t>> value) {
  const PartitionKey tp{k.topic, k.partition};
  if (!value) {
    if (origin.transactional_producer) {
      auto producer = loaded.pending.find(*origin.transactional_producer);
      if (producer == loaded.pending.end()) return;
      auto group = producer->second.find(k.group);
      if (group == producer->second.end()) return;
      group->second.erase(tp);
      return;
    }
    if (auto it = loaded.offsets.find(k.group); it != loaded.offsets.end()) {
      it->second.erase(tp);
      if (it->second.empty()) loaded.offsets.erase(it);
    }
    // The coordinator writes an offset tombstone when it removes the offset
    // (expiry, OffsetDelete, DeleteGroups), which drops the partition's
    // pending transactional offsets too (Kafka's removeOffsets): so must
    // the replay, or a later COMMIT marker would bring them back.
    for (auto& [producer_id, groups] : loaded.pending) {
      if (auto g = groups.find(k.group); g != groups.end()) g->second.erase(tp);
    }
    return;
  }
  auto v = decode_offset_commit_value(*value);
  if (!v.ok()) {
    spdlog::warn("skipping an unreadable offset of group {}: {}", k.group, v.status().detail);
    return;
  }
  LoggedOffset logged{std::move(v).value(), origin.batch_offset};
  if (origin.transactional_producer) {
    loaded.pending[*origin.transactional_producer][k.group][tp] = std::move(logged);
  } else {
    loaded.offsets[k.group][tp] = std::move(logged);
  }
}

}  // namespace

void replay_group_record(LoadedGroups& loaded, const RecordOrigin& origin, std::span<const std::uint8_t> key,
                         std::optional<std::span<const std::uint8_t>> value) {
  auto decoded = decode_group_record_key(key);
  if (!decoded.ok()) {
    if (decoded.code() != protocol::ErrorCode::UNSUPPORTED_VERSION) {
      spdlog::warn("skipping an unreadable __consumer_offsets key: {}", decoded.status().detail);
    }
    return;
  }
  if (const auto* k = std::get_if<OffsetKey>(&*decoded)) {
    replay_offset(loaded, origin, *k, value);
    return;
  }
  const auto& g = std::get<GroupKey>(*decoded);
  if (!value) {
    loaded.groups.erase(g.group);
    return;
  }
  auto v = decode_group_metadata_value(*value);
  if (!v.ok()) {
    spdlog::warn("skipping unreadable metadata of group {}: {}", g.group, v.status().detail);
    return;
  }
  loaded.groups[g.group] = std::move(v).value();
}

void replay_end_txn(LoadedGroups& loaded, std::int64_t producer_id, protocol::ControlType type) {
  auto it = loaded.pending.find(producer_id);
  if (it == loaded.pending.end()) return;
  if (type == protocol::ControlType::kCommit) {
    for (auto& [group, offsets] : it->second) {
      for (auto& [tp, offset] : offsets) {
        auto& committed = loaded.offsets[group];
        auto current = committed.find(tp);
        if (current == committed.end()) {
          committed.emplace(tp, std::move(offset));
        } else if (current->second.older_than(offset)) {
          current->second = std::move(offset);
        }
      }
    }
  }
  loaded.pending.erase(it);
}

protocol::Status GroupReplay::apply(const protocol::RecordBatchView& batch) {
  const auto& header = batch.header();
  if (protocol::Status r = batch.records(records_, scratch_, kMaxDecompressedBytes); !r.ok()) return r;
  if (records_.empty()) return {};
  if (header.is_control()) {
    // Transaction markers; other control types have no business here.
    if (auto type = protocol::parse_control_type(records_.front().key))
      replay_end_txn(loaded_, header.producer_id, *type);
    return {};
  }
  RecordOrigin origin;
  origin.batch_offset = protocol::record_offset(header, records_.front());
  if (header.is_transactional()) origin.transactional_producer = header.producer_id;
  for (const protocol::Record& r : records_) {
    if (!r.key) continue;  // Kafka fails the load; a keyless record here is no group's
    std::optional<std::span<const std::uint8_t>> value;
    if (r.value) value = *r.value;
    replay_group_record(loaded_, origin, *r.key, value);
  }
  return {};
}

protocol::Result<LoadedGroups> load_groups(const storage::Log& log) {
  GroupReplay replay;
  protocol::Status s = storage::scan_log(log, log.log_start_offset(), kLoadChunkBytes,
                                         [&](const protocol::RecordBatchView& batch) { return replay.apply(batch); });
  if (!s.ok()) return s;
  return std::move(replay.loaded());
}

}  // namespace sluice::coordinator
