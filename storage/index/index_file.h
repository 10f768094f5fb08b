// What Kafka's OffsetIndex and TimeIndex share (AbstractIndex): a file of
// fixed-size big-endian entries, memory-mapped, preallocated to
// segment.index.bytes rounded down to whole entries while the segment is
// active and trimmed to the entries actually written when it rolls or closes
// (trimToValidSize). Opening an existing file takes every whole entry in it
// as valid, as Kafka does; the segment's recovery decides whether to trust it.
//
// Thread safety: lookups take a shared lock, mutations an exclusive one, so
// fetches may look up while the appender appends. flush() (msync) blocks on
// disk: run it off network threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <shared_mutex>

#include "protocol/result.h"
#include "storage/index/mapped_region.h"

namespace sluice::storage {

class IndexFile {
 public:
  // Kafka's default segment.index.bytes (10 MiB).
  static constexpr std::int32_t kDefaultMaxIndexSize = 10 * 1024 * 1024;

  IndexFile(const IndexFile&) = delete;
  IndexFile& operator=(const IndexFile&) = delete;
  // Unmaps without trimming (Kafka's closeHandler); call close() to trim.
  virtual ~IndexFile() = default;

  std::filesystem::path path() const;
  std::int64_t base_offset() const { return base_offset_; }
  std::int32_t max_index_size() const { return max_index_size_; }
  std::int32_t entry_size() const { return entry_size_; }
  std::int32_t entries() const;
  std::int32_t max_entries() const;
  std::int64_t length() const;         // current file length in bytes
  std::int32_t size_in_bytes() const;  // bytes used by entries
  bool is_full() const;
  bool is_open() const;
  // Whether `offset` fits as a 32-bit offset relative to base_offset().
  bool can_append_offset(std::int64_t offset) const;

  // Resizes file and mapping to `new_size` rounded down to whole entries;
  // false if already that size. Entries beyond the new size are dropped.
  // Used to trim on roll/close and to regrow an index that becomes active
  // again (after loading or truncation).
  protocol::Result<bool> resize(std::int32_t new_size);
  protocol::Status trim_to_valid_size();
  // msync of the mapping: entries appended so far are on disk.
  protocol::Status flush() const;
  // Trims to the valid size, then unmaps; the index is unusable afterwards.
  protocol::Status close();
  // Unmaps without trimming (the file keeps its size).
  void close_handler();
  // Renames the file (the mapping stays valid: it refers to the inode).
  protocol::Status rename_to(const std::filesystem::path& new_path);
  // Unmaps and deletes the file; false if it did not exist.
  protocol::Result<bool> delete_if_exists();
  // Drops every entry and regrows to max_index_size().
  protocol::Status reset();
  // Drops every entry.
  void truncate();

  // Drops every entry whose offset is >= `offset`; an offset above the last
  // entry changes nothing.
  virtual void truncate_to(std::int64_t offset) = 0;
  // Kafka's CorruptIndexException checks, as CORRUPT_MESSAGE naming the file.
  virtual protocol::Status sanity_check() const = 0;

 protected:
  IndexFile(std::filesystem::path path, std::int64_t base_offset, std::int32_t max_index_size, bool writable,
            std::int32_t entry_size);

  // Kafka's createAndAssignMmap: a new file is created and preallocated to
  // max_index_size (rounded down) with no entries; an existing one is mapped
  // at its length with length / entry_size entries. Called once by the
  // subclasses' factories.
  protocol::Status open_file();

  // Called with the exclusive lock held (or during open) whenever the entry
  // count or mapping changes, so subclasses can refresh cached last entries.
  virtual void on_entries_changed() = 0;
  // Kafka's isFull; TimeIndex reserves its last slot.
  virtual bool full_locked() const { return entries_ >= max_entries_; }

