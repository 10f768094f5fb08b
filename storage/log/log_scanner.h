// Reads a whole log back, batch by batch: how the controller and the
// coordinators rebuild their state from their topics at start-up (Kafka's
// metadata loader, GroupMetadataManager.doLoadGroupsAndOffsets).
#pragma once

#include <cstdint>
#include <functional>

#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/log/log.h"

namespace sluice::storage {

// Calls `on_batch` for every batch from the one holding `from` to the log
// end, in chunks of `chunk_bytes` read with pread. Batches failing their CRC,
// a gap where a batch should be, or an error from `on_batch` stop the scan
// with that error. Not for network threads: it reads the disk.
protocol::Status scan_log(const Log& log, std::int64_t from, std::uint64_t chunk_bytes,
                          const std::function<protocol::Status(const protocol::RecordBatchView&)>& on_batch);

}  // namespace sluice::storage
