// Replays a __consumer_offsets partition into the groups and offsets it
// holds: the latest record of each key wins, a tombstone removes it
// (Kafka's GroupMetadataManager.doLoadGroupsAndOffsets).
#pragma once

#include <optional>
#include <span>

#include "coordinator/group/group_manager.h"
#include "protocol/result.h"
#include "storage/log/log.h"

namespace sluice::coordinator {

// Applies one record. Keys of record types this broker does not know (newer
// coordinators') are skipped, as are values it cannot decode (logged): one
// bad record must not keep every group of the partition offline.
void replay_group_record(LoadedGroups& loaded, std::span<const std::uint8_t> key,
                         std::optional<std::span<const std::uint8_t>> value);

// Reads the whole partition. Transactional offset commits wait for issue 6's
// markers and are skipped for now, as are control batches.
protocol::Result<LoadedGroups> load_groups(const storage::Log& log);

}  // namespace sluice::coordinator
