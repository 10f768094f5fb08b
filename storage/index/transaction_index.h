// Kafka's TransactionIndex ("<base offset>.txnindex"): the aborted
// transactions whose ABORT marker is in the segment, so a read_committed
// fetch can tell the consumer which producers' records to skip in the range
// it returns (FetchResponse aborted_transactions, KIP-98). Each 34-byte entry,
// big-endian, is Kafka's AbortedTxn:
//
//   version int16 (0), producerId int64, firstOffset int64,
//   lastOffset int64 (the marker's offset), lastStableOffset int64
//
// Entries are appended in marker order (lastOffset strictly increases). The
// file is created with the first entry, as Kafka does, so most segments have
// none. Entries are also kept in memory: the log appends under its append
// lock while fetches search concurrently (an internal mutex).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/result.h"
#include "storage/checkpoint/unique_fd.h"

namespace sluice::storage {

inline constexpr std::string_view kTxnIndexSuffix = ".txnindex";

struct AbortedTxn {
  std::int64_t producer_id = -1;
  std::int64_t first_offset = -1;
  std::int64_t last_offset = -1;  // the ABORT marker's offset
  // The partition's last stable offset once the marker was written: a fetch
  // ending below it needs no later segment's entries.
  std::int64_t last_stable_offset = -1;
  bool operator==(const AbortedTxn&) const = default;
};

// Kafka's TxnIndexSearchResult.
struct TxnIndexSearchResult {
  std::vector<AbortedTxn> aborted;
  // No later segment can hold an aborted transaction overlapping the range.
  bool is_complete = false;
};

class TransactionIndex {
  struct Private {
    explicit Private() = default;
  };

 public:
  static constexpr std::size_t kEntrySize = 34;
  static constexpr std::int16_t kVersion = 0;

  // Loads the index at `path` if it exists. Damage (a length that is not a
  // whole number of entries, an unknown version, an entry ending below
  // `start_offset`) does not fail the open: sanity_check() reports it, so the
  // log can rebuild the segment (Kafka's CorruptIndexException -> recovery).
  // Errors: KAFKA_STORAGE_ERROR when the file cannot be read.
  static protocol::Result<std::unique_ptr<TransactionIndex>> open(std::filesystem::path path,
                                                                  std::int64_t start_offset);

  TransactionIndex(Private, std::filesystem::path path, std::int64_t start_offset);

  std::filesystem::path path() const;
  std::int64_t start_offset() const { return start_offset_; }

  // Adds an entry, creating the file if needed. UNKNOWN_SERVER_ERROR when
  // its last offset is not above the previous entry's (Kafka's
  // IllegalArgumentException); KAFKA_STORAGE_ERROR for I/O.
  protocol::Status append(const AbortedTxn& txn);

  std::vector<AbortedTxn> all_aborted() const;
  std::size_t size() const;
  std::optional<std::int64_t> last_offset() const;

  // The entries overlapping [fetch_offset, upper_bound_offset): last offset
  // >= fetch_offset and first offset < upper_bound_offset. Complete once an
  // entry's last stable offset reaches the upper bound.
  TxnIndexSearchResult collect_aborted(std::int64_t fetch_offset, std::int64_t upper_bound_offset) const;

  // Drops the entries whose marker is at or above `offset` (log truncation).
  protocol::Status truncate_to(std::int64_t offset);
  // Drops every entry (the segment is being rebuilt by recovery).
  protocol::Status reset();

  // CORRUPT_MESSAGE naming the file if the loaded file was damaged.
  protocol::Status sanity_check() const;

  // fsync (no-op without a file).
  protocol::Status flush() const;
  // Renames the file, if there is one; later appends go to the new name.
  protocol::Status rename_to(const std::filesystem::path& new_path);
  // Closes the descriptor; a later append reopens it.
  void close();
  // Closes and removes the file. Returns whether it existed.
  protocol::Result<bool> delete_if_exists();

 private:
  protocol::Status open_for_append_locked();

  mutable std::mutex mutex_;
  std::filesystem::path path_;
  const std::int64_t start_offset_;
  std::vector<AbortedTxn> entries_;
  protocol::Status damage_;
  UniqueFd fd_;
};

}  // namespace sluice::storage
