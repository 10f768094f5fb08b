#include "storage/producer/producer_snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string_view>
#include <system_error>

#include "protocol/reader.h"
#include "protocol/records/crc32c.h"
#include "protocol/writer.h"
#include "storage/checkpoint/atomic_file.h"
#include "storage/checkpoint/unique_fd.h"

namespace sluice::storage {

using protocol::ErrorCode;

namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

protocol::Status corrupt(const std::string& why) { return {ErrorCode::CORRUPT_MESSAGE, "producer snapshot " + why}; }

}  // namespace

std::filesystem::path producer_snapshot_path(const std::filesystem::path& dir, std::int64_t offset) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld", static_cast<long long>(offset));
  return dir / (std::string(name) + kProducerSnapshotSuffix);
}

std::optional<std::int64_t> producer_snapshot_offset(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  const std::string_view suffix = kProducerSnapshotSuffix;
  if (name.size() <= suffix.size() || !std::string_view(name).ends_with(suffix)) return std::nullopt;
  const std::string_view digits(name.data(), name.size() - suffix.size());
  std::int64_t offset = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  if (ec != std::errc() || end != digits.data() + digits.size() || offset < 0) return std::nullopt;
  return offset;
}

std::string encode_producer_snapshot(const std::map<std::int64_t, ProducerStateEntry>& producers) {
  std::string out(kProducerSnapshotEntriesOffset + 4 + producers.size() * kProducerSnapshotEntrySize, '\0');
  protocol::Writer w(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
  w.i16(kProducerSnapshotVersion);
  w.u32(0);  // the CRC, filled in below
  w.i32(static_cast<std::int32_t>(producers.size()));
  for (const auto& [producer_id, entry] : producers) {
    w.i64(producer_id);
    w.i16(entry.producer_epoch());
    w.i32(entry.last_seq());
    w.i64(entry.last_data_offset());
    w.i32(entry.last_offset_delta());
    w.i64(entry.last_timestamp());
    w.i32(entry.coordinator_epoch());
    w.i64(entry.current_txn_first_offset().value_or(-1));
  }
  const std::uint32_t crc = protocol::crc32c(as_bytes(out).subspan(kProducerSnapshotEntriesOffset));
  protocol::Writer crc_writer(
      std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(out.data()) + kProducerSnapshotCrcOffset, 4));
  crc_writer.u32(crc);
  return out;
}

protocol::Result<std::vector<ProducerStateEntry>> decode_producer_snapshot(std::span<const std::uint8_t> bytes) {
  protocol::Reader r(bytes);
  const std::int16_t version = r.i16();
  const std::uint32_t stored_crc = r.u32();
  if (!r.ok()) return corrupt("cut short in its header");
  if (version != kProducerSnapshotVersion) return corrupt("has unknown version " + std::to_string(version));
  const std::uint32_t computed_crc = protocol::crc32c(bytes.subspan(kProducerSnapshotEntriesOffset));
  if (stored_crc != computed_crc) {
    return corrupt("CRC mismatch: stored " + std::to_string(stored_crc) + ", computed " + std::to_string(computed_crc));
  }
  const std::int32_t count = r.i32();
  if (!r.ok()) return corrupt("cut short before its entry count");
  if (count < 0) return corrupt("has negative entry count " + std::to_string(count));
  if (static_cast<std::size_t>(count) > r.remaining() / kProducerSnapshotEntrySize) {
    return corrupt("cut short: " + std::to_string(count) + " entries announced");
  }
  std::vector<ProducerStateEntry> entries;
  entries.reserve(static_cast<std::size_t>(count));
  for (std::int32_t i = 0; i < count; ++i) {
    const std::int64_t producer_id = r.i64();
    const std::int16_t epoch = r.i16();
    const std::int32_t last_seq = r.i32();
    const std::int64_t last_offset = r.i64();
    const std::int32_t offset_delta = r.i32();
    const std::int64_t timestamp = r.i64();
    const std::int32_t coordinator_epoch = r.i32();
    const std::int64_t txn_first_offset = r.i64();
    // A producer known only through a marker has no data batch (LastOffset -1).
    std::optional<BatchMetadata> batch;
    if (last_offset >= 0) batch = BatchMetadata{last_seq, last_offset, offset_delta, timestamp};
    std::optional<std::int64_t> txn;
    if (txn_first_offset >= 0) txn = txn_first_offset;
    entries.emplace_back(producer_id, epoch, coordinator_epoch, timestamp, txn, batch);
  }
  if (!r.ok()) return corrupt("cut short in its entries");
  return entries;
}

protocol::Status write_producer_snapshot(const std::filesystem::path& file,
                                         const std::map<std::int64_t, ProducerStateEntry>& producers, bool sync) {
  return write_file_atomically(file, encode_producer_snapshot(producers), sync);
}

protocol::Status flush_producer_snapshot(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return {};
    return storage_error("open", file, errno);
  }
  if (::fsync(fd.get()) != 0) return storage_error("fsync", file, errno);
  return fsync_directory(file.parent_path());
}

protocol::Result<std::vector<ProducerStateEntry>> read_producer_snapshot(const std::filesystem::path& file) {
  auto contents = read_file_if_exists(file);
  if (!contents.ok()) return contents.status();
  if (!*contents) return storage_error("producer snapshot missing", file, ENOENT);
  auto entries = decode_producer_snapshot(as_bytes(**contents));
  if (!entries.ok())
    return protocol::Status{ErrorCode::CORRUPT_MESSAGE, file.string() + ": " + entries.status().detail};
  return entries;
}

protocol::Result<std::map<std::int64_t, std::filesystem::path>> list_producer_snapshots(
    const std::filesystem::path& dir) {
  std::map<std::int64_t, std::filesystem::path> snapshots;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return snapshots;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return storage_error("cannot list", dir, ec.value());
  // increment(ec), not ++, so a failing readdir is an error value.
  for (const std::filesystem::directory_iterator end; it != end;) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) {
      if (std::optional<std::int64_t> offset = producer_snapshot_offset(it->path())) {
        snapshots.emplace(*offset, it->path());
      }
    }
    it.increment(ec);
    if (ec) return storage_error("cannot list", dir, ec.value());
  }
  return snapshots;
}

}  // namespace sluice::storage
