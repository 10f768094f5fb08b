#include "coordinator/group/group_loader.h"

#include <spdlog/spdlog.h>

#include "storage/log/log_scanner.h"

namespace sluice::coordinator {

namespace {

constexpr std::uint64_t kLoadChunkBytes = 5 << 20;  // offsets.load.buffer.size
constexpr std::size_t kMaxDecompressedBytes = 64 << 20;

}  // namespace

void replay_group_record(LoadedGroups& loaded, std::span<const std::uint8_t> key,
                         std::optional<std::span<const std::uint8_t>> value) {
  auto decoded = decode_group_record_key(key);
  if (!decoded.ok()) {
    if (decoded.code() != protocol::ErrorCode::UNSUPPORTED_VERSION) {
      spdlog::warn("skipping an unreadable __consumer_offsets key: {}", decoded.status().detail);
    }
    return;
  }
  if (const auto* k = std::get_if<OffsetKey>(&*decoded)) {
    auto& offsets = loaded.offsets[k->group];
    const PartitionKey tp{k->topic, k->partition};
    if (!value) {
      offsets.erase(tp);
      if (offsets.empty()) loaded.offsets.erase(k->group);
      return;
    }
    auto v = decode_offset_commit_value(*value);
    if (!v.ok()) {
      spdlog::warn("skipping an unreadable offset of group {}: {}", k->group, v.status().detail);
      return;
    }
    offsets[tp] = std::move(v).value();
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

protocol::Result<LoadedGroups> load_groups(const storage::Log& log) {
  LoadedGroups loaded;
  std::vector<protocol::Record> records;
  std::vector<std::uint8_t> scratch;
  protocol::Status s = storage::scan_log(
      log, log.log_start_offset(), kLoadChunkBytes, [&](const protocol::RecordBatchView& batch) -> protocol::Status {
        const auto& header = batch.header();
        if (header.is_control() || header.is_transactional()) return {};
        if (protocol::Status r = batch.records(records, scratch, kMaxDecompressedBytes); !r.ok()) return r;
        for (const protocol::Record& r : records) {
          if (!r.key) continue;  // Kafka fails the load; a keyless record here is no group's
          std::optional<std::span<const std::uint8_t>> value;
          if (r.value) value = *r.value;
          replay_group_record(loaded, *r.key, value);
        }
        return {};
      });
  if (!s.ok()) return s;
  return loaded;
}

}  // namespace sluice::coordinator
