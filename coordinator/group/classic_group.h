// One classic-protocol group as the coordinator holds it (Kafka's
// GroupMetadata / ClassicGroup): its state, generation, chosen protocol,
// members with their waiting requests, and the group's committed offsets.
// The rebalance logic that moves it between states is GroupManager's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coordinator/group/group_records.h"
#include "coordinator/group/group_types.h"

namespace sluice::coordinator {

enum class GroupState : std::uint8_t { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// The names DescribeGroups and ListGroups report.
std::string_view state_name(GroupState state);
std::optional<GroupState> parse_state(std::string_view name);  // case-insensitive

struct GroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::int32_t rebalance_timeout_ms = 0;
  std::int32_t session_timeout_ms = 0;
  std::string protocol_type;
  std::vector<GroupProtocol> protocols;
  Bytes assignment;
  // A JoinGroup / SyncGroup waiting for the rebalance to get there.
  std::function<void(JoinGroupResult)> join_callback;
  std::function<void(SyncGroupResult)> sync_callback;
  std::int64_t last_heartbeat_ms = 0;
  // Joined, but no JoinGroup answered yet: kept at most
  // new_member_join_timeout_ms while the join phase waits.
  bool is_new = false;

  bool awaiting_join() const { return static_cast<bool>(join_callback); }
  bool awaiting_sync() const { return static_cast<bool>(sync_callback); }
  // Its metadata for `protocol` (empty when it does not support it).
  const Bytes& metadata_for(std::string_view protocol) const;
  // Same protocols with the same metadata, in the same order.
  bool matches(const std::vector<GroupProtocol>& protocols) const { return this->protocols == protocols; }
};

using PartitionKey = std::pair<std::string, std::int32_t>;  // topic, partition

// An offset commit with the log offset of the batch that wrote it (Kafka's
// CommitRecordMetadataAndOffset): of two commits of one partition the one
// written later wins, whichever became visible first (a transaction's offsets
// become visible at its marker, maybe after later plain commits).
struct LoggedOffset {
  CommittedOffset value;
  std::int64_t batch_offset = -1;
  bool older_than(const LoggedOffset& other) const { return batch_offset < other.batch_offset; }
};

using OffsetMap = std::map<PartitionKey, LoggedOffset>;

class ClassicGroup {
 public:
  ClassicGroup(std::string id, GroupState state, std::int64_t now_ms)
      : id_(std::move(id)), state_(state), state_timestamp_ms_(now_ms) {}

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  bool is(GroupState s) const { return state_ == s; }
  std::int64_t state_timestamp_ms() const { return state_timestamp_ms_; }
  // Moves to `next`; Kafka's valid transitions only (asserted in debug builds).
  void transition_to(GroupState next, std::int64_t now_ms);

