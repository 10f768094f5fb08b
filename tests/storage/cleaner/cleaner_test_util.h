// Helpers for the cleaner tests: a log in a temp dir on a manual clock,
// appending keyed records, and reading the whole log back as a consumer
// would (through Log::read).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/records/record_batch.h"
#include "protocol/records/record_batch_builder.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/log/log.h"
#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage::testutil {

using KeyValue = std::pair<std::string, std::optional<std::string>>;  // nullopt value: a tombstone

struct ReadRecord {
  std::int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::int64_t timestamp = 0;
  bool operator==(const ReadRecord&) const = default;
};

struct ReadBack {
  std::vector<ReadRecord> records;
  std::vector<protocol::RecordBatchHeader> batches;
};

inline protocol::Bytes bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::optional<std::string> string_of(const protocol::NullableBytes& b) {
  if (!b) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

// A compact LogConfig with small segments, so a few hundred records make
// many segments.
inline std::shared_ptr<LogConfig> compact_config(std::int64_t segment_bytes = 1024) {
  auto c = std::make_shared<LogConfig>();
  c->cleanup_policy = CleanupPolicy::kCompact;
  c->segment_bytes = segment_bytes;
  c->segment_index_bytes = 4096;
  c->index_interval_bytes = 256;
  c->file_delete_delay_ms = 3'600'000;  // old segments stay as ".deleted" for the whole test
  c->delete_retention_ms = 86'400'000;
  return c;
}

struct BatchSpec {
  protocol::CompressionType compression = protocol::CompressionType::kNone;
  std::int64_t producer_id = protocol::kNoProducerId;
  std::int16_t producer_epoch = protocol::kNoProducerEpoch;
  std::int32_t base_sequence = protocol::kNoSequence;
  bool transactional = false;
};

class LogFixture : public ::testing::Test {
 protected:
  std::shared_ptr<Log> open_log(std::shared_ptr<const LogConfig> config, const std::string& topic = "compacted",
                                int partition = 0) {
    TopicPartition tp{topic, partition};
    auto log = Log::open(tmp_.path() / tp.to_string(), tp, std::move(config), LogOpenOptions{}, clock_, scheduler_);
    EXPECT_TRUE(log.ok()) << log.status().detail;
    return log.ok() ? *log : nullptr;
  }

  // Appends one batch of `records`, all stamped `timestamp` (the clock when
  // unset), and moves the high watermark to the log end.
  std::int64_t append(Log& log, const std::vector<KeyValue>& records, BatchSpec spec = {},
                      std::optional<std::int64_t> timestamp = std::nullopt) {
    protocol::BatchOptions o;
    o.compression = spec.compression;
    o.producer_id = spec.producer_id;
    o.producer_epoch = spec.producer_epoch;
    o.base_sequence = spec.base_sequence;
    o.transactional = spec.transactional;
    protocol::RecordBatchBuilder b(o);
    for (const auto& [k, v] : records) {
      b.append(timestamp.value_or(clock_.now_ms()), bytes_of(k),
               v ? protocol::NullableBytes(bytes_of(*v)) : std::nullopt);
    }
    auto built = b.build();
    EXPECT_TRUE(built.ok());
    std::vector<RecordError> errors;
    auto info = log.append_as_leader(*built, 0, AppendOrigin::kClient, errors);
    EXPECT_TRUE(info.ok()) << info.status().detail;
    log.update_high_watermark(log.log_end_offset());
    return info.ok() ? info->first_offset : -1;
  }

  // Appends `count` single-record batches cycling over `keys` distinct keys,
  // values "v<offset>"; returns the offsets written.
  void append_cycle(Log& log, int count, int keys, const std::string& prefix = "key") {
    for (int i = 0; i < count; ++i) {
      const std::int64_t offset = log.log_end_offset();
      append(log, {{prefix + std::to_string(i % keys), "v" + std::to_string(offset)}});
    }
  }

  static ReadBack read_all(const Log& log) {
    ReadBack out;
    std::int64_t offset = log.log_start_offset();
    while (offset < log.log_end_offset()) {
      auto r = log.read(offset, 1 << 20, FetchIsolation::kLogEnd, true);
      EXPECT_TRUE(r.ok()) << r.status().detail;
      if (!r.ok() || r->records.empty()) break;
      std::vector<std::uint8_t> buf(r->records.length);
      const ssize_t n = ::pread(r->records.file->fd(), buf.data(), buf.size(), static_cast<off_t>(r->records.position));
      EXPECT_EQ(n, static_cast<ssize_t>(buf.size()));
      protocol::EntryIterator it(buf);
      std::int64_t next = offset;
      while (auto entry = it.next()) {
        auto batch = protocol::RecordBatchView::parse(*entry);
        EXPECT_TRUE(batch.ok());
        if (!batch.ok()) return out;
        EXPECT_TRUE(batch->crc_ok());
        const auto& h = batch->header();
        next = h.next_offset();
        if (h.last_offset() < offset) continue;
        out.batches.push_back(h);
        std::vector<protocol::Record> records;
        std::vector<std::uint8_t> scratch;
        EXPECT_TRUE(batch->records(records, scratch, 64 << 20).ok());
        for (const auto& rec : records) {
          const std::int64_t o = protocol::record_offset(h, rec);
          if (o < offset) continue;
          out.records.push_back({o, string_of(rec.key), string_of(rec.value), protocol::record_timestamp(h, rec)});
        }
      }
      if (next <= offset) break;
      offset = next;
    }
    return out;
  }

  TempDir tmp_;
  ManualClock clock_;
  Scheduler scheduler_{1};
};

}  // namespace sluice::storage::testutil
