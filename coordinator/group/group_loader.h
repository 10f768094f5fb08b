// Replays a __consumer_offsets partition into the groups and offsets it
// holds: the latest record of each key wins, a tombstone removes it
// (Kafka's GroupMetadataManager.doLoadGroupsAndOffsets). Offsets of a
// transactional batch stay pending under their producer id until that
// producer's COMMIT or ABORT marker; what has no marker yet is still pending
// at the end (the transaction coordinator completes it later).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "coordinator/group/group_manager.h"
#include "protocol/records/control_record.h"
#include "protocol/records/record.h"
#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/log/log.h"

namespace sluice::coordinator {

// Where a record was written: the offset of its batch's first record (what
// orders offset commits), and the producer when the batch is transactional.
struct RecordOrigin {
  std::int64_t batch_offset = -1;
  std::optional<std::int64_t> transactional_producer;
};

// Applies one record. Keys of record types this broker does not know (newer
// coordinators') are skipped, as are values it cannot decode (logged): one
// bad record must not keep every group of the partition offline.
void replay_group_record(LoadedGroups& loaded, const RecordOrigin& origin, std::span<const std::uint8_t> key,
                         std::optional<std::span<const std::uint8_t>> value);

// Applies a transaction marker of `producer_id`: its pending offsets become
// committed on COMMIT (unless a later write of the partition is), and are
// gone either way.
void replay_end_txn(LoadedGroups& loaded, std::int64_t producer_id, protocol::ControlType type);

// Applies batch after batch, in log order, control batches included.
class GroupReplay {
 public:
  protocol::Status apply(const protocol::RecordBatchView& batch);
  LoadedGroups& loaded() { return loaded_; }

 private:
  LoadedGroups loaded_;
  std::vector<protocol::Record> records_;
  std::vector<std::uint8_t> scratch_;
};

// Reads the whole partition.
protocol::Result<LoadedGroups> load_groups(const storage::Log& log);

}  // namespace sluice::coordinator