  std::int32_t generation() const { return generation_; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  const std::optional<std::string>& leader_id() const { return leader_id_; }
  bool is_leader(std::string_view member_id) const { return leader_id_ && *leader_id_ == member_id; }

  // Members, in id order.
  std::map<std::string, GroupMember>& members() { return members_; }
  const std::map<std::string, GroupMember>& members() const { return members_; }
  GroupMember* member(std::string_view member_id);
  bool has(std::string_view member_id) const { return members_.contains(std::string(member_id)); }
  std::size_t size() const { return members_.size(); }

  // Adds a member (the first becomes leader); the group takes its protocol
  // type from the first member.
  void add(GroupMember member);
  // Makes a current member the leader.
  void elect_leader(const std::string& member_id) {
    if (members_.contains(member_id)) leader_id_ = member_id;
  }
  // Removes it; a new leader is picked if it led.
  void remove(const std::string& member_id);

  // KIP-345: instance id -> current member id.
  std::optional<std::string> static_member_id(const std::string& instance_id) const;
  bool has_static_member(const std::optional<std::string>& instance_id) const {
    return instance_id && static_members_.contains(*instance_id);
  }
  // A request whose instance id now belongs to another member id.
  bool is_static_member_fenced(const std::optional<std::string>& instance_id, std::string_view member_id) const;
  // The member under `old_id` continues as `new_id` (a static member restarted).
  void replace_static_member(const std::string& instance_id, const std::string& old_id, const std::string& new_id);

  // KIP-394: ids handed out with MEMBER_ID_REQUIRED, with their deadlines.
  std::map<std::string, std::int64_t>& pending_members() { return pending_members_; }
  const std::map<std::string, std::int64_t>& pending_members() const { return pending_members_; }
  bool is_pending_member(const std::string& member_id) const { return pending_members_.contains(member_id); }

  // Members that must SyncGroup before `pending_sync_deadline` (Kafka 3.0+).
  std::set<std::string>& pending_sync() { return pending_sync_; }
  const std::set<std::string>& pending_sync() const { return pending_sync_; }

  // Protocol negotiation: can a member of `type` with `protocols` join?
  bool supports_protocols(std::string_view type, const std::vector<GroupProtocol>& protocols) const;
  // The protocol every member supports that most members prefer.
  std::string select_protocol() const;

  std::size_t num_awaiting_join() const;
  bool has_all_members_joined() const { return num_awaiting_join() == members_.size() && pending_members_.empty(); }
  // The longest rebalance timeout of any member: the join phase's limit.
  std::int32_t rebalance_timeout_ms() const;

  // After the join phase: the next generation, with a protocol if it has
  // members (CompletingRebalance), or none (Empty).
  void init_next_generation(std::int64_t now_ms);

  // The state as __consumer_offsets stores it (GroupMetadataValue).
  protocol::GroupMetadataValue to_record() const;
  // A group as read back from __consumer_offsets: Empty without members,
  // else Stable with them.
  static ClassicGroup from_record(std::string id, const protocol::GroupMetadataValue& value, std::int64_t now_ms);

  // Committed offsets.
  OffsetMap& offsets() { return offsets_; }
  const OffsetMap& offsets() const { return offsets_; }
  // Kafka's onOffsetCommitAppend: takes `offset` unless a later write of the
  // partition is already committed.
  void commit_offset(const PartitionKey& key, LoggedOffset offset);

  // TxnOffsetCommit offsets written but not yet committed or aborted by their
  // transaction's marker, by producer id (KIP-98). OffsetFetch does not see
  // them; with require_stable it reports UNSTABLE_OFFSET_COMMIT (KIP-447).
  std::map<std::int64_t, OffsetMap>& pending_txn_offsets() { return pending_txn_offsets_; }
  const std::map<std::int64_t, OffsetMap>& pending_txn_offsets() const { return pending_txn_offsets_; }
  bool has_pending_offset(const PartitionKey& key) const;
  // Kafka's completePendingTxnOffsetCommit: the producer's marker is in the
  // log; a commit makes its offsets committed (later writes still win), an
  // abort drops them. Nothing pending for it: nothing to do (retried markers).
  void complete_pending_txn(std::int64_t producer_id, bool commit);
  // Kafka's removeOffsets: the committed offset and every pending one.
  void remove_offset(const PartitionKey& key);
  // Committed or pending offsets (Kafka's hasOffsets): such a group is kept
  // even when Empty.
  bool has_offsets() const { return !offsets_.empty() || !pending_txn_offsets_.empty(); }
  // Partitions with a committed or pending offset.
  std::set<PartitionKey> offset_partitions() const;

  // Topics the members subscribe to, from their "consumer" protocol metadata;
  // nullopt when that cannot be known (another protocol type, bad metadata).
  std::optional<std::set<std::string>> subscribed_topics() const;

  // The join phase (Kafka's DelayedJoin / InitialDelayedJoin).
  struct JoinPhase {
    std::int64_t deadline_ms = -1;  // -1: no join phase running
    bool initial = false;           // group.initial.rebalance.delay.ms steps
    std::int64_t remaining_ms = 0;  // of the rebalance timeout, initial only
    bool new_member_added = false;
  };
  JoinPhase& join_phase() { return join_phase_; }
  const JoinPhase& join_phase() const { return join_phase_; }
  std::int64_t& pending_sync_deadline_ms() { return pending_sync_deadline_ms_; }
  std::int64_t pending_sync_deadline_ms() const { return pending_sync_deadline_ms_; }

 private:
  std::string id_;
  GroupState state_;
  std::int64_t state_timestamp_ms_;
  std::int32_t generation_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  std::optional<std::string> leader_id_;
  std::map<std::string, GroupMember> members_;
  std::map<std::string, std::string> static_members_;
  std::map<std::string, std::int64_t> pending_members_;
  std::set<std::string> pending_sync_;
  std::int64_t pending_sync_deadline_ms_ = -1;
  JoinPhase join_phase_;
  OffsetMap offsets_;
  std::map<std::int64_t, OffsetMap> pending_txn_offsets_;
};

}  // namespace sluice::coordinator
