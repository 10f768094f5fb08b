#include "coordinator/group/group_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "coordinator/common/append_errors.h"
#include "coordinator/group/group_partitioner.h"
#include "protocol/int_math.h"

namespace sluice::coordinator {

namespace {

// Kafka's GroupMetadataManager.storeOffsets: an oversized commit is the client's fault.
ErrorCode offset_store_error(ErrorCode e) {
  switch (e) {
    case ErrorCode::MESSAGE_TOO_LARGE:
    case ErrorCode::RECORD_LIST_TOO_LARGE:
    case ErrorCode::INVALID_FETCH_SIZE:
      return ErrorCode::INVALID_COMMIT_OFFSET_SIZE;
    default:
      return coordinator_append_error(e);
  }
}

JoinGroupResult join_error(std::string member_id, ErrorCode error) {
  JoinGroupResult r;
  r.error = error;
  r.member_id = std::move(member_id);
  return r;
}

SyncGroupResult sync_error(ErrorCode error) {
  SyncGroupResult r;
  r.error = error;
  return r;
}

template <class Callback, class Result>
void answer(Callback& callback, Result result) {
  if (!callback) return;
  auto cb = std::move(callback);
  callback = nullptr;
  cb(std::move(result));
}

// Ends both of a member's waiting requests (if any) with `error`.
void answer_waiting(GroupMember& m, ErrorCode error) {
  answer(m.join_callback, join_error(m.member_id, error));
  answer(m.sync_callback, sync_error(error));
}

}  // namespace

GroupManager::GroupManager(GroupConfig config, GroupStore& store, const storage::Clock& clock)
    : config_(config),
      store_(store),
      clock_(clock),
      random_(std::random_device{}()),
      partition_count_(config.offsets_topic_partitions) {}

GroupManager::~GroupManager() { shutdown(); }

std::int32_t GroupManager::partition_for(std::string_view group_id) const {
  std::lock_guard lock(partitions_mutex_);
  return group_partition(group_id, partition_count_);
}

void GroupManager::set_partition_count(std::int32_t partitions) {
  std::lock_guard lock(partitions_mutex_);
  if (partitions > 0) partition_count_ = partitions;
}

void GroupManager::begin_loading(std::int32_t partition) {
  std::lock_guard lock(partitions_mutex_);
  partitions_[partition] = PartitionState{true};
}

void GroupManager::finish_loading(std::int32_t partition, LoadedGroups loaded) {
  const std::int64_t now = clock_.now_ms();
  std::set<std::string> ids;
  for (auto& [id, value] : loaded.groups) {
    groups_.insert_or_assign(id, ClassicGroup::from_record(id, value, now));
    ids.insert(id);
  }
  // Groups with offsets but no metadata (assign() users, transactional
  // producers) come back Empty.
  auto group_for = [&](const std::string& id) -> ClassicGroup& {
    ids.insert(id);
    auto it = groups_.find(id);
    if (it == groups_.end()) it = groups_.emplace(id, ClassicGroup(id, GroupState::kEmpty, now)).first;
    return it->second;
  };
  for (auto& [id, offsets] : loaded.offsets) group_for(id).offsets() = std::move(offsets);
  for (auto& [producer_id, by_group] : loaded.pending) {
    for (auto& [id, offsets] : by_group) {
      if (!offsets.empty()) group_for(id).pending_txn_offsets()[producer_id] = std::move(offsets);
    }
  }
  for (const auto& id : ids) refresh_deadline(id);
  std::lock_guard lock(partitions_mutex_);
  partitions_[partition] = PartitionState{false};
}

void GroupManager::unload(std::int32_t partition) {
  {
    std::lock_guard lock(partitions_mutex_);
    partitions_.erase(partition);
  }
  drop_groups(partition);
}

void GroupManager::drop_groups(std::int32_t partition) {
  std::vector<std::string> gone;
  for (auto& [id, group] : groups_) {
    if (partition_for(id) != partition) continue;
    for (auto& [mid, m] : group.members()) answer_waiting(m, ErrorCode::NOT_COORDINATOR);
    gone.push_back(id);
  }
  for (const auto& id : gone) remove_group(id);
}

ErrorCode GroupManager::status_of(std::string_view group_id) const {
  std::lock_guard lock(partitions_mutex_);
  auto it = partitions_.find(group_partition(group_id, partition_count_));
  if (it == partitions_.end()) return ErrorCode::NOT_COORDINATOR;
  return it->second.loading ? ErrorCode::COORDINATOR_LOAD_IN_PROGRESS : ErrorCode::NONE;
}

ClassicGroup* GroupManager::find(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : &it->second;
}

const ClassicGroup* GroupManager::group(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : &it->second;
}

// Kafka's validateGroupStatus: OffsetCommit, OffsetFetch, DescribeGroups and
// DeleteGroups accept the empty group id (old clients committed with it).
ErrorCode GroupManager::check_group(const std::string& group_id, bool allow_empty_id) const {
  if (group_id.empty() && !allow_empty_id) return ErrorCode::INVALID_GROUP_ID;
  return status_of(group_id);
}

std::string GroupManager::new_member_id(const std::string& prefix) {
  // java.util.UUID.randomUUID().toString(): version 4, variant 2.
  std::uint64_t hi = random_();
  std::uint64_t lo = random_();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);
  char uuid[37];
  std::snprintf(uuid, sizeof uuid, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return prefix + "-" + uuid;
}

// ---- JoinGroup ------------------------------------------------------------

void GroupManager::join_group(JoinGroupParams params, std::function<void(JoinGroupResult)> done) {
  if (ErrorCode e = check_group(params.group_id, false); e != ErrorCode::NONE) {
    done(join_error(params.member_id, e));
    return;
  }
  if (params.session_timeout_ms < config_.min_session_timeout_ms ||
      params.session_timeout_ms > config_.max_session_timeout_ms) {
    done(join_error(params.member_id, ErrorCode::INVALID_SESSION_TIMEOUT));
    return;
  }
  const bool unknown_member = params.member_id.empty();
  ClassicGroup* group = find(params.group_id);
  if (!group) {
    // A known member id for a group that is gone: it must start over.
    if (!unknown_member) {
      done(join_error(params.member_id, ErrorCode::UNKNOWN_MEMBER_ID));
      return;
    }
    group = &groups_.emplace(params.group_id, ClassicGroup(params.group_id, GroupState::kEmpty, clock_.now_ms()))
                 .first->second;
  }
  const std::string group_id = params.group_id;

  // group.max.size: a full group takes no new members (KIP-389).
  const bool known = !unknown_member && (group->has(params.member_id) || group->is_pending_member(params.member_id));
  const bool static_known = params.group_instance_id && group->has_static_member(params.group_instance_id);
  std::size_t counted = group->size();
  if (group->is(GroupState::kPreparingRebalance)) counted = group->num_awaiting_join();
  if (!known && !static_known && !group->is(GroupState::kEmpty) &&
      counted + group->pending_members().size() >= static_cast<std::size_t>(config_.max_size)) {
    if (!unknown_member) group->pending_members().erase(params.member_id);
    done(join_error(params.member_id, ErrorCode::GROUP_MAX_SIZE_REACHED));
    refresh_deadline(group_id);
    return;
  }
  if (unknown_member) {
    join_new_member(*group, params, done);
  } else {
    join_current_member(*group, params, done);
  }
  if (ClassicGroup* g = find(group_id); g && g->is(GroupState::kPreparingRebalance)) try_complete_join(*g);
  // A group created for this join that the member never entered.
  if (ClassicGroup* g = find(group_id); g && g->is(GroupState::kEmpty) && g->size() == 0 && !g->has_offsets() &&
                                        g->pending_members().empty() && g->generation() == 0) {
    remove_group(group_id);
    return;
  }
  refresh_deadline(group_id);
}

void GroupManager::join_new_member(ClassicGroup& group, JoinGroupParams& params,
                                   std::function<void(JoinGroupResult)>& done) {
  if (group.is(GroupState::kDead)) {
    // Being unloaded or deleted: find the coordinator again.
    done(join_error(params.member_id, ErrorCode::COORDINATOR_NOT_AVAILABLE));
    return;
  }
  if (!group.supports_protocols(params.protocol_type, params.protocols)) {
    done(join_error(params.member_id, ErrorCode::INCONSISTENT_GROUP_PROTOCOL));
    return;
  }
  const std::string member_id = new_member_id(params.group_instance_id.value_or(params.client_id));
  if (params.group_instance_id) {
    join_static_member(group, params, member_id, done);
  } else if (params.require_known_member_id) {
    // KIP-394: first join returns MEMBER_ID_REQUIRED with the id to join with.
    group.pending_members()[member_id] = clock_.now_ms() + params.session_timeout_ms;
    done(join_error(member_id, ErrorCode::MEMBER_ID_REQUIRED));
  } else {
    add_member_and_rebalance(group, params, member_id, done);
  }
}

void GroupManager::join_static_member(ClassicGroup& group, JoinGroupParams& params, const std::string& new_member_id,
                                      std::function<void(JoinGroupResult)>& done) {
  const std::string& instance_id = *params.group_instance_id;
  const std::optional<std::string> old_member_id = group.static_member_id(instance_id);
  if (!old_member_id) {
    add_member_and_rebalance(group, params, new_member_id, done);
    return;
  }
  // KIP-345: a restarted static member takes its old place; its old
  // incarnation's waiting requests learn they are fenced.
  GroupMember* old = group.member(*old_member_id);
  answer_waiting(*old, ErrorCode::FENCED_INSTANCE_ID);
  const bool was_leader = group.is_leader(*old_member_id);
  const std::vector<GroupProtocol> old_protocols = old->protocols;
  group.replace_static_member(instance_id, *old_member_id, new_member_id);
  GroupMember& member = *group.member(new_member_id);
  member.protocols = params.protocols;
  member.rebalance_timeout_ms = params.rebalance_timeout_ms;
  member.session_timeout_ms = params.session_timeout_ms;
  member.client_id = params.client_id;
  member.client_host = params.client_host;
  heartbeat_member(member);

  switch (group.state()) {
    case GroupState::kStable: {
      // Unchanged protocol choice: no rebalance, the member gets the current
      // generation back (and its old assignment at SyncGroup).
      if (group.protocol_name() && group.select_protocol() == *group.protocol_name()) {
        if (protocol::Status s = store_group(group); !s.ok()) {
          // Undo: the old member id stays the group's.
          GroupMember& m = *group.member(new_member_id);
          m.protocols = old_protocols;
          group.replace_static_member(instance_id, new_member_id, *old_member_id);
          done(join_error(new_member_id, coordinator_append_error(s.code)));
          return;
        }
        const bool skip = was_leader && params.supports_skip_assignment;
        JoinGroupResult r = current_generation_result(group, new_member_id, skip);
        r.skip_assignment = skip;  // KIP-814: the leader need not assign again
        done(std::move(r));
      } else {
        member.join_callback = std::move(done);
        maybe_prepare_rebalance(group, "static member " + instance_id + " changed its protocols");
      }
      return;
    }
    case GroupState::kCompletingRebalance:
      member.join_callback = std::move(done);
      maybe_prepare_rebalance(group, "static member " + instance_id + " rejoined during CompletingRebalance");
      return;
    case GroupState::kPreparingRebalance:
      member.join_callback = std::move(done);
      return;
    case GroupState::kEmpty:
    case GroupState::kDead:
      done(join_error(new_member_id, ErrorCode::UNKNOWN_MEMBER_ID));
      return;
  }
}

void GroupManager::join_current_member(ClassicGroup& group, JoinGroupParams& params,
                                       std::function<void(JoinGroupResult)>& done) {
  const std::string member_id = params.member_id;
  if (group.is(GroupState::kDead)) {
    done(join_error(member_id, ErrorCode::COORDINATOR_NOT_AVAILABLE));
    return;
  }
  if (!group.supports_protocols(params.protocol_type, params.protocols)) {
    done(join_error(member_id, ErrorCode::INCONSISTENT_GROUP_PROTOCOL));
    return;
  }
  if (group.is_pending_member(member_id)) {
    // KIP-394's second join, with the id the first one was given.
    if (params.group_instance_id) {
      done(join_error(member_id, ErrorCode::UNKNOWN_MEMBER_ID));
      return;
    }
    add_member_and_rebalance(group, params, member_id, done);
    return;
  }
  if (group.is_static_member_fenced(params.group_instance_id, member_id)) {
    done(join_error(member_id, ErrorCode::FENCED_INSTANCE_ID));
    return;
  }
  GroupMember* member = group.member(member_id);
  if (!member || (params.group_instance_id && !group.has_static_member(params.group_instance_id))) {
    done(join_error(member_id, ErrorCode::UNKNOWN_MEMBER_ID));
    return;
  }
  switch (group.state()) {
    case GroupState::kPreparingRebalance:
      update_member_and_rebalance(group, *member, params, done);
      return;
    case GroupState::kCompletingRebalance:
      if (member->matches(params.protocols)) {
        // It missed the JoinGroup answer: the same generation again.
        done(current_generation_result(group, member_id, group.is_leader(member_id)));
      } else {
        update_member_and_rebalance(group, *member, params, done);
      }
      return;
    case GroupState::kStable:
      if (group.is_leader(member_id) || !member->matches(params.protocols)) {
        // The leader rejoining asks for a rebalance (new topics to assign).
        update_member_and_rebalance(group, *member, params, done);
      } else {
        done(current_generation_result(group, member_id, false));
      }
      return;
    case GroupState::kEmpty:
    case GroupState::kDead:
      done(join_error(member_id, ErrorCode::UNKNOWN_MEMBER_ID));
      return;
  }
}

void GroupManager::add_member_and_rebalance(ClassicGroup& group, JoinGroupParams& params, const std::string& member_id,
                                            std::function<void(JoinGroupResult)>& done) {
  GroupMember member;
  member.member_id = member_id;
  member.group_instance_id = params.group_instance_id;
  member.client_id = params.client_id;
  member.client_host = params.client_host;
  member.rebalance_timeout_ms = params.rebalance_timeout_ms;
  member.session_timeout_ms = params.session_timeout_ms;
  member.protocol_type = params.protocol_type;
  member.protocols = std::move(params.protocols);
  member.join_callback = std::move(done);
  member.is_new = true;
  member.last_heartbeat_ms = clock_.now_ms();
  // Another member during the first join phase extends the initial delay.
  if (group.is(GroupState::kPreparingRebalance) && group.generation() == 0) group.join_phase().new_member_added = true;
  group.pending_members().erase(member_id);
  group.add(std::move(member));
  maybe_prepare_rebalance(group, "adding new member " + member_id);
}

void GroupManager::update_member_and_rebalance(ClassicGroup& group, GroupMember& member, JoinGroupParams& params,
                                               std::function<void(JoinGroupResult)>& done) {
  // A join that replaces one still waiting: the older request is answered.
  answer(member.join_callback, join_error(member.member_id, ErrorCode::REBALANCE_IN_PROGRESS));
  member.protocols = std::move(params.protocols);
  member.rebalance_timeout_ms = params.rebalance_timeout_ms;
  member.session_timeout_ms = params.session_timeout_ms;
  member.join_callback = std::move(done);
  maybe_prepare_rebalance(group, "updating metadata for member " + member.member_id);
}

JoinGroupResult GroupManager::current_generation_result(const ClassicGroup& group, const std::string& member_id,
                                                        bool with_members) const {
  JoinGroupResult r;
  r.generation_id = group.generation();
  r.protocol_type = group.protocol_type();
  r.protocol_name = group.protocol_name();
  r.leader = group.leader_id().value_or("");
  r.member_id = member_id;
  if (with_members && group.protocol_name()) {
    for (const auto& [id, m] : group.members()) {
      r.members.push_back({id, m.group_instance_id, m.metadata_for(*group.protocol_name())});
    }
  }
  return r;
}

// ---- Rebalance ------------------------------------------------------------

void GroupManager::maybe_prepare_rebalance(ClassicGroup& group, const std::string& reason) {
  if (group.is(GroupState::kStable) || group.is(GroupState::kCompletingRebalance) || group.is(GroupState::kEmpty)) {
    prepare_rebalance(group, reason);
  }
}

void GroupManager::prepare_rebalance(ClassicGroup& group, const std::string& reason) {
  const std::int64_t now = clock_.now_ms();
  // Members waiting for an assignment of a generation that will not be.
  if (group.is(GroupState::kCompletingRebalance)) propagate_assignment(group, ErrorCode::REBALANCE_IN_PROGRESS);
  group.pending_sync().clear();
  group.pending_sync_deadline_ms() = -1;
  ClassicGroup::JoinPhase& phase = group.join_phase();
  if (group.is(GroupState::kEmpty)) {
    // group.initial.rebalance.delay.ms: a new group waits for more members.
    const std::int64_t delay = config_.initial_rebalance_delay_ms;
    phase = {now + delay, true, std::max<std::int64_t>(group.rebalance_timeout_ms() - delay, 0), false};
  } else {
    phase = {now + group.rebalance_timeout_ms(), false, 0, false};
  }
  group.transition_to(GroupState::kPreparingRebalance, now);
  spdlog::info("Preparing to rebalance group {} in state PreparingRebalance with old generation {} (reason: {})",
               group.id(), group.generation(), reason);
  try_complete_join(group);
}

void GroupManager::try_complete_join(ClassicGroup& group) {
  if (!group.is(GroupState::kPreparingRebalance) || group.join_phase().initial) return;
  if (group.has_all_members_joined()) complete_join(group);
}

void GroupManager::complete_join(ClassicGroup& group) {
  const std::int64_t now = clock_.now_ms();
  group.join_phase() = {};
  // Dynamic members that did not rejoin in time are out; static ones stay
  // until their session times out (KIP-345).
  std::vector<std::string> not_rejoined;
  for (const auto& [id, m] : group.members()) {
    if (!m.awaiting_join() && !m.group_instance_id) not_rejoined.push_back(id);
  }
  for (const auto& id : not_rejoined) group.remove(id);
  // The leader must be one that rejoined, or it could not assign.
  if (group.leader_id()) {
    const GroupMember* leader = group.member(*group.leader_id());
    if (!leader || !leader->awaiting_join()) {
      for (const auto& [id, m] : group.members()) {
        if (m.awaiting_join()) {
          group.elect_leader(id);
          break;
        }
      }
    }
  }
  group.init_next_generation(now);
  if (group.is(GroupState::kEmpty)) {
    if (protocol::Status s = store_group(group); !s.ok()) {
      spdlog::warn("Failed to write empty metadata for group {}: {}", group.id(), s.detail);
    }
    return;
  }
  spdlog::info("Stabilized group {} generation {} with {} members", group.id(), group.generation(), group.size());
  const bool leader_joined = group.leader_id() && group.member(*group.leader_id())->awaiting_join();
  for (auto& [id, m] : group.members()) {
    if (!m.awaiting_join()) continue;
    JoinGroupResult r = current_generation_result(group, id, leader_joined && group.is_leader(id));
    m.is_new = false;
    heartbeat_member(m);
    answer(m.join_callback, std::move(r));
    group.pending_sync().insert(id);
  }
  group.pending_sync_deadline_ms() = now + group.rebalance_timeout_ms();
}

void GroupManager::propagate_assignment(ClassicGroup& group, ErrorCode error) {
  for (auto& [id, m] : group.members()) {
    if (error != ErrorCode::NONE) m.assignment.clear();
    if (!m.awaiting_sync()) continue;
    SyncGroupResult r;
    r.error = error;
    if (error == ErrorCode::NONE) {
      r.protocol_type = group.protocol_type();
      r.protocol_name = group.protocol_name();
      r.assignment = m.assignment;
    }
    answer(m.sync_callback, std::move(r));
    // The member's session restarts once it has its answer.
    heartbeat_member(m);
  }
}

void GroupManager::heartbeat_member(GroupMember& member) const { member.last_heartbeat_ms = clock_.now_ms(); }

void GroupManager::remove_member_and_update_group(ClassicGroup& group, const std::string& member_id,
                                                  const std::string& reason) {
  GroupMember* member = group.member(member_id);
  if (!member) return;
  answer_waiting(*member, ErrorCode::UNKNOWN_MEMBER_ID);
  group.remove(member_id);
  switch (group.state()) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      maybe_prepare_rebalance(group, reason);
      break;
    case GroupState::kPreparingRebalance:
      try_complete_join(group);
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

// ---- SyncGroup, Heartbeat, LeaveGroup ---------------------------------------

void GroupManager::sync_group(SyncGroupParams params, std::function<void(SyncGroupResult)> done) {
  if (ErrorCode e = check_group(params.group_id, false); e != ErrorCode::NONE) {
    done(sync_error(e));
    return;
  }
  ClassicGroup* group = find(params.group_id);
  if (!group) {
    done(sync_error(ErrorCode::UNKNOWN_MEMBER_ID));
    return;
  }
  ErrorCode error = ErrorCode::NONE;
  if (group->is(GroupState::kDead)) {
    error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
  } else if (group->is_static_member_fenced(params.group_instance_id, params.member_id)) {
    error = ErrorCode::FENCED_INSTANCE_ID;
  } else if (!group->has(params.member_id)) {
    error = ErrorCode::UNKNOWN_MEMBER_ID;
  } else if (params.generation_id != group->generation()) {
    error = ErrorCode::ILLEGAL_GENERATION;
  } else if ((params.protocol_type && group->protocol_type() != params.protocol_type) ||
             (params.protocol_name && group->protocol_name() != params.protocol_name)) {
    error = ErrorCode::INCONSISTENT_GROUP_PROTOCOL;
  } else if (group->is(GroupState::kEmpty)) {
    error = ErrorCode::UNKNOWN_MEMBER_ID;
  } else if (group->is(GroupState::kPreparingRebalance)) {
    error = ErrorCode::REBALANCE_IN_PROGRESS;
  }
  if (error != ErrorCode::NONE) {
    done(sync_error(error));
    return;
  }
  GroupMember& member = *group->member(params.member_id);
  group->pending_sync().erase(params.member_id);
  if (group->is(GroupState::kStable)) {
    heartbeat_member(member);
    SyncGroupResult r;
    r.protocol_type = group->protocol_type();
    r.protocol_name = group->protocol_name();
    r.assignment = member.assignment;
    done(std::move(r));
    refresh_deadline(params.group_id);
    return;
  }
  // CompletingRebalance: wait for the leader's assignment.
  answer(member.sync_callback, sync_error(ErrorCode::REBALANCE_IN_PROGRESS));
  member.sync_callback = std::move(done);
  if (group->is_leader(params.member_id)) {
    for (auto& [id, m] : group->members()) m.assignment.clear();
    for (auto& [id, bytes] : params.assignments) {
      if (GroupMember* m = group->member(id)) m->assignment = std::move(bytes);
    }
    if (protocol::Status s = store_group(*group); !s.ok()) {
      spdlog::warn("Failed to store the assignment of group {} generation {}: {}", group->id(), group->generation(),
                   s.detail);
      propagate_assignment(*group, coordinator_append_error(s.code));
      maybe_prepare_rebalance(*group, "storing the assignment failed");
    } else {
      group->transition_to(GroupState::kStable, clock_.now_ms());
      propagate_assignment(*group, ErrorCode::NONE);
    }
  }
  refresh_deadline(params.group_id);
}

ErrorCode GroupManager::heartbeat(const HeartbeatParams& params) {
  if (ErrorCode e = check_group(params.group_id, false); e != ErrorCode::NONE) return e;
  ClassicGroup* group = find(params.group_id);
  if (!group) return ErrorCode::UNKNOWN_MEMBER_ID;
  if (group->is(GroupState::kDead)) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  if (group->is_static_member_fenced(params.group_instance_id, params.member_id)) return ErrorCode::FENCED_INSTANCE_ID;
  GroupMember* member = group->member(params.member_id);
  if (!member) return ErrorCode::UNKNOWN_MEMBER_ID;
  if (params.generation_id != group->generation()) return ErrorCode::ILLEGAL_GENERATION;
  ErrorCode result = ErrorCode::NONE;
  switch (group->state()) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return ErrorCode::UNKNOWN_MEMBER_ID;
    case GroupState::kPreparingRebalance:
      result = ErrorCode::REBALANCE_IN_PROGRESS;  // time to rejoin
      break;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      break;
  }
  heartbeat_member(*member);
  refresh_deadline(params.group_id);
  return result;
}

LeaveGroupResult GroupManager::leave_group(const LeaveGroupParams& params) {
  LeaveGroupResult result;
  if (ErrorCode e = check_group(params.group_id, false); e != ErrorCode::NONE) {
    result.error = e;
    return result;
  }
  ClassicGroup* group = find(params.group_id);
  for (const LeavingMember& leaving : params.members) {
    auto& out = result.members.emplace_back();
    out.member_id = leaving.member_id;
    out.group_instance_id = leaving.group_instance_id;
    if (!group) {
      out.error = ErrorCode::UNKNOWN_MEMBER_ID;
      continue;
    }
    if (group->is(GroupState::kDead)) {
      result.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
      result.members.clear();
      return result;
    }
    // An admin may remove a static member by instance id alone (KIP-345).
    if (!leaving.member_id.empty() && group->is_static_member_fenced(leaving.group_instance_id, leaving.member_id)) {
      out.error = ErrorCode::FENCED_INSTANCE_ID;
      continue;
    }
    if (group->is_pending_member(leaving.member_id)) {
      group->pending_members().erase(leaving.member_id);
      try_complete_join(*group);
      continue;
    }
    std::string member_id = leaving.member_id;
    if (leaving.group_instance_id) {
      if (auto id = group->static_member_id(*leaving.group_instance_id)) member_id = *id;
    }
    if (!group->has(member_id)) {
      out.error = ErrorCode::UNKNOWN_MEMBER_ID;
      continue;
    }
    remove_member_and_update_group(*group, member_id,
                                   "removing member " + member_id + " on LeaveGroup" +
                                       (leaving.reason ? "; client reason: " + *leaving.reason : std::string()));
  }
  if (group) refresh_deadline(params.group_id);
  return result;
}

// ---- Offsets ----------------------------------------------------------------

namespace {

std::vector<PartitionError> no_errors(const std::vector<PartitionOffset>& offsets) {
  std::vector<PartitionError> results;
  results.reserve(offsets.size());
  for (const auto& o : offsets) results.push_back({o.topic, o.partition, ErrorCode::NONE});
  return results;
}

// `error` for every partition not already failed on its own.
void fail_rest(std::vector<PartitionError>& results, ErrorCode error) {
  for (auto& r : results) {
    if (r.error == ErrorCode::NONE) r.error = error;
  }
}

}  // namespace

ErrorCode GroupManager::validate_offset_commit(const ClassicGroup& group, std::int32_t generation_id,
                                               const std::string& member_id,
                                               const std::optional<std::string>& group_instance_id,
                                               bool transactional) const {
  if (group.is(GroupState::kDead)) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  // Generation -1 on an Empty group: the admin client or an assign() user,
  // whatever member or instance id it sends (KAFKA-14201).
  if (generation_id < 0 && group.is(GroupState::kEmpty)) return ErrorCode::NONE;
  if (generation_id >= 0 || !member_id.empty() || group_instance_id) {
    if (group_instance_id) {
      const std::optional<std::string> current = group.static_member_id(*group_instance_id);
      if (!current) return ErrorCode::UNKNOWN_MEMBER_ID;
      if (*current != member_id) return ErrorCode::FENCED_INSTANCE_ID;
    }
    if (!group.has(member_id)) return ErrorCode::UNKNOWN_MEMBER_ID;
    if (generation_id != group.generation()) return ErrorCode::ILLEGAL_GENERATION;
    return ErrorCode::NONE;
  }
  // Only members commit for a group with members; a transactional producer
  // without member information (TxnOffsetCommit v0-2) may.
  if (!transactional && !group.is(GroupState::kEmpty)) return ErrorCode::UNKNOWN_MEMBER_ID;
  return ErrorCode::NONE;
}

std::vector<std::pair<PartitionKey, CommittedOffset>> GroupManager::accept_offsets(
    const std::string& group_id, const std::vector<PartitionOffset>& offsets, std::int64_t retention_time_ms,
    std::vector<PartitionError>& results, std::vector<GroupRecord>& records) const {
  const std::int64_t now = clock_.now_ms();
  std::vector<std::pair<PartitionKey, CommittedOffset>> accepted;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const PartitionOffset& o = offsets[i];
    const std::string metadata = o.metadata.value_or("");
    if (metadata.size() > static_cast<std::size_t>(config_.offset_metadata_max_bytes)) {
      results[i].error = ErrorCode::OFFSET_METADATA_TOO_LARGE;
      continue;
    }
    CommittedOffset value;
    value.offset = o.offset;
    value.leader_epoch = o.leader_epoch;
    value.metadata = metadata;
    value.commit_timestamp = o.commit_timestamp && *o.commit_timestamp >= 0 ? *o.commit_timestamp : now;
    if (retention_time_ms >= 0) value.expire_timestamp = value.commit_timestamp + retention_time_ms;
    records.push_back(offset_commit_record({group_id, o.topic, o.partition}, value));
    accepted.emplace_back(PartitionKey{o.topic, o.partition}, std::move(value));
  }
  return accepted;
}

