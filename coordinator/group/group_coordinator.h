// Kafka's GroupCoordinator for the classic group protocol: consumer groups
// whose state lives in __consumer_offsets. The broker is the coordinator of
// the groups that hash to the partitions of that topic it leads; each such
// partition is replayed into memory when this broker becomes its leader.
//
// Every operation runs on the coordinator's own thread, one at a time, so
// the group state needs no locks; a result is handed to `done` on that
// thread (a handler's completion hops back to its network thread). Some
// answers wait: a JoinGroup until the rebalance's join phase ends, a
// SyncGroup until the leader's assignment is stored.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/group/group_config.h"
#include "coordinator/group/group_types.h"

namespace sluice::storage {
class Clock;
class ReplicaManager;
}  // namespace sluice::storage

namespace sluice::coordinator {

class GroupManager;
class EventQueue;

inline constexpr std::string_view kConsumerOffsetsTopic = "__consumer_offsets";

class GroupCoordinator {
 public:
  GroupCoordinator(GroupConfig config, storage::ReplicaManager& replicas, const storage::Clock& clock);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // The __consumer_offsets partition of `group_id`: abs(Java hashCode) %
  // partitions, as Kafka computes it. `partitions` is the topic's actual
  // partition count once it exists (offsets.topic.num.partitions before).
  static std::int32_t partition_for(std::string_view group_id, std::int32_t partitions);
  std::int32_t partition_for(std::string_view group_id) const;
  void set_partition_count(std::int32_t partitions);

  // This broker leads __consumer_offsets-`partition` from `epoch` on: load
  // its groups (COORDINATOR_LOAD_IN_PROGRESS until done).
  void on_election(std::int32_t partition, std::int32_t epoch);
  // It no longer does: drop its groups (NOT_COORDINATOR from now on).
  void on_resignation(std::int32_t partition);

  // NONE, NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS for `group_id`.
  ErrorCode status_of(std::string_view group_id) const;

  void join_group(JoinGroupParams params, std::function<void(JoinGroupResult)> done);
  void sync_group(SyncGroupParams params, std::function<void(SyncGroupResult)> done);
  void heartbeat(HeartbeatParams params, std::function<void(ErrorCode)> done);
  void leave_group(LeaveGroupParams params, std::function<void(LeaveGroupResult)> done);
  // Results in the order of `params.offsets`; answered once written.
  void commit_offsets(CommitOffsetsParams params, std::function<void(std::vector<PartitionError>)> done);
  // TxnOffsetCommit: results in the order of `params.offsets`, answered once
  // the producer's transactional batch is written; the offsets stay pending
  // (invisible to OffsetFetch) until complete_transaction.
  void txn_commit_offsets(TxnCommitOffsetsParams params, std::function<void(std::vector<PartitionError>)> done);
  // For the transaction marker writer, AFTER it appended `producer_id`'s
  // COMMIT (`commit`) or ABORT marker to __consumer_offsets-`offsets_partition`
  // (Kafka's onTransactionCompleted): the producer's pending offsets in that
  // partition's groups become committed, or are dropped. Idempotent, so a
  // retried marker is harmless. A partition still loading replays the
  // marker from the log instead. `done` runs once that is done (on the
  // coordinator thread; at once after shutdown).
  void complete_transaction(std::int32_t offsets_partition, std::int64_t producer_id, bool commit,
                            std::function<void()> done);
  void fetch_offsets(FetchOffsetsParams params, std::function<void(FetchOffsetsResult)> done);
  // Filters match case-insensitively; empty filters match every group.
  void list_groups(std::vector<std::string> states, std::vector<std::string> types,
                   std::function<void(ListGroupsResult)> done);
  void describe_groups(std::vector<std::string> group_ids, std::function<void(std::vector<DescribedGroup>)> done);
  // Per group, in request order: NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...
  void delete_groups(std::vector<std::string> group_ids, std::function<void(std::vector<ErrorCode>)> done);
  void delete_offsets(DeleteOffsetsParams params, std::function<void(DeleteOffsetsResult)> done);

  // Answers every waiting request with NOT_COORDINATOR and stops the thread.
  void shutdown();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::coordinator
