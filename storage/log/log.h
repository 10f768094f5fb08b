// One partition's log (Kafka's UnifiedLog + LocalLog): an ordered set of
// segments, the log end offset, high watermark and log start offset, the
// leader epoch cache, and the producer state (idempotence and transactions:
// duplicate and sequence checks, open transactions, the last stable offset,
// "<offset>.snapshot" files and each segment's aborted-transaction index).
// Appends are serialized; reads run concurrently with them and see only what
// was published (up to the log end offset, the high watermark or the last
// stable offset, by isolation).
//
// Disk-blocking calls (flush, delete_old_segments, close) are for background
// threads; append and read only touch the page cache.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <vector>

#include "protocol/result.h"
#include "protocol/uuid.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/config/log_config.h"
#include "storage/epoch/leader_epoch_cache.h"
#include "storage/log/log_segment.h"
#include "storage/log/log_types.h"
#include "storage/log/log_validator.h"
#include "storage/producer/producer_state_manager.h"
#include "storage/topic_partition.h"

namespace sluice::storage {

struct LogOpenOptions {
  std::int64_t recovery_point = 0;             // from recovery-point-offset-checkpoint
  std::int64_t log_start_offset = 0;           // from log-start-offset-checkpoint
  std::optional<std::int64_t> high_watermark;  // from replication-offset-checkpoint; else the log end
  bool had_clean_shutdown = true;              // else segments after the recovery point are recovered
  protocol::Uuid topic_id;                     // written to partition.metadata when set
  std::size_t max_decompressed_bytes = 64 << 20;
  // producer.id.expiration.ms: idle producers are forgotten after this.
  std::int64_t producer_id_expiration_ms = kDefaultProducerIdExpirationMs;
};

class Log : public std::enable_shared_from_this<Log> {
  struct Private {
    explicit Private() = default;
  };

 public:
  using SegmentPtr = std::shared_ptr<LogSegment>;

  // Loads (recovering what an unclean shutdown may have torn) or creates
  // the log in `dir`. `scheduler` runs delayed deletions and async flushes
  // and must outlive the log.
  static protocol::Result<std::shared_ptr<Log>> open(std::filesystem::path dir, TopicPartition tp,
                                                     std::shared_ptr<const LogConfig> config,
                                                     const LogOpenOptions& options, const Clock& clock,
                                                     Scheduler& scheduler);

  Log(Private, std::filesystem::path dir, TopicPartition tp, std::shared_ptr<const LogConfig> config,
      const Clock& clock, Scheduler& scheduler, std::size_t max_decompressed);
  ~Log();