std::vector<PartitionError> GroupManager::commit_offsets(const CommitOffsetsParams& params) {
  std::vector<PartitionError> results = no_errors(params.offsets);
  auto fail_all = [&](ErrorCode e) {
    for (auto& r : results) r.error = e;
    return results;
  };
  if (ErrorCode e = check_group(params.group_id, true); e != ErrorCode::NONE) return fail_all(e);

  ClassicGroup* group = find(params.group_id);
  if (!group) {
    // Outside group management (assign() users): the group exists for its offsets.
    if (params.generation_id >= 0) return fail_all(ErrorCode::ILLEGAL_GENERATION);
    group = &groups_.emplace(params.group_id, ClassicGroup(params.group_id, GroupState::kEmpty, clock_.now_ms()))
                 .first->second;
  }
  if (ErrorCode e =
          validate_offset_commit(*group, params.generation_id, params.member_id, params.group_instance_id, false);
      e != ErrorCode::NONE) {
    return fail_all(e);
  }
  // Its JoinGroup answer arrived, its assignment has not: not yet.
  if (group->is(GroupState::kCompletingRebalance)) return fail_all(ErrorCode::REBALANCE_IN_PROGRESS);
  if (!group->is(GroupState::kEmpty)) {
    if (GroupMember* member = group->member(params.member_id)) heartbeat_member(*member);
  }

  std::vector<GroupRecord> records;
  auto accepted = accept_offsets(params.group_id, params.offsets, params.retention_time_ms, results, records);
  if (!records.empty()) {
    auto batch_offset = store_.append(partition_for(params.group_id), records);
    if (!batch_offset.ok()) {
      fail_rest(results, offset_store_error(batch_offset.code()));
    } else {
      for (auto& [key, value] : accepted) group->commit_offset(key, {std::move(value), *batch_offset});
    }
  }
  refresh_deadline(params.group_id);
  return results;
}

