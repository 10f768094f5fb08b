// The classic group protocol as Kafka's GroupCoordinator runs it: joins,
// syncs, heartbeats and leaves move groups through Empty,
// PreparingRebalance, CompletingRebalance and Stable; offsets are committed
// and fetched; session, rebalance and sync timeouts expire members.
//
// Synchronous and single-threaded: time comes from the injected clock and
// timeouts fire when tick() is called, so tests drive every timeline
// exactly. GroupCoordinator runs it on its own thread and calls tick() at
// earliest_deadline().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "coordinator/group/classic_group.h"
#include "coordinator/group/group_config.h"
#include "coordinator/group/group_store.h"
#include "coordinator/group/group_types.h"
#include "storage/clock.h"

namespace sluice::coordinator {

// What a __consumer_offsets partition held, replayed (GroupLoader).
struct LoadedGroups {
  std::map<std::string, protocol::GroupMetadataValue> groups;
  std::map<std::string, OffsetMap> offsets;
  // Transactional offsets whose marker is not in the log (yet), by producer
  // id, then group: the transaction coordinator completes them later.
  std::map<std::int64_t, std::map<std::string, OffsetMap>> pending;
};

class GroupManager {
 public:
  GroupManager(GroupConfig config, GroupStore& store, const storage::Clock& clock);
  ~GroupManager();

  const GroupConfig& config() const { return config_; }
  std::int32_t partition_for(std::string_view group_id) const;
  void set_partition_count(std::int32_t partitions);

  // Partition ownership: loading, then active; NOT_COORDINATOR otherwise.
  // Thread-safe (handlers ask status_of from network threads).
  void begin_loading(std::int32_t partition);
  void finish_loading(std::int32_t partition, LoadedGroups loaded);
  void unload(std::int32_t partition);
  // Forgets the partition's groups (their waiting requests get
  // NOT_COORDINATOR) before it is loaded again.
  void drop_groups(std::int32_t partition);
  ErrorCode status_of(std::string_view group_id) const;

  void join_group(JoinGroupParams params, std::function<void(JoinGroupResult)> done);
  void sync_group(SyncGroupParams params, std::function<void(SyncGroupResult)> done);
  ErrorCode heartbeat(const HeartbeatParams& params);
  LeaveGroupResult leave_group(const LeaveGroupParams& params);
  std::vector<PartitionError> commit_offsets(const CommitOffsetsParams& params);
  // TxnOffsetCommit: written as the producer's transactional batch, then
  // pending until complete_transaction.
  std::vector<PartitionError> txn_commit_offsets(const TxnCommitOffsetsParams& params);
  // A COMMIT or ABORT marker of `producer_id` is in __consumer_offsets-
  // `partition`: its pending offsets in that partition's groups become
  // committed, or go. Idempotent (markers are retried).
  void complete_transaction(std::int32_t partition, std::int64_t producer_id, bool commit);
  FetchOffsetsResult fetch_offsets(const FetchOffsetsParams& params) const;
  ListGroupsResult list_groups(const std::vector<std::string>& states, const std::vector<std::string>& types) const;
  std::vector<DescribedGroup> describe_groups(const std::vector<std::string>& group_ids) const;
  std::vector<ErrorCode> delete_groups(const std::vector<std::string>& group_ids);
  DeleteOffsetsResult delete_offsets(const DeleteOffsetsParams& params);

  // Fires every timeout that is due: expired members and pending members,
  // join phases and sync deadlines.
  void tick();
  // The earliest time tick() has something to do; nullopt: nothing pending.
  std::optional<std::int64_t> earliest_deadline() const;
  // offsets.retention.minutes: drops expired offsets, then groups left
  // Empty without offsets (with tombstones).
  void expire_offsets();

  // Answers every waiting request with NOT_COORDINATOR and forgets all groups.
  void shutdown();

  // For tests and DescribeGroups-like inspection.
  const ClassicGroup* group(const std::string& group_id) const;

 private:
  struct PartitionState {
    bool loading = true;
  };

  ClassicGroup* find(const std::string& group_id);
  ErrorCode check_group(const std::string& group_id, bool allow_empty_id) const;
  // Kafka's validateOffsetCommit, for OffsetCommit and TxnOffsetCommit.
  ErrorCode validate_offset_commit(const ClassicGroup& group, std::int32_t generation_id, const std::string& member_id,
                                   const std::optional<std::string>& group_instance_id, bool transactional) const;
  // The records of the offsets that pass the metadata size check, with
  // OFFSET_METADATA_TOO_LARGE in `results` for the others.
  std::vector<std::pair<PartitionKey, CommittedOffset>> accept_offsets(const std::string& group_id,
                                                                       const std::vector<PartitionOffset>& offsets,
                                                                       std::int64_t retention_time_ms,
                                                                       std::vector<PartitionError>& results,
                                                                       std::vector<GroupRecord>& records) const;

  // The join paths (Kafka's doNewMemberJoinGroup, doStaticMemberJoinGroup,
  // doCurrentMemberJoinGroup).
  void join_new_member(ClassicGroup& group, JoinGroupParams& params, std::function<void(JoinGroupResult)>& done);
  void join_static_member(ClassicGroup& group, JoinGroupParams& params, const std::string& new_member_id,
                          std::function<void(JoinGroupResult)>& done);
  void join_current_member(ClassicGroup& group, JoinGroupParams& params, std::function<void(JoinGroupResult)>& done);
  void add_member_and_rebalance(ClassicGroup& group, JoinGroupParams& params, const std::string& member_id,
                                std::function<void(JoinGroupResult)>& done);
  void update_member_and_rebalance(ClassicGroup& group, GroupMember& member, JoinGroupParams& params,
                                   std::function<void(JoinGroupResult)>& done);
  JoinGroupResult current_generation_result(const ClassicGroup& group, const std::string& member_id,
                                            bool with_members) const;

  void maybe_prepare_rebalance(ClassicGroup& group, const std::string& reason);
  void prepare_rebalance(ClassicGroup& group, const std::string& reason);
  void try_complete_join(ClassicGroup& group);
  void complete_join(ClassicGroup& group);
  void remove_member_and_update_group(ClassicGroup& group, const std::string& member_id, const std::string& reason);
  void propagate_assignment(ClassicGroup& group, ErrorCode error);
  void heartbeat_member(GroupMember& member) const;

  // Group metadata and tombstones, written to the group's partition.
  protocol::Status store_group(const ClassicGroup& group);
  protocol::Status store(const std::string& group_id, const std::vector<GroupRecord>& records);
  void remove_group(const std::string& group_id);

  void expire(ClassicGroup& group, std::int64_t now);
  std::optional<std::int64_t> deadline_of(const ClassicGroup& group) const;
  void refresh_deadline(const std::string& group_id);

  std::string new_member_id(const std::string& prefix);

  GroupConfig config_;
  GroupStore& store_;
  const storage::Clock& clock_;
  std::mt19937_64 random_;

  mutable std::mutex partitions_mutex_;
  std::int32_t partition_count_;
  std::map<std::int32_t, PartitionState> partitions_;

  std::map<std::string, ClassicGroup> groups_;
  std::map<std::string, std::int64_t> deadline_by_group_;
  std::set<std::pair<std::int64_t, std::string>> deadlines_;
};

}  // namespace sluice::coordinator
