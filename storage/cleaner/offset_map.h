// The cleaner's key -> latest offset map over a log's dirty section (Kafka's
// OffsetMap). Kafka's SkimpyOffsetMap keeps only an MD5 of each key in a
// fixed buffer of log.cleaner.dedupe.buffer.size / log.cleaner.threads
// bytes, accepting that two keys with one hash lose a record. This map keeps
// the key bytes themselves, so keys never collide, within the same kind of
// memory budget: the slot table plus the key bytes never exceed it, and a
// put that would is refused (the map is "full" and the cleaning round stops
// at the last offset it mapped, as Kafka's does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sluice::storage {

class OffsetMap {
 public:
  // `memory_bytes`: the budget (capped at 2 GiB, as Kafka caps a thread's
  // share). `load_factor`: how full the slot table may get before it grows
  // (log.cleaner.io.buffer.load.factor; kept within [0.1, 0.95] so a probe
  // always meets an empty slot).
  explicit OffsetMap(std::size_t memory_bytes, double load_factor = 0.9);

  // Records `offset` as the latest offset of `key`. Returns false, changing
  // nothing, when a new key does not fit the budget; an existing key always
  // updates.
  bool put(std::span<const std::uint8_t> key, std::int64_t offset);
  // The latest offset of `key`, or -1 when it is not in the map.
  std::int64_t get(std::span<const std::uint8_t> key) const;

  // The largest offset the map covers: puts move it, and so does a batch
  // read to its end (control batches, keyless records).
  std::int64_t latest_offset() const { return latest_offset_; }
  void update_latest_offset(std::int64_t offset);

  // Forgets every key; keeps the memory for the next round.
  void clear();

  std::size_t size() const { return count_; }
  std::size_t memory_bytes() const { return budget_; }
  // Bytes held now (slots and key storage).
  std::size_t used_bytes() const;
  // used_bytes() / memory_bytes() (Kafka's buffer utilization metric).
  double utilization() const;

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::int64_t offset = -1;  // -1: empty slot
    std::uint32_t key_position = 0;
    std::uint32_t key_size = 0;
  };

  static std::uint64_t hash_of(std::span<const std::uint8_t> key);
  std::size_t find_slot(std::span<const std::uint8_t> key, std::uint64_t hash) const;
  bool grow_table();
  bool reserve_keys(std::size_t extra);

  std::size_t budget_;
  double load_factor_;
  std::vector<Slot> slots_;  // open addressing, linear probing; size a power of two
  std::vector<std::uint8_t> keys_;
  std::size_t count_ = 0;
  std::int64_t latest_offset_ = -1;
};

}  // namespace sluice::storage