std::vector<PartitionError> GroupManager::txn_commit_offsets(const TxnCommitOffsetsParams& params) {
  std::vector<PartitionError> results = no_errors(params.offsets);
  if (ErrorCode e = check_group(params.group_id, false); e != ErrorCode::NONE) {
    fail_rest(results, e);
    return results;
  }
  if (params.producer_id < 0) {
    // Not a transactional producer: nothing could ever commit these.
    fail_rest(results, ErrorCode::INVALID_PRODUCER_ID_MAPPING);
    return results;
  }
  // The producer may commit for a group that never joined (its consumer
  // uses assign()): Kafka creates the group, Empty.
  ClassicGroup* group = find(params.group_id);
  const bool created = group == nullptr;
  if (created) {
    group = &groups_.emplace(params.group_id, ClassicGroup(params.group_id, GroupState::kEmpty, clock_.now_ms()))
                 .first->second;
  }
  // No REBALANCE_IN_PROGRESS and no heartbeat here, as in Kafka's
  // doTxnCommitOffsets: the producer is not the member.
  ErrorCode error =
      validate_offset_commit(*group, params.generation_id, params.member_id, params.group_instance_id, true);
  if (error == ErrorCode::NONE) {
    std::vector<GroupRecord> records;
    auto accepted = accept_offsets(params.group_id, params.offsets, -1, results, records);
    if (!records.empty()) {
      auto batch_offset = store_.append_transactional(partition_for(params.group_id), params.producer_id,
                                                      params.producer_epoch, records);
      if (!batch_offset.ok()) {
        error = offset_store_error(batch_offset.code());
      } else {
        OffsetMap& pending = group->pending_txn_offsets()[params.producer_id];
        for (auto& [key, value] : accepted) pending[key] = {std::move(value), *batch_offset};
      }
    }
  }
  fail_rest(results, error);
  if (created && !group->has_offsets()) remove_group(params.group_id);
  return results;
}