  // --- For subclasses, with mutex() held (shared to read, exclusive to write).
  std::shared_mutex& mutex() const { return mutex_; }
  std::int32_t entries_locked() const { return entries_; }
  std::int32_t max_entries_locked() const { return max_entries_; }
  std::int64_t length_locked() const { return length_; }
  const std::filesystem::path& path_locked() const { return path_; }
  // NOT_OPEN-style error when the index was closed or deleted.
  protocol::Status check_open_locked() const;
  std::optional<std::int32_t> relative_offset(std::int64_t offset) const;

  std::int32_t read_i32(std::size_t byte_pos) const;
  std::int64_t read_i64(std::size_t byte_pos) const;
  // Makes sure the disk blocks under [byte_pos, byte_pos + len) exist before
  // an entry is written through the mapping: the file is preallocated
  // sparse, and a store into a hole on a full disk would be SIGBUS, not an
  // error. Reserves 64 KiB at a time; KAFKA_STORAGE_ERROR when the disk is full.
  protocol::Status reserve_locked(std::size_t byte_pos, std::size_t len);
  void write_i32(std::size_t byte_pos, std::int32_t v);
  void write_i64(std::size_t byte_pos, std::int64_t v);
  // Counts the entry just written at slot entries_locked().
  void commit_entry_locked() { ++entries_; }
  void truncate_to_entries_locked(std::int32_t n);

  // AbstractIndex.largestLowerBoundSlotFor / smallestUpperBoundSlotFor over
  // the keys key_at(slot) (ascending): the slot of the largest key <= target
  // (or -1), or of the smallest key >= target (or -1). Kafka's cache-friendly
  // variant: the "warm" last 8 KiB of entries are searched first, since
  // in-sync fetches look up near the end and those pages stay in the page
  // cache.
  template <class KeyAt>
  std::int32_t largest_lower_bound_slot(std::int64_t target, KeyAt key_at) const {
    return slot_for(target, key_at, true);
  }
  template <class KeyAt>
  std::int32_t smallest_upper_bound_slot(std::int64_t target, KeyAt key_at) const {
    return slot_for(target, key_at, false);
  }

 private:
  protocol::Result<bool> resize_locked(std::int32_t new_size);
  std::int32_t round_down_to_entries(std::int64_t bytes) const;

  template <class KeyAt>
  std::int32_t slot_for(std::int64_t target, KeyAt key_at, bool largest_lower_bound) const {
    if (entries_ == 0) return -1;
    const std::int32_t warm_entries = 8192 / entry_size_;
    const std::int32_t first_hot = std::max(0, entries_ - 1 - warm_entries);
    if (key_at(first_hot) < target) {
      return binary_search(target, key_at, largest_lower_bound, first_hot, entries_ - 1);
    }
    if (key_at(0) > target) return largest_lower_bound ? -1 : 0;
    return binary_search(target, key_at, largest_lower_bound, 0, first_hot);
  }

  template <class KeyAt>
  std::int32_t binary_search(std::int64_t target, KeyAt key_at, bool largest_lower_bound, std::int32_t lo,
                             std::int32_t hi) const {
    while (lo < hi) {
      const std::int32_t mid = lo + (hi - lo + 1) / 2;
      const std::int64_t key = key_at(mid);
      if (key > target) {
        hi = mid - 1;
      } else if (key < target) {
        lo = mid;
      } else {
        return mid;
      }
    }
    if (largest_lower_bound) return lo;
    return lo == entries_ - 1 ? -1 : lo + 1;
  }

  std::filesystem::path path_;
  const std::int64_t base_offset_;
  const std::int32_t max_index_size_;
  const bool writable_;
  const std::int32_t entry_size_;

  mutable std::shared_mutex mutex_;
  MappedRegion region_;
  bool open_ = false;
  std::int64_t length_ = 0;
  std::int32_t max_entries_ = 0;
  std::int32_t entries_ = 0;
  std::size_t reserved_begin_ = 0;  // [begin, end): blocks known to be allocated
  std::size_t reserved_end_ = 0;
};

}  // namespace sluice::storage
