// Control records (KIP-98): the COMMIT and ABORT transaction markers the
// transaction coordinator writes into every partition of a transaction. A
// control batch holds one record whose key is {version, type} and whose value
// is the EndTxnMarker {version, coordinator epoch}.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/records/record.h"
#include "protocol/result.h"

namespace sluice::protocol {

enum class ControlType : std::int16_t { kAbort = 0, kCommit = 1 };

struct EndTxnMarker {
  ControlType type = ControlType::kAbort;
  std::int32_t coordinator_epoch = 0;
};

struct MarkerBatchOptions {
  std::int64_t base_offset = 0;
  std::int32_t partition_leader_epoch = -1;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int64_t timestamp = -1;
};

// A whole control batch carrying one marker.
Result<std::vector<std::uint8_t>> build_marker_batch(const EndTxnMarker& marker, const MarkerBatchOptions& options);

// The control type of a control record's key; nullopt for a key too short or
// of an unknown type (Kafka skips those).
std::optional<ControlType> parse_control_type(const NullableBytes& key);

// The marker of a record of a control batch.
Result<EndTxnMarker> parse_end_txn_marker(const Record& record);

}  // namespace sluice::protocol