void GroupManager::complete_transaction(std::int32_t partition, std::int64_t producer_id, bool commit) {
  for (auto& [id, group] : groups_) {
    if (!group.pending_txn_offsets().contains(producer_id) || group.is(GroupState::kDead)) continue;
    if (partition_for(id) != partition) continue;
    group.complete_pending_txn(producer_id, commit);
  }
}

FetchOffsetsResult GroupManager::fetch_offsets(const FetchOffsetsParams& params) const {
  FetchOffsetsResult result;
  if (ErrorCode e = check_group(params.group_id, true); e != ErrorCode::NONE) {
    result.error = e;
    return result;
  }
  const ClassicGroup* group = this->group(params.group_id);
  auto fetched = [&](const std::string& topic, std::int32_t partition) {
    FetchedOffset f;
    f.topic = topic;
    f.partition = partition;
    if (!group) return f;
    // KIP-447: a consumer that asks for stable offsets must not start from
    // one an open transaction is about to replace; it retries.
    if (params.require_stable && group->has_pending_offset({topic, partition})) {
      f.error = ErrorCode::UNSTABLE_OFFSET_COMMIT;
      return f;
    }
    auto it = group->offsets().find({topic, partition});
    if (it == group->offsets().end()) return f;
    f.offset = it->second.value.offset;
    f.leader_epoch = it->second.value.leader_epoch;
    f.metadata = it->second.value.metadata;
    return f;
  };
  if (params.topics) {
    for (const auto& t : *params.topics) {
      for (std::int32_t p : t.partitions) result.offsets.push_back(fetched(t.topic, p));
    }
  } else if (group) {
    for (const auto& [key, value] : group->offsets()) result.offsets.push_back(fetched(key.first, key.second));
  }
  return result;
}

