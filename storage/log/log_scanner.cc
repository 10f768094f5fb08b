#include "storage/log/log_scanner.h"

#include <unistd.h>

#include <string>
#include <vector>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Status;

namespace {

Status read_slice(const FileSlice& slice, std::vector<std::uint8_t>& out) {
  out.resize(slice.length);
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(slice.file->fd(), out.data() + done, out.size() - done, static_cast<off_t>(slice.position + done));
    if (n < 0) return Status{ErrorCode::KAFKA_STORAGE_ERROR, "Error reading the log"};
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return {};
}

}  // namespace

Status scan_log(const Log& log, std::int64_t from, std::uint64_t chunk_bytes,
                const std::function<Status(const protocol::RecordBatchView&)>& on_batch) {
  std::int64_t offset = from;
  std::vector<std::uint8_t> bytes;
  while (offset < log.log_end_offset()) {
    auto read = log.read(offset, chunk_bytes, FetchIsolation::kLogEnd, true);
    if (!read.ok()) return read.status();
    if (read->records.empty()) {
      return Status{ErrorCode::CORRUPT_MESSAGE, "No batch found at offset " + std::to_string(offset) + " of " +
                                                    log.topic_partition().to_string() + ", which ends at " +
                                                    std::to_string(log.log_end_offset())};
    }
    if (Status s = read_slice(read->records, bytes); !s.ok()) return s;
    protocol::EntryIterator entries(bytes);
    const std::int64_t before = offset;
    while (auto entry = entries.next()) {
      auto batch = protocol::RecordBatchView::parse(*entry);
      if (!batch.ok()) return batch.status();
      const protocol::RecordBatchHeader& header = batch->header();
      if (header.last_offset() < offset) continue;
      if (!batch->crc_ok()) {
        return Status{ErrorCode::CORRUPT_MESSAGE, "Batch at offset " + std::to_string(header.base_offset) + " of " +
                                                      log.topic_partition().to_string() + " fails its CRC"};
      }
      if (Status s = on_batch(*batch); !s.ok()) return s;
      offset = header.next_offset();
    }
    if (!entries.error().ok()) return entries.error();
    if (offset == before) {
      return Status{ErrorCode::CORRUPT_MESSAGE, "No progress reading " + log.topic_partition().to_string() +
                                                    " at offset " + std::to_string(offset)};
    }
  }
  return {};
}

}  // namespace sluice::storage
