#include "storage/index/transaction_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>

#include "storage/checkpoint/atomic_file.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

void put_be(std::uint8_t* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
}

std::uint64_t get_be(const std::uint8_t* in, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[i];
  return v;
}

std::array<std::uint8_t, TransactionIndex::kEntrySize> encode(const AbortedTxn& txn) {
  std::array<std::uint8_t, TransactionIndex::kEntrySize> out{};
  put_be(out.data(), static_cast<std::uint16_t>(TransactionIndex::kVersion), 2);
  put_be(out.data() + 2, static_cast<std::uint64_t>(txn.producer_id), 8);
  put_be(out.data() + 10, static_cast<std::uint64_t>(txn.first_offset), 8);
  put_be(out.data() + 18, static_cast<std::uint64_t>(txn.last_offset), 8);
  put_be(out.data() + 26, static_cast<std::uint64_t>(txn.last_stable_offset), 8);
  return out;
}

AbortedTxn decode(const std::uint8_t* in) {
  return AbortedTxn{static_cast<std::int64_t>(get_be(in + 2, 8)), static_cast<std::int64_t>(get_be(in + 10, 8)),
                    static_cast<std::int64_t>(get_be(in + 18, 8)), static_cast<std::int64_t>(get_be(in + 26, 8))};
}

Status corrupt(const std::filesystem::path& path, const std::string& what) {
  return {ErrorCode::CORRUPT_MESSAGE, "transaction index " + path.string() + ": " + what};
}

}  // namespace

TransactionIndex::TransactionIndex(Private, std::filesystem::path path, std::int64_t start_offset)
    : path_(std::move(path)), start_offset_(start_offset) {}

Result<std::unique_ptr<TransactionIndex>> TransactionIndex::open(std::filesystem::path path,
                                                                 std::int64_t start_offset) {
  auto index = std::make_unique<TransactionIndex>(Private{}, path, start_offset);
  auto contents = read_file_if_exists(path);
  if (!contents) return contents.status();
  if (!*contents) return index;
  const std::string& bytes = **contents;
  if (bytes.size() % kEntrySize != 0) {
    index->damage_ =
        corrupt(path, "length " + std::to_string(bytes.size()) + " is not a multiple of " + std::to_string(kEntrySize));
    return index;
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  for (std::size_t at = 0; at < bytes.size(); at += kEntrySize) {
    const auto version = static_cast<std::int16_t>(get_be(data + at, 2));
    if (version != kVersion) {
      index->damage_ = corrupt(path, "unknown entry version " + std::to_string(version));
      index->entries_.clear();
      return index;
    }
    const AbortedTxn txn = decode(data + at);
    if (txn.last_offset < start_offset) {
      // Kafka's sanityCheck: an entry cannot end before its segment starts.
      index->damage_ =
          corrupt(path, "last offset " + std::to_string(txn.last_offset) +
                            " of an aborted transaction is below the start offset " + std::to_string(start_offset));
      index->entries_.clear();
      return index;
    }
    index->entries_.push_back(txn);
  }
  return index;
}

std::filesystem::path TransactionIndex::path() const {
  std::lock_guard lock(mutex_);
  return path_;
}

Status TransactionIndex::open_for_append_locked() {
  if (fd_.valid()) return {};
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return storage_error("open", path_, errno);
  fd_ = std::move(fd);
  return {};
}

Status TransactionIndex::append(const AbortedTxn& txn) {
  std::lock_guard lock(mutex_);
  if (!entries_.empty() && entries_.back().last_offset >= txn.last_offset) {
    return {ErrorCode::UNKNOWN_SERVER_ERROR,
            "The last offset of appended transactions must increase sequentially, but " +
                std::to_string(txn.last_offset) + " is not greater than current last offset " +
                std::to_string(entries_.back().last_offset) + " of index " + path_.string()};
  }
  if (Status s = open_for_append_locked(); !s.ok()) return s;
  const auto bytes = encode(txn);
  const off_t at = static_cast<off_t>(entries_.size() * kEntrySize);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_.get(), bytes.data() + done, bytes.size() - done, at + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      (void)::ftruncate(fd_.get(), at);
      return storage_error("append to", path_, err);
    }
    done += static_cast<std::size_t>(n);
  }
  entries_.push_back(txn);
  return {};
}

std::vector<AbortedTxn> TransactionIndex::all_aborted() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::size_t TransactionIndex::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::optional<std::int64_t> TransactionIndex::last_offset() const {
  std::lock_guard lock(mutex_);
  if (entries_.empty()) return std::nullopt;
  return entries_.back().last_offset;
}

TxnIndexSearchResult TransactionIndex::collect_aborted(std::int64_t fetch_offset,
                                                       std::int64_t upper_bound_offset) const {
  std::lock_guard lock(mutex_);
  TxnIndexSearchResult result;
  for (const AbortedTxn& txn : entries_) {
    if (txn.last_offset >= fetch_offset && txn.first_offset < upper_bound_offset) result.aborted.push_back(txn);
    if (txn.last_stable_offset >= upper_bound_offset) {
      result.is_complete = true;
      return result;
    }
  }
  return result;
}

Status TransactionIndex::truncate_to(std::int64_t offset) {
  std::lock_guard lock(mutex_);
  std::size_t keep = 0;
  while (keep < entries_.size() && entries_[keep].last_offset < offset) ++keep;
  if (keep == entries_.size()) return {};
  entries_.resize(keep);
  const off_t length = static_cast<off_t>(keep * kEntrySize);
  if (fd_.valid()) {
    if (::ftruncate(fd_.get(), length) != 0) return storage_error("truncate", path_, errno);
  } else if (::truncate(path_.c_str(), length) != 0 && errno != ENOENT) {
    return storage_error("truncate", path_, errno);
  }
  return {};
}

Status TransactionIndex::reset() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  damage_ = {};
  if (fd_.valid()) {
    if (::ftruncate(fd_.get(), 0) != 0) return storage_error("truncate", path_, errno);
  } else if (::truncate(path_.c_str(), 0) != 0 && errno != ENOENT) {
    return storage_error("truncate", path_, errno);
  }
  return {};
}

Status TransactionIndex::sanity_check() const {
  std::lock_guard lock(mutex_);
  return damage_;
}

Status TransactionIndex::flush() const {
  std::lock_guard lock(mutex_);
  if (!fd_.valid()) return {};
  if (::fdatasync(fd_.get()) != 0) return storage_error("fsync", path_, errno);
  return {};
}

Status TransactionIndex::rename_to(const std::filesystem::path& new_path) {
  std::lock_guard lock(mutex_);
  if (::rename(path_.c_str(), new_path.c_str()) != 0 && errno != ENOENT) {
    return storage_error("rename " + path_.string() + " to", new_path, errno);
  }
  path_ = new_path;
  return {};
}

void TransactionIndex::close() {
  std::lock_guard lock(mutex_);
  fd_.reset();
}

Result<bool> TransactionIndex::delete_if_exists() {
  std::lock_guard lock(mutex_);
  fd_.reset();
  std::error_code ec;
  const bool removed = std::filesystem::remove(path_, ec);
  if (ec) return storage_error("delete", path_, ec.value());
  return removed;
}

}  // namespace sluice::storage