// ---- Admin ------------------------------------------------------------------

ListGroupsResult GroupManager::list_groups(const std::vector<std::string>& states,
                                           const std::vector<std::string>& types) const {
  ListGroupsResult result;
  {
    std::lock_guard lock(partitions_mutex_);
    for (const auto& [p, state] : partitions_) {
      if (state.loading) result.error = ErrorCode::COORDINATOR_LOAD_IN_PROGRESS;
    }
  }
  auto matches_type = [&](std::string_view type) {
    if (types.empty()) return true;
    return std::any_of(types.begin(), types.end(), [&](const std::string& t) {
      return t.size() == type.size() && std::equal(t.begin(), t.end(), type.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
             });
    });
  };
  for (const auto& [id, group] : groups_) {
    if (group.is(GroupState::kDead)) continue;
    if (!states.empty() && std::none_of(states.begin(), states.end(),
                                        [&](const std::string& s) { return parse_state(s) == group.state(); })) {
      continue;
    }
    if (!matches_type("classic")) continue;
    result.groups.push_back(
        {id, group.protocol_type().value_or(""), std::string(state_name(group.state())), "classic"});
  }
  return result;
}

std::vector<DescribedGroup> GroupManager::describe_groups(const std::vector<std::string>& group_ids) const {
  std::vector<DescribedGroup> out;
  for (const auto& id : group_ids) {
    DescribedGroup& d = out.emplace_back();
    d.group_id = id;
    if (ErrorCode e = check_group(id, true); e != ErrorCode::NONE) {
      d.error = e;
      continue;
    }
    const ClassicGroup* group = this->group(id);
    if (!group) {
      d.state = std::string(state_name(GroupState::kDead));
      continue;
    }
    d.state = std::string(state_name(group->state()));
    d.protocol_type = group->protocol_type().value_or("");
    // Member metadata and assignments only once the group is Stable.
    const bool stable = group->is(GroupState::kStable);
    if (stable) d.protocol_data = group->protocol_name().value_or("");
    for (const auto& [mid, m] : group->members()) {
      DescribedMember& dm = d.members.emplace_back();
      dm.member_id = mid;
      dm.group_instance_id = m.group_instance_id;
      dm.client_id = m.client_id;
      dm.client_host = m.client_host;
      if (stable) {
        dm.metadata = m.metadata_for(*group->protocol_name());
        dm.assignment = m.assignment;
      }
    }
  }
  return out;
}

