// Batch headers for producer state tests.
#pragma once

#include <cstdint>

#include "protocol/records/record_batch.h"

namespace sluice::storage::testutil {

// A v2 batch header of `count` records from producer `pid`, already given
// its offsets (base_offset) as the log would.
inline protocol::RecordBatchHeader producer_batch(std::int64_t pid, std::int16_t epoch, std::int32_t base_seq,
                                                  std::int32_t count, std::int64_t base_offset,
                                                  std::int64_t timestamp = 1000, bool transactional = false) {
  protocol::RecordBatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = base_seq;
  h.last_offset_delta = count - 1;
  h.records_count = count;
  h.base_offset = base_offset;
  h.base_timestamp = timestamp;
  h.max_timestamp = timestamp;
  if (transactional) h.attributes |= protocol::batch_attributes::kTransactional;
  return h;
}

// A control batch header carrying a transaction marker.
inline protocol::RecordBatchHeader marker_batch(std::int64_t pid, std::int16_t epoch, std::int64_t offset,
                                                std::int64_t timestamp = 1000) {
  protocol::RecordBatchHeader h = producer_batch(pid, epoch, protocol::kNoSequence, 1, offset, timestamp, true);
  h.attributes |= protocol::batch_attributes::kControl;
  return h;
}

}  // namespace sluice::storage::testutil
