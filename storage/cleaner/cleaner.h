// One cleaning round of one compacted log (Kafka's Cleaner.doClean).
//
// The dirty section [first dirty, first uncleanable) is read into an
// OffsetMap of key -> latest offset; then every segment from the log start up
// to where the map ends is recopied, in groups that fit one segment
// (segment.bytes, segment.index.bytes, 32-bit relative offsets), into one
// ".cleaned" segment per group, which Log::replace_segments swaps in. Offsets
// never change: removed records leave gaps, and a rewritten batch keeps its
// last offset.
//
// What survives a round (KIP-534 for tombstones):
//  - a keyed record whose offset is the latest for its key, or past the end
//    of the map; keyless records go (a compacted topic cannot hold them);
//  - a tombstone (null value) until its batch's delete horizon: the first
//    round that keeps it stamps the batch with now + delete.retention.ms
//    (the batch base timestamp, attribute bit 6); a round after that drops it;
//  - transactions (Kafka's CleanedTransactionMetadata): an aborted
//    transaction's records go and never enter the map; a committed one's are
//    compacted like any others. A COMMIT/ABORT marker stays while records
//    of its transaction are still read; once none are, the first round
//    stamps it with a delete horizon (now + delete.retention.ms) and a round
//    after that drops it. An ABORT marker that stays keeps its entry in the
//    cleaned segment's transaction index. The cleaner manager never cleans
//    past the last stable offset, so no undecided transaction is touched;
//  - the batch holding each active producer's last sequence (or, when its
//    last entry is a marker, that marker), emptied if none of its records
//    survive, so the producer's epoch and sequence are still in the log
//    (idempotence after a restart) until producer.id.expiration.ms drops
//    the producer.
// A batch all of whose records survive and that needs no stamp is copied as
// is; others are rebuilt with the batch's codec, producer id, epoch and
// leader epoch (its base sequence moves with its first surviving record, so
// every record keeps its sequence number).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "protocol/records/record.h"
#include "protocol/result.h"
#include "storage/cleaner/cleaned_txn_tracker.h"
#include "storage/cleaner/offset_map.h"
#include "storage/clock.h"
#include "storage/log/log.h"

namespace sluice::storage {

struct CleanerOptions {
  std::size_t dedupe_buffer_bytes = 128 << 20;  // this cleaner's share of log.cleaner.dedupe.buffer.size
  double dedupe_buffer_load_factor = 0.9;       // log.cleaner.io.buffer.load.factor
  std::size_t max_decompressed_bytes = 64 << 20;
};

struct CleanerStats {
  std::uint64_t map_bytes_read = 0;  // dirty bytes read into the map
  std::int64_t map_records_read = 0;
  std::uint64_t bytes_read = 0;  // bytes of the segments recopied
  std::uint64_t bytes_written = 0;
  std::int64_t records_read = 0;
  std::int64_t records_written = 0;
  std::int64_t tombstones_removed = 0;
  int segments_read = 0;
  int segments_written = 0;
  double buffer_utilization = 0;
};

struct CleanResult {
  std::int64_t first_dirty_offset = 0;
  // Where the next round's dirty section starts (cleaner-offset-checkpoint).
  std::int64_t end_offset = 0;
  // The earliest delete horizon among the tombstones kept, when there is
  // one: the log holds removable tombstones from then on.
  std::optional<std::int64_t> next_delete_horizon_ms;
  CleanerStats stats;
};

// Kafka's groupSegmentsBySize: consecutive segments whose log and index
// sizes together fit `max_size` / `max_index_size` and whose offsets fit 32
// bits relative to the group's base. `next_base_offset` is where the
// segment after the last one begins.
std::vector<std::vector<Log::SegmentPtr>> group_segments_by_size(std::span<const Log::SegmentPtr> segments,
                                                                 std::int64_t max_size, std::int64_t max_index_size,
                                                                 std::int64_t next_base_offset);

class Cleaner {
 public:
  // Returns true when the round must stop (shutdown, or the log's cleaning
  // was aborted).
  using AbortCheck = std::function<bool()>;

  Cleaner(CleanerOptions options, const Clock& clock);

  // Cleans `log` whose dirty section is [first_dirty_offset,
  // first_uncleanable_offset), the latter a segment base offset (it is
  // clamped to the active segment's). Returns nullopt when `aborted` stopped
  // the round: groups swapped in before that stay, which is harmless.
  // Errors: CORRUPT_MESSAGE for an unreadable batch, KAFKA_STORAGE_ERROR for
  // I/O, UNKNOWN_SERVER_ERROR when the segments changed under the round
  // (retention, truncation) or the map cannot hold a single key.
  protocol::Result<std::optional<CleanResult>> clean(Log& log, std::int64_t first_dirty_offset,
                                                     std::int64_t first_uncleanable_offset,
                                                     const AbortCheck& aborted = {});

  const OffsetMap& offset_map() const { return map_; }

 private:
  enum class MapOutcome : std::uint8_t { kComplete, kFull, kAborted };
  enum class GroupOutcome : std::uint8_t { kDone, kAborted };

  struct ProducerLast {
    std::int64_t last_data_offset = -1;
    std::int16_t producer_epoch = -1;
  };
  // Per-round state shared by the groups.
  struct Round {
    const LogConfig* config = nullptr;
    std::int64_t now_ms = 0;
    // The map covers the dirty section up to here; records at or past it
    // have not been compared with their keys' later values.
    std::int64_t end_offset = 0;
    std::map<std::int64_t, ProducerLast> producer_last;  // the log's active producers, by id
    std::optional<std::int64_t> next_delete_horizon_ms;
    CleanerStats stats;
  };

  protocol::Result<MapOutcome> build_offset_map(std::span<const Log::SegmentPtr> segments, std::int64_t first_dirty,
                                                std::int64_t first_uncleanable,
                                                const std::vector<AbortedTxn>& aborted_txns, const AbortCheck& aborted,
                                                CleanerStats& stats);
  protocol::Result<GroupOutcome> clean_group(Log& log, const std::vector<Log::SegmentPtr>& group, Round& round,
                                             const AbortCheck& aborted);
  // Appends what survives of one batch to `out`.
  protocol::Status filter_batch(std::span<const std::uint8_t> entry, Round& round, CleanedTxnTracker& txns,
                                std::vector<std::uint8_t>& out);
  static bool is_producer_last(const protocol::RecordBatchHeader& h, const Round& round);
  bool should_retain(const protocol::RecordBatchHeader& h, const protocol::Record& r, std::int64_t offset,
                     const Round& round) const;

  CleanerOptions options_;
  const Clock& clock_;
  OffsetMap map_;
  std::vector<protocol::Record> records_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace sluice::storage
