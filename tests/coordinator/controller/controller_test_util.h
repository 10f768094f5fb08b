// Shared pieces of the controller tests: a metadata log in a temporary
// directory, reading it back batch by batch, and waiting for callbacks.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <future>
#include <memory>
#include <vector>

#include "coordinator/controller/metadata_log.h"
#include "coordinator/controller/metadata_record_serde.h"
#include "protocol/records/record_batch.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/log/log.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::coordinator::testing {

// One batch of the metadata log, its records decoded.
struct ReadBatch {
  std::int64_t base_offset = 0;
  std::int32_t epoch = 0;
  bool control = false;
  bool keys_null = true;
  std::vector<VersionedRecord> records;
};

inline std::vector<ReadBatch> read_batches(const storage::Log& log) {
  std::vector<ReadBatch> out;
  std::int64_t offset = log.log_start_offset();
  while (offset < log.log_end_offset()) {
    auto read = log.read(offset, 1 << 20, storage::FetchIsolation::kLogEnd, true);
    EXPECT_TRUE(read.ok());
    if (!read.ok() || read->records.empty()) break;
    const storage::FileSlice& slice = read->records;
    std::vector<std::uint8_t> bytes(slice.length);
    EXPECT_EQ(::pread(slice.file->fd(), bytes.data(), bytes.size(), static_cast<off_t>(slice.position)),
              static_cast<ssize_t>(bytes.size()));
    protocol::EntryIterator entries(bytes);
    while (auto entry = entries.next()) {
      auto batch = protocol::RecordBatchView::parse(*entry);
      EXPECT_TRUE(batch.ok());
      if (!batch.ok()) return out;
      EXPECT_TRUE(batch->crc_ok());
      ReadBatch b;
      b.base_offset = batch->header().base_offset;
      b.epoch = batch->header().partition_leader_epoch;
      b.control = batch->header().is_control();
      std::vector<protocol::Record> records;
      std::vector<std::uint8_t> scratch;
      EXPECT_TRUE(batch->records(records, scratch, 1 << 20).ok());
      for (const protocol::Record& r : records) {
        if (r.key) b.keys_null = false;
        if (!r.value || b.control) continue;
        auto decoded = decode_metadata_record(*r.value);
        EXPECT_TRUE(decoded.ok()) << decoded.status().detail;
        if (decoded.ok()) b.records.push_back(std::move(decoded).value());
      }
      offset = batch->header().next_offset();
      out.push_back(std::move(b));
    }
  }
  return out;
}

// A temporary log directory, clock and scheduler for __cluster_metadata-0.
class MetadataLogTest : public ::testing::Test {
 protected:
  std::shared_ptr<storage::Log> open_log() {
    auto log = storage::Log::open(
        dir_.path() / "__cluster_metadata-0", storage::TopicPartition{"__cluster_metadata", 0},
        std::make_shared<storage::LogConfig>(log_config_), storage::LogOpenOptions{}, clock_, scheduler_);
    EXPECT_TRUE(log.ok()) << log.status().detail;
    return log.ok() ? *log : nullptr;
  }

  storage::LogConfig log_config_ = metadata_log_config();
  storage::testing::TempDir dir_;
  storage::ManualClock clock_;
  storage::Scheduler scheduler_{1};
};

// Calls `start` with a callback and waits for the value it is given.
template <class T, class Start>
T await(Start start) {
  std::promise<T> promise;
  auto future = promise.get_future();
  start([&promise](T value) { promise.set_value(std::move(value)); });
  return future.get();
}

}  // namespace sluice::coordinator::testing
