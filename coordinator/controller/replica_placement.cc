#include "coordinator/controller/replica_placement.h"

#include <algorithm>
#include <string>

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

Result<std::vector<std::vector<std::int32_t>>> place_replicas(const MetadataImage& image, std::int32_t start,
                                                              std::int32_t count, std::int32_t replication_factor) {
  std::vector<std::int32_t> unfenced;
  std::vector<std::int32_t> fenced;
  for (const auto& [id, broker] : image.brokers) {
    if (broker.in_controlled_shutdown) continue;
    (broker.fenced ? fenced : unfenced).push_back(id);
  }
  if (replication_factor <= 0) {
    return Status{ErrorCode::INVALID_REPLICATION_FACTOR, "Invalid replication factor " +
                                                             std::to_string(replication_factor) +
                                                             ": the replication factor must be positive."};
  }
  if (unfenced.empty()) return Status{ErrorCode::INVALID_REPLICATION_FACTOR, "All brokers are currently fenced."};
  const std::size_t total = unfenced.size() + fenced.size();
  if (static_cast<std::size_t>(replication_factor) > total) {
    return Status{ErrorCode::INVALID_REPLICATION_FACTOR,
                  "The target replication factor of " + std::to_string(replication_factor) +
                      " cannot be reached because only " + std::to_string(total) + " broker(s) are registered."};
  }
  std::vector<std::vector<std::int32_t>> placements;
  placements.reserve(static_cast<std::size_t>(count));
  for (std::int32_t i = 0; i < count; ++i) {
    const std::size_t first = static_cast<std::size_t>(start + i) % unfenced.size();
    std::vector<std::int32_t> replicas;
    for (std::size_t k = 0; k < unfenced.size() && replicas.size() < static_cast<std::size_t>(replication_factor);
         ++k) {
      replicas.push_back(unfenced[(first + k) % unfenced.size()]);
    }
    for (std::size_t k = 0; k < fenced.size() && replicas.size() < static_cast<std::size_t>(replication_factor); ++k) {
      replicas.push_back(fenced[(static_cast<std::size_t>(start + i) + k) % fenced.size()]);
    }
    placements.push_back(std::move(replicas));
  }
  return placements;
}

Status validate_manual_assignment(const MetadataImage& image, const std::vector<std::int32_t>& replicas,
                                  std::optional<std::int32_t> replication_factor) {
  if (replicas.empty()) {
    return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT,
                  "The manual partition assignment includes an empty replica list."};
  }
  std::vector<std::int32_t> sorted = replicas;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (image.broker(sorted[i]) == nullptr) {
      return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes broker " +
                                                               std::to_string(sorted[i]) +
                                                               ", but no such broker is registered."};
    }
    if (i > 0 && sorted[i] == sorted[i - 1]) {
      return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes the broker " +
                                                               std::to_string(sorted[i]) + " more than once."};
    }
  }
  if (replication_factor && static_cast<std::int32_t>(sorted.size()) != *replication_factor) {
    return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT,
                  "The manual partition assignment includes a partition with " + std::to_string(sorted.size()) +
                      " replica(s), but this is not consistent with previous partitions, which have " +
                      std::to_string(*replication_factor) + " replica(s)."};
  }
  return {};
}

protocol::Uuid default_directory(const MetadataImage& image, std::int32_t broker_id) {
  const BrokerRegistration* broker = image.broker(broker_id);
  if (broker == nullptr) return directory_id::kUnassigned;
  if (broker->directories.empty()) return directory_id::kMigrating;
  if (broker->directories.size() == 1) return broker->directories.front();
  return directory_id::kUnassigned;
}

std::vector<std::int32_t> active_replicas(const MetadataImage& image, const std::vector<std::int32_t>& replicas) {
  std::vector<std::int32_t> active;
  for (std::int32_t id : replicas) {
    const BrokerRegistration* broker = image.broker(id);
    if (broker != nullptr && broker->active()) active.push_back(id);
  }
  return active;
}

VersionedRecord new_partition_record(const MetadataImage& image, const protocol::Uuid& topic_id,
                                     std::int32_t partition_id, const std::vector<std::int32_t>& replicas,
                                     const std::vector<std::int32_t>& isr) {
  protocol::PartitionRecord r;
  r.partition_id = partition_id;
  r.topic_id = topic_id;
  r.replicas = replicas;
  r.isr = isr;
  r.leader = isr.empty() ? kNoLeader : isr.front();
  r.leader_recovery_state = 0;
  r.leader_epoch = 0;
  r.partition_epoch = 0;
  for (std::int32_t id : replicas) r.directories.push_back(default_directory(image, id));
  return at_current_version(std::move(r));
}

}  // namespace sluice::coordinator
