// Shared fixtures for storage tests: a temporary directory, record batches,
// and reading a log back record by record.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "protocol/records/record_batch.h"
#include "protocol/records/record_batch_builder.h"
#include "storage/log/file_records.h"

namespace sluice::storage::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("sluice-test-" + std::to_string(rd()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline protocol::Bytes bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct TestRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::int64_t timestamp = 1'700'000'000'000;
};

// One batch of the given records (offsets from 0, as a producer sends).
inline std::vector<std::uint8_t> make_batch(const std::vector<TestRecord>& records,
                                            protocol::BatchOptions options = {}) {
  protocol::RecordBatchBuilder b(options);
  for (const TestRecord& r : records) {
    b.append(r.timestamp, r.key ? std::optional(bytes_of(*r.key)) : std::nullopt,
             r.value ? std::optional(bytes_of(*r.value)) : std::nullopt);
  }
  auto built = b.build();
  EXPECT_TRUE(built.ok());
  return std::move(built).value();
}

inline std::vector<std::uint8_t> make_values_batch(int count, const std::string& prefix, std::int64_t timestamp,
                                                   protocol::BatchOptions options = {}) {
  std::vector<TestRecord> records;
  for (int i = 0; i < count; ++i)
    records.push_back({prefix + "-k" + std::to_string(i), prefix + "-v" + std::to_string(i), timestamp});
  return make_batch(records, options);
}

struct ReadRecord {
  std::int64_t offset;
  std::int64_t timestamp;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

// Every record in the bytes of a file slice (whole batches only).
inline std::vector<ReadRecord> records_in(const FileSlice& slice) {
  std::vector<ReadRecord> out;
  if (slice.empty()) return out;
  std::vector<std::uint8_t> buf(slice.length);
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n =
        ::pread(slice.file->fd(), buf.data() + done, buf.size() - done, static_cast<off_t>(slice.position + done));
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  buf.resize(done);
  protocol::EntryIterator it(buf);
  std::vector<protocol::Record> records;
  std::vector<std::uint8_t> scratch;
  while (auto entry = it.next()) {
    auto batch = protocol::RecordBatchView::parse(*entry);
    EXPECT_TRUE(batch.ok());
    EXPECT_TRUE(batch->crc_ok());
    EXPECT_TRUE(batch->records(records, scratch, 64 << 20).ok());
    const auto& h = batch->header();
    for (const auto& r : records) {
      auto str = [](const protocol::NullableBytes& b) {
        return b ? std::optional<std::string>(std::string(reinterpret_cast<const char*>(b->data()), b->size()))
                 : std::nullopt;
      };
      const bool append_time = h.timestamp_type() == protocol::TimestampType::kLogAppendTime;
      out.push_back({protocol::record_offset(h, r), append_time ? h.max_timestamp : protocol::record_timestamp(h, r),
                     str(r.key), str(r.value)});
    }
  }
  return out;
}

}  // namespace sluice::storage::testing
