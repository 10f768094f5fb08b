#include "storage/cleaner/offset_map.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sluice::storage {

namespace {

constexpr std::size_t kMaxBudget = std::numeric_limits<std::int32_t>::max();
constexpr std::size_t kInitialSlots = 1024;
constexpr std::size_t kMinKeyReserve = 4096;

// MurmurHash3's 64-bit finalizer: spreads every input bit over the output.
std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

OffsetMap::OffsetMap(std::size_t memory_bytes, double load_factor)
    : budget_(std::min(memory_bytes, kMaxBudget)), load_factor_(std::clamp(load_factor, 0.1, 0.95)) {}

std::uint64_t OffsetMap::hash_of(std::span<const std::uint8_t> key) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ key.size();
  std::size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, key.data() + i, 8);
    h = (h ^ mix(word)) * 0x100000001b3ULL;
  }
  std::uint64_t tail = 0;
  for (std::size_t shift = 0; i < key.size(); ++i, shift += 8) tail |= std::uint64_t{key[i]} << shift;
  return mix(h ^ mix(tail + 1));
}

std::size_t OffsetMap::find_slot(std::span<const std::uint8_t> key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.offset < 0) return i;
    if (s.hash == hash && s.key_size == key.size() &&
        (key.empty() || std::memcmp(keys_.data() + s.key_position, key.data(), key.size()) == 0)) {
      return i;
    }
  }
}

bool OffsetMap::grow_table() {
  std::size_t wanted = slots_.empty() ? kInitialSlots : slots_.size() * 2;
  const std::size_t room = budget_ > keys_.capacity() ? budget_ - keys_.capacity() : 0;
  if (slots_.empty()) {
    // A small budget starts with as many slots as fit.
    while (wanted > 2 && wanted * sizeof(Slot) > room) wanted /= 2;
  }
  if (wanted * sizeof(Slot) > room) return false;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(wanted, Slot{});
  const std::size_t mask = wanted - 1;
  for (const Slot& s : old) {
    if (s.offset < 0) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].offset >= 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
  return true;
}

bool OffsetMap::reserve_keys(std::size_t extra) {
  const std::size_t needed = keys_.size() + extra;
  if (needed > std::numeric_limits<std::uint32_t>::max()) return false;
  if (needed <= keys_.capacity()) return true;
  const std::size_t table = slots_.size() * sizeof(Slot);
  const std::size_t room = budget_ > table ? budget_ - table : 0;
  const std::size_t capacity = std::min(std::max({needed, keys_.capacity() * 2, kMinKeyReserve}), room);
  if (capacity < needed) return false;
  keys_.reserve(capacity);
  return true;
}

bool OffsetMap::put(std::span<const std::uint8_t> key, std::int64_t offset) {
  if (slots_.empty() && !grow_table()) return false;
  const std::uint64_t hash = hash_of(key);
  std::size_t i = find_slot(key, hash);
  if (slots_[i].offset >= 0) {
    slots_[i].offset = offset;
    update_latest_offset(offset);
    return true;
  }
  if (static_cast<double>(count_ + 1) > static_cast<double>(slots_.size()) * load_factor_) {
    if (!grow_table()) return false;
    i = find_slot(key, hash);
  }
  if (!reserve_keys(key.size())) return false;
  Slot& s = slots_[i];
  s.hash = hash;
  s.offset = offset;
  s.key_position = static_cast<std::uint32_t>(keys_.size());
  s.key_size = static_cast<std::uint32_t>(key.size());
  keys_.insert(keys_.end(), key.begin(), key.end());
  ++count_;
  update_latest_offset(offset);
  return true;
}

std::int64_t OffsetMap::get(std::span<const std::uint8_t> key) const {
  if (slots_.empty()) return -1;
  return slots_[find_slot(key, hash_of(key))].offset;
}

void OffsetMap::update_latest_offset(std::int64_t offset) { latest_offset_ = std::max(latest_offset_, offset); }

void OffsetMap::clear() {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  keys_.clear();
  count_ = 0;
  latest_offset_ = -1;
}

std::size_t OffsetMap::used_bytes() const { return slots_.size() * sizeof(Slot) + keys_.capacity(); }

double OffsetMap::utilization() const {
  return budget_ == 0 ? 0.0 : static_cast<double>(used_bytes()) / static_cast<double>(budget_);
}

}  // namespace sluice::storage