std::vector<ErrorCode> GroupManager::delete_groups(const std::vector<std::string>& group_ids) {
  std::vector<ErrorCode> out;
  for (const auto& id : group_ids) {
    if (ErrorCode e = check_group(id, true); e != ErrorCode::NONE) {
      out.push_back(e);
      continue;
    }
    ClassicGroup* group = find(id);
    if (!group || group->is(GroupState::kDead)) {
      out.push_back(ErrorCode::GROUP_ID_NOT_FOUND);
      continue;
    }
    if (!group->is(GroupState::kEmpty)) {
      out.push_back(ErrorCode::NON_EMPTY_GROUP);
      continue;
    }
    // Pending transactional offsets go with the group (Kafka drops the group
    // and what it held). Their partitions get tombstones too, so that a
    // replay drops them before a later COMMIT marker could revive them.
    std::vector<GroupRecord> tombstones;
    for (const auto& key : group->offset_partitions())
      tombstones.push_back(offset_tombstone({id, key.first, key.second}));
    tombstones.push_back(group_tombstone(id));
    if (protocol::Status s = store(id, tombstones); !s.ok()) {
      out.push_back(coordinator_append_error(s.code));
      continue;
    }
    group->transition_to(GroupState::kDead, clock_.now_ms());
    remove_group(id);
    out.push_back(ErrorCode::NONE);
  }
  return out;
}