  const TopicPartition& topic_partition() const { return tp_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::shared_ptr<const LogConfig> config() const;
  void update_config(std::shared_ptr<const LogConfig> config);
  protocol::Uuid topic_id() const { return topic_id_; }

  // Validates, assigns offsets from the log end offset, checks the
  // producers' sequences, epochs and transactions (Kafka's
  // analyzeAndValidateProducerState) and appends. A client's retry of a
  // batch still in its producer's cache appends nothing and answers the
  // original offsets (LogAppendInfo::duplicate). Producer errors reject the
  // whole request: OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH,
  // INVALID_TXN_STATE, TRANSACTION_COORDINATOR_FENCED.
  protocol::Result<LogAppendInfo> append_as_leader(std::span<std::uint8_t> records, std::int32_t leader_epoch,
                                                   AppendOrigin origin, std::vector<RecordError>& record_errors);

  // Reads from `offset` up to `max_bytes` (a whole first batch with
  // `min_one_message`) within the isolation's bound. OFFSET_OUT_OF_RANGE
  // below the log start offset or above the log end offset.
  protocol::Result<LogReadResult> read(std::int64_t offset, std::uint64_t max_bytes, FetchIsolation isolation,
                                       bool min_one_message) const;

  // ListOffsets by timestamp or one of list_offsets::k*. nullopt when no
  // record is that recent.
  protocol::Result<std::optional<TimestampAndOffset>> fetch_offset_by_timestamp(std::int64_t timestamp) const;

  std::int64_t log_end_offset() const { return leo_.load(std::memory_order_acquire); }
  std::int64_t high_watermark() const { return hw_.load(std::memory_order_acquire); }
  std::int64_t log_start_offset() const { return log_start_offset_.load(std::memory_order_acquire); }
  // The offset below which every transaction is decided and its marker
  // replicated (Kafka's lastStableOffset): min(first unstable offset, high
  // watermark). read_committed reads stop here.
  std::int64_t last_stable_offset() const { return lso_.load(std::memory_order_acquire); }
  // The first offset of the oldest transaction that is open or whose marker
  // is above the high watermark, clamped to the log start offset.
  std::optional<std::int64_t> first_unstable_offset() const;
  std::int64_t recovery_point() const { return recovery_point_.load(std::memory_order_acquire); }
  std::uint64_t size_in_bytes() const;
  std::size_t segment_count() const;
  // Messages appended since the last flush (flush.messages).
  std::int64_t unflushed_messages() const { return log_end_offset() - recovery_point(); }
  std::int64_t last_flush_ms() const { return last_flush_ms_.load(std::memory_order_acquire); }

  // Moves the high watermark, clamped to [log start offset, log end offset],
  // and the last stable offset with it; returns whether it moved. Takes the
  // append lock (the producer state forgets transactions now replicated).
  bool update_high_watermark(std::int64_t offset);

  // --- producer state (idempotence and transactions) ---
  // The aborted transactions overlapping [start, upper) (Kafka's
  // collectAbortedTransactions): searched from the segment holding `start`
  // until a segment's index says no later one can hold more.
  std::vector<AbortedTxn> collect_aborted_transactions(std::int64_t start, std::int64_t upper) const;
  // DescribeProducers. These take the append lock briefly (appends only
  // touch the page cache; recovery and truncation hold it longer).
  std::vector<ActiveProducer> active_producers() const;
  // Whether `producer_id` has a transaction open on this partition (its
  // first batch is written and no marker yet).
  bool has_ongoing_transaction(std::int64_t producer_id) const;
  // Forgets producers idle for producer.id.expiration.ms, except those with
  // an open transaction (LogManager runs this every
  // producer.id.expiration.check.interval.ms).
  void remove_expired_producers(std::int64_t now_ms);
  // The offset of the newest "<offset>.snapshot" file (tests, tools).
  std::optional<std::int64_t> latest_producer_snapshot_offset() const;

  // DeleteRecords: moves the log start offset up (never past the high
  // watermark: OFFSET_OUT_OF_RANGE). Segments below it go at the next
  // retention pass.
  protocol::Status delete_records_before(std::int64_t offset);

  // Drops everything from `offset` on (replication's truncateTo).
  protocol::Status truncate_to(std::int64_t offset);

  // Flushes segments up to `offset` (exclusive) and moves the recovery
  // point; blocks on the disk. Callers apply flush.messages / flush.ms.
  protocol::Status flush(std::int64_t offset);
  protocol::Status flush() { return flush(log_end_offset()); }

  // Retention: deletes segments past retention.ms / retention.bytes or below
  // the log start offset; returns how many. Blocks on renames.
  protocol::Result<int> delete_old_segments();

  // Rolls a new active segment now (tests, and retention of everything).
  protocol::Status roll();

  LeaderEpochCache& leader_epoch_cache() { return *epoch_cache_; }
  const LeaderEpochCache& leader_epoch_cache() const { return *epoch_cache_; }

  // The segments, oldest first (a snapshot: segments stay readable while held).
  std::vector<SegmentPtr> segments() const;

  // Compaction's swap (Kafka's replaceSegments): `cleaned`, written with the
  // ".cleaned" suffix and the first old segment's base offset, takes the
  // place of `old` (consecutive, inactive segments). Crash-safe: the cleaned
  // files become ".swap", the old ones ".deleted", then the swap files take
  // the real names; a restart completes a swap cut short.
  protocol::Status replace_segments(SegmentPtr cleaned, const std::vector<SegmentPtr>& old);

  // Snapshots the producer state (fsynced), flushes, trims the active
  // segment's indexes, closes files.
  protocol::Status close();
  // Closes and removes every file of the log and its directory.
  protocol::Status delete_all();

 private:
  // What one append does to the producer state, computed before the write
  // and applied after it.
  struct ProducerUpdate {
    std::map<std::int64_t, ProducerAppendInfo> producers;
    std::vector<CompletedTxn> completed;
    std::optional<BatchMetadata> duplicate;
  };

  protocol::Status load(const LogOpenOptions& options);
  void remove_orphan_index_files();
  protocol::Status recover_segments(const std::set<std::int64_t>& damaged, std::int64_t unflushed_from,
                                    std::int64_t log_start);
  protocol::Status load_producer_state(bool reload_from_clean_shutdown);
  // --- producer state, all with append_mutex_ held (or during load) ---
  protocol::Result<ProducerUpdate> analyze_producer_state(const ValidatedRecords& validated, AppendOrigin origin) const;
  protocol::Status apply_producer_update(const ProducerUpdate& update, LogSegment& segment, std::int64_t end_offset);
  // One batch already in the log (recovery, truncation), as a follower
  // would append it; aborted transactions go to `index_into` when set.
  protocol::Status replay_batch(const protocol::RecordBatchView& batch, LogSegment* index_into);
  // Replays the log from the producer state's map end offset to `to`.
  protocol::Status replay_producer_state(std::int64_t to);
  // Recomputes the first unstable offset's position and publishes the LSO.
  void refresh_first_unstable_locked();
  void publish_lso_locked();
  LogOffsetMetadata lso_metadata_locked() const;
  protocol::Status roll_locked(std::int64_t expected_next_offset);
  SegmentPtr active_segment_locked() const { return segments_.rbegin()->second; }
  LogOffsetMetadata metadata_for_locked(std::int64_t offset) const;
  void publish_log_end_locked(std::int64_t leo, std::int64_t segment_base, std::uint64_t position);
  void delete_segments_async(std::vector<SegmentPtr> segments);
  void maybe_move_log_start(std::int64_t offset);
  protocol::Status complete_interrupted_swaps();
  protocol::Result<int> delete_prefix(const std::function<bool(const LogSegment&, std::int64_t next_base)>& predicate);

  const std::filesystem::path dir_;
  const TopicPartition tp_;
  const Clock& clock_;
  Scheduler& scheduler_;
  const std::size_t max_decompressed_;
  protocol::Uuid topic_id_;

  mutable std::mutex config_mutex_;
  std::shared_ptr<const LogConfig> config_;

  // Serializes appends, rolls, truncation and segment deletion, and guards
  // the producer state (not thread-safe, as Kafka's).
  mutable std::mutex append_mutex_;
  std::unique_ptr<ProducerStateManager> producer_state_;
  // Guards segments_ and the offset metadata; held exclusively only briefly.
  mutable std::shared_mutex segments_mutex_;
  std::map<std::int64_t, SegmentPtr> segments_;
  LogOffsetMetadata leo_metadata_;
  LogOffsetMetadata hw_metadata_;
  // Where the first unstable offset is, when there is one (written with
  // append_mutex_ and segments_mutex_ both held).
  std::optional<LogOffsetMetadata> first_unstable_;

  std::atomic<std::int64_t> leo_{0};
  std::atomic<std::int64_t> hw_{0};
  std::atomic<std::int64_t> lso_{0};
  std::atomic<std::int64_t> log_start_offset_{0};
  std::atomic<std::int64_t> recovery_point_{0};
  std::atomic<std::int64_t> last_flush_ms_{0};
  std::mutex flush_mutex_;
  std::unique_ptr<LeaderEpochCache> epoch_cache_;
  bool closed_ = false;
};

}  // namespace sluice::storage
