// Kafka's producer state snapshot, "<20-digit offset>.snapshot" in the log
// directory: the producer state as of that offset, so recovery replays only
// the log after it. Kafka's ProducerSnapshot schema, version 1, big-endian:
//
//   version  int16 (1)
//   crc      uint32, CRC-32C of every byte after this field
//   entries  int32 count, then per producer:
//     ProducerId int64, ProducerEpoch int16, LastSequence int32,
//     LastOffset int64, OffsetDelta int32, Timestamp int64,
//     CoordinatorEpoch int32, CurrentTxnFirstOffset int64 (-1: none)
//
// Only a producer's last batch is kept (LastSequence/LastOffset/OffsetDelta),
// so after a reload the duplicate window holds one batch until the producer
// appends again, as in Kafka.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/result.h"
#include "storage/producer/producer_state_entry.h"

namespace sluice::storage {

inline constexpr std::int16_t kProducerSnapshotVersion = 1;
inline constexpr const char* kProducerSnapshotSuffix = ".snapshot";
// Bytes before the entries array (version, crc) and of one entry.
inline constexpr std::size_t kProducerSnapshotCrcOffset = 2;
inline constexpr std::size_t kProducerSnapshotEntriesOffset = 6;
inline constexpr std::size_t kProducerSnapshotEntrySize = 46;

// "<dir>/<offset, 20 digits>.snapshot" (Kafka's LogFileUtils.producerSnapshotFile).
std::filesystem::path producer_snapshot_path(const std::filesystem::path& dir, std::int64_t offset);
// The offset a snapshot file is named for; nullopt for other files.
std::optional<std::int64_t> producer_snapshot_offset(const std::filesystem::path& file);

// The file's bytes for `producers` (keyed by producer id).
std::string encode_producer_snapshot(const std::map<std::int64_t, ProducerStateEntry>& producers);
// The entries of a snapshot. Errors: CORRUPT_MESSAGE for an unknown version,
// a CRC mismatch, a negative count or data cut short (Kafka's
// CorruptSnapshotException). Trailing bytes are ignored, as Kafka's schema
// reader does (they are covered by the CRC).
protocol::Result<std::vector<ProducerStateEntry>> decode_producer_snapshot(std::span<const std::uint8_t> bytes);

// Writes the snapshot atomically (atomic_file.h); with `sync` also durably,
// blocking on fsync. Errors: KAFKA_STORAGE_ERROR.
protocol::Status write_producer_snapshot(const std::filesystem::path& file,
                                         const std::map<std::int64_t, ProducerStateEntry>& producers, bool sync = true);
// Makes a snapshot written without `sync` durable: fsyncs the file and its
// directory. A file deleted meanwhile is not an error.
protocol::Status flush_producer_snapshot(const std::filesystem::path& file);
// Errors: KAFKA_STORAGE_ERROR (missing or unreadable), CORRUPT_MESSAGE.
protocol::Result<std::vector<ProducerStateEntry>> read_producer_snapshot(const std::filesystem::path& file);

// The snapshot files in `dir` by offset (none if `dir` does not exist).
// Errors: KAFKA_STORAGE_ERROR.
protocol::Result<std::map<std::int64_t, std::filesystem::path>> list_producer_snapshots(
    const std::filesystem::path& dir);

}  // namespace sluice::storage