DeleteOffsetsResult GroupManager::delete_offsets(const DeleteOffsetsParams& params) {
  DeleteOffsetsResult result;
  if (ErrorCode e = check_group(params.group_id, false); e != ErrorCode::NONE) {
    result.error = e;
    return result;
  }
  ClassicGroup* group = find(params.group_id);
  if (!group || group->is(GroupState::kDead)) {
    result.error = ErrorCode::GROUP_ID_NOT_FOUND;
    return result;
  }
  std::optional<std::set<std::string>> subscribed;
  if (!group->is(GroupState::kEmpty)) {
    if (group->protocol_type() != "consumer") {
      result.error = ErrorCode::NON_EMPTY_GROUP;
      return result;
    }
    subscribed = group->subscribed_topics();
  }
  std::vector<GroupRecord> tombstones;
  std::vector<PartitionKey> removed;
  for (const auto& t : params.topics) {
    // Unknown subscriptions count as subscribed to everything.
    const bool in_use = !group->is(GroupState::kEmpty) && (!subscribed || subscribed->contains(t.topic));
    for (std::int32_t p : t.partitions) {
      result.partitions.push_back({t.topic, p, in_use ? ErrorCode::GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode::NONE});
      if (in_use || (!group->offsets().contains({t.topic, p}) && !group->has_pending_offset({t.topic, p}))) continue;
      tombstones.push_back(offset_tombstone({params.group_id, t.topic, p}));
      removed.emplace_back(t.topic, p);
    }
  }
  if (!tombstones.empty()) {
    if (protocol::Status s = store(params.group_id, tombstones); !s.ok()) {
      result.error = coordinator_append_error(s.code);
      result.partitions.clear();
      return result;
    }
    for (const auto& key : removed) group->remove_offset(key);
  }
  return result;
}

// ---- Timeouts ---------------------------------------------------------------

std::optional<std::int64_t> GroupManager::deadline_of(const ClassicGroup& g) const {
  std::optional<std::int64_t> d;
  auto consider = [&d](std::int64_t t) { d = d ? std::min(*d, t) : t; };
  const ClassicGroup& group = g;
  if (group.join_phase().deadline_ms >= 0) consider(group.join_phase().deadline_ms);
  if (group.pending_sync_deadline_ms() >= 0 && !group.pending_sync().empty()) {
    consider(group.pending_sync_deadline_ms());
  }
  for (const auto& [id, deadline] : group.pending_members()) consider(deadline);
  for (const auto& [id, m] : group.members()) {
    if (m.awaiting_join()) {
      if (m.is_new) consider(m.last_heartbeat_ms + config_.new_member_join_timeout_ms);
    } else if (!m.awaiting_sync()) {
      consider(m.last_heartbeat_ms + m.session_timeout_ms);
    }
  }
  return d;
}

void GroupManager::refresh_deadline(const std::string& group_id) {
  if (auto it = deadline_by_group_.find(group_id); it != deadline_by_group_.end()) {
    deadlines_.erase({it->second, group_id});
    deadline_by_group_.erase(it);
  }
  const ClassicGroup* g = group(group_id);
  if (!g) return;
  if (auto d = deadline_of(*g)) {
    deadline_by_group_[group_id] = *d;
    deadlines_.insert({*d, group_id});
  }
}

std::optional<std::int64_t> GroupManager::earliest_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

void GroupManager::tick() {
  const std::int64_t now = clock_.now_ms();
  // Each due group once: expiring may leave a deadline in the past only
  // through a bug, and that must not spin here.
  std::vector<std::string> due;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now; ++it) due.push_back(it->second);
  for (const auto& id : due) {
    if (ClassicGroup* g = find(id)) expire(*g, now);
    refresh_deadline(id);
  }
}

void GroupManager::expire(ClassicGroup& group, std::int64_t now) {
  // KIP-394 ids never used to join.
  std::vector<std::string> stale;
  for (const auto& [id, deadline] : group.pending_members()) {
    if (deadline <= now) stale.push_back(id);
  }
  for (const auto& id : stale) group.pending_members().erase(id);
  if (!stale.empty()) try_complete_join(group);

  // Sessions that ran out.
  std::vector<std::string> expired;
  for (const auto& [id, m] : group.members()) {
    const bool expired_new =
        m.awaiting_join() && m.is_new && m.last_heartbeat_ms + config_.new_member_join_timeout_ms <= now;
    const bool expired_session =
        !m.awaiting_join() && !m.awaiting_sync() && m.last_heartbeat_ms + m.session_timeout_ms <= now;
    if (expired_new || expired_session) expired.push_back(id);
  }
  for (const auto& id : expired) {
    spdlog::info("Member {} in group {} has failed, removing it from the group", id, group.id());
    remove_member_and_update_group(group, id, "removing member " + id + " on heartbeat expiration");
  }

  // The join phase ends.
  ClassicGroup::JoinPhase& phase = group.join_phase();
  if (group.is(GroupState::kPreparingRebalance) && phase.deadline_ms >= 0 && phase.deadline_ms <= now) {
    if (phase.initial && phase.new_member_added && phase.remaining_ms > 0) {
      // Members are still arriving: wait another delay, within the rebalance timeout.
      const std::int64_t delay = std::min<std::int64_t>(config_.initial_rebalance_delay_ms, phase.remaining_ms);
      phase = {now + delay, true, std::max<std::int64_t>(phase.remaining_ms - delay, 0), false};
    } else {
      complete_join(group);
    }
  }

  // Members that got a generation but never synced (Kafka 3.0+).
  if ((group.is(GroupState::kCompletingRebalance) || group.is(GroupState::kStable)) &&
      group.pending_sync_deadline_ms() >= 0 && group.pending_sync_deadline_ms() <= now) {
    std::vector<std::string> laggards(group.pending_sync().begin(), group.pending_sync().end());
    group.pending_sync_deadline_ms() = -1;
    group.pending_sync().clear();
    for (const auto& id : laggards) {
      if (GroupMember* m = group.member(id)) {
        answer(m->sync_callback, sync_error(ErrorCode::UNKNOWN_MEMBER_ID));
        group.remove(id);
      }
    }
    if (!laggards.empty()) maybe_prepare_rebalance(group, "removing members that did not sync");
  }
}

void GroupManager::expire_offsets() {
  const std::int64_t now = clock_.now_ms();
  std::vector<std::string> dead;
  for (auto& [id, group] : groups_) {
    if (status_of(id) != ErrorCode::NONE) continue;
    // Kafka's removeExpiredOffsets (KIP-211): offsets of an empty group age
    // from when it emptied, a simple group's from their commit; a Stable
    // consumer group's offsets of topics it no longer reads expire too.
    std::optional<std::set<std::string>> subscribed;
    bool eligible = false;
    bool from_state_change = false;
    if (group.protocol_type() && group.is(GroupState::kEmpty)) {
      eligible = true;
      from_state_change = true;
    } else if (group.protocol_type() == "consumer" && group.is(GroupState::kStable)) {
      subscribed = group.subscribed_topics();
      eligible = subscribed.has_value();
    } else if (!group.protocol_type()) {
      eligible = true;
    }
    if (!eligible) continue;
    std::vector<GroupRecord> tombstones;
    std::vector<PartitionKey> removed;
    for (const auto& [key, logged] : group.offsets()) {
      if (subscribed && subscribed->contains(key.first)) continue;
      const CommittedOffset& value = logged.value;
      const std::int64_t base = from_state_change ? group.state_timestamp_ms() : value.commit_timestamp;
      const bool is_expired = value.expire_timestamp
                                  ? now >= *value.expire_timestamp
                                  : protocol::saturating_sub(now, base) >= config_.offsets_retention_ms;
      if (!is_expired) continue;
      tombstones.push_back(offset_tombstone({id, key.first, key.second}));
      removed.push_back(key);
    }
    // Removing an offset drops the transactions' pending ones of its
    // partition too (Kafka's removeOffsets); other pending offsets keep the
    // group.
    const bool pending_left =
        std::any_of(group.pending_txn_offsets().begin(), group.pending_txn_offsets().end(), [&](const auto& producer) {
          return std::any_of(producer.second.begin(), producer.second.end(), [&](const auto& offset) {
            return std::find(removed.begin(), removed.end(), offset.first) == removed.end();
          });
        });
    const bool empty_after = group.is(GroupState::kEmpty) && group.offsets().size() == removed.size() && !pending_left;
    if (empty_after) tombstones.push_back(group_tombstone(id));
    if (tombstones.empty()) continue;
    if (protocol::Status s = store(id, tombstones); !s.ok()) {
      spdlog::warn("Expiring offsets of group {}: {}", id, s.detail);
      continue;
    }
    for (const auto& key : removed) group.remove_offset(key);
    if (empty_after) dead.push_back(id);
  }
  for (const auto& id : dead) {
    spdlog::info("Group {} transitioned to Dead: its offsets expired", id);
    remove_group(id);
  }
}

// ---- Storage ----------------------------------------------------------------

protocol::Status GroupManager::store_group(const ClassicGroup& group) {
  auto record = group_metadata_record(group.id(), group.to_record());
  if (!record.ok()) return record.status();
  return store(group.id(), {std::move(record).value()});
}

protocol::Status GroupManager::store(const std::string& group_id, const std::vector<GroupRecord>& records) {
  return store_.append(partition_for(group_id), records).status();
}

void GroupManager::remove_group(const std::string& group_id) {
  if (auto it = deadline_by_group_.find(group_id); it != deadline_by_group_.end()) {
    deadlines_.erase({it->second, group_id});
    deadline_by_group_.erase(it);
  }
  groups_.erase(group_id);
}

void GroupManager::shutdown() {
  for (auto& [id, group] : groups_) {
    for (auto& [mid, m] : group.members()) answer_waiting(m, ErrorCode::NOT_COORDINATOR);
  }
  groups_.clear();
  deadlines_.clear();
  deadline_by_group_.clear();
  std::lock_guard lock(partitions_mutex_);
  partitions_.clear();
}

}  // namespace sluice::coordinator
