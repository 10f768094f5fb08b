#include "coordinator/group/classic_group.h"

#include <strings.h>

#include <algorithm>
#include <cassert>
#include <iterator>

#include "protocol/generated/consumer_protocol_subscription.h"
#include "protocol/message_support.h"

namespace sluice::coordinator {

namespace {

constexpr std::string_view kNames[] = {"Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"};

// Kafka's GroupState valid previous states.
bool valid_transition(GroupState from, GroupState to) {
  using enum GroupState;
  switch (to) {
    case kDead:
      return true;
    case kPreparingRebalance:
      return from == kStable || from == kCompletingRebalance || from == kEmpty;
    case kCompletingRebalance:
      return from == kPreparingRebalance;
    case kStable:
      return from == kCompletingRebalance;
    case kEmpty:
      return from == kPreparingRebalance;
  }
  return false;
}

const Bytes kNoBytes;

bool supported_by_all(const std::map<std::string, GroupMember>& members, std::string_view name) {
  return std::all_of(members.begin(), members.end(), [&](const auto& m) {
    return std::any_of(m.second.protocols.begin(), m.second.protocols.end(),
                       [&](const GroupProtocol& q) { return q.name == name; });
  });
}

}  // namespace

std::string_view state_name(GroupState state) { return kNames[static_cast<int>(state)]; }

std::optional<GroupState> parse_state(std::string_view name) {
  for (int i = 0; i < 5; ++i) {
    if (name.size() == kNames[i].size() && ::strncasecmp(name.data(), kNames[i].data(), name.size()) == 0) {
      return static_cast<GroupState>(i);
    }
  }
  return std::nullopt;
}

const Bytes& GroupMember::metadata_for(std::string_view protocol) const {
  for (const auto& p : protocols) {
    if (p.name == protocol) return p.metadata;
  }
  return kNoBytes;
}

void ClassicGroup::transition_to(GroupState next, std::int64_t now_ms) {
  assert(valid_transition(state_, next));
  (void)valid_transition;
  state_ = next;
  state_timestamp_ms_ = now_ms;
}

GroupMember* ClassicGroup::member(std::string_view member_id) {
  auto it = members_.find(std::string(member_id));
  return it == members_.end() ? nullptr : &it->second;
}

void ClassicGroup::add(GroupMember member) {
  if (members_.empty()) protocol_type_ = member.protocol_type;
  if (!leader_id_) leader_id_ = member.member_id;
  if (member.group_instance_id) static_members_[*member.group_instance_id] = member.member_id;
  std::string id = member.member_id;
  members_.insert_or_assign(std::move(id), std::move(member));
}

void ClassicGroup::remove(const std::string& member_id) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return;
  if (it->second.group_instance_id) {
    auto s = static_members_.find(*it->second.group_instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  members_.erase(it);
  pending_sync_.erase(member_id);
  if (is_leader(member_id)) {
    leader_id_ = members_.empty() ? std::nullopt : std::optional<std::string>(members_.begin()->first);
  }
}

std::optional<std::string> ClassicGroup::static_member_id(const std::string& instance_id) const {
  auto it = static_members_.find(instance_id);
  if (it == static_members_.end()) return std::nullopt;
  return it->second;
}

bool ClassicGroup::is_static_member_fenced(const std::optional<std::string>& instance_id,
                                           std::string_view member_id) const {
  if (!instance_id) return false;
  auto it = static_members_.find(*instance_id);
  return it != static_members_.end() && it->second != member_id;
}

void ClassicGroup::replace_static_member(const std::string& instance_id, const std::string& old_id,
                                         const std::string& new_id) {
  auto node = members_.extract(old_id);
  if (node.empty()) return;
  node.key() = new_id;
  node.mapped().member_id = new_id;
  members_.insert(std::move(node));
  static_members_[instance_id] = new_id;
  if (pending_sync_.erase(old_id) > 0) pending_sync_.insert(new_id);
  if (is_leader(old_id)) leader_id_ = new_id;
}

bool ClassicGroup::supports_protocols(std::string_view type, const std::vector<GroupProtocol>& protocols) const {
  if (members_.empty()) return !type.empty() && !protocols.empty();
  if (!protocol_type_ || *protocol_type_ != type) return false;
  // Some protocol every current member supports must be among the new member's.
  return std::any_of(protocols.begin(), protocols.end(),
                     [&](const GroupProtocol& p) { return supported_by_all(members_, p.name); });
}

std::string ClassicGroup::select_protocol() const {
  // Candidates: protocols every member supports. Each member votes for the
  // first candidate in its own preference order; the most votes win.
  std::vector<std::pair<std::string, int>> votes;  // in first-seen order: ties go to the earlier
  for (const auto& [id, m] : members_) {
    for (const auto& p : m.protocols) {
      if (!supported_by_all(members_, p.name)) continue;
      auto it = std::find_if(votes.begin(), votes.end(), [&](const auto& v) { return v.first == p.name; });
      if (it == votes.end()) {
        votes.emplace_back(p.name, 1);
      } else {
        ++it->second;
      }
      break;
    }
  }
  auto best =
      std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return best == votes.end() ? std::string() : best->first;
}

std::size_t ClassicGroup::num_awaiting_join() const {
  return static_cast<std::size_t>(
      std::count_if(members_.begin(), members_.end(), [](const auto& m) { return m.second.awaiting_join(); }));
}

std::int32_t ClassicGroup::rebalance_timeout_ms() const {
  std::int32_t longest = 0;
  for (const auto& [id, m] : members_) longest = std::max(longest, m.rebalance_timeout_ms);
  return longest;
}

void ClassicGroup::init_next_generation(std::int64_t now_ms) {
  ++generation_;
  if (!members_.empty()) {
    protocol_name_ = select_protocol();
    transition_to(GroupState::kCompletingRebalance, now_ms);
  } else {
    protocol_name_.reset();
    transition_to(GroupState::kEmpty, now_ms);
  }
}

protocol::GroupMetadataValue ClassicGroup::to_record() const {
  protocol::GroupMetadataValue v;
  v.protocol_type = protocol_type_.value_or("");
  v.generation = generation_;
  v.protocol = protocol_name_;
  v.leader = leader_id_;
  v.current_state_timestamp = state_timestamp_ms_;
  for (const auto& [id, m] : members_) {
    auto& out = v.members.emplace_back();
    out.member_id = m.member_id;
    out.group_instance_id = m.group_instance_id;
    out.client_id = m.client_id;
    out.client_host = m.client_host;
    out.rebalance_timeout = m.rebalance_timeout_ms;
    out.session_timeout = m.session_timeout_ms;
    out.subscription = protocol_name_ ? m.metadata_for(*protocol_name_) : Bytes{};
    out.assignment = m.assignment;
  }
  return v;
}

ClassicGroup ClassicGroup::from_record(std::string id, const protocol::GroupMetadataValue& value, std::int64_t now_ms) {
  ClassicGroup g(std::move(id), value.members.empty() ? GroupState::kEmpty : GroupState::kStable,
                 value.current_state_timestamp >= 0 ? value.current_state_timestamp : now_ms);
  g.generation_ = value.generation;
  if (!value.protocol_type.empty()) g.protocol_type_ = value.protocol_type;
  if (value.protocol && !value.protocol->empty()) g.protocol_name_ = value.protocol;
  if (value.leader && !value.leader->empty()) g.leader_id_ = value.leader;
  for (const auto& m : value.members) {
    GroupMember member;
    member.member_id = m.member_id;
    member.group_instance_id = m.group_instance_id;
    member.client_id = m.client_id;
    member.client_host = m.client_host;
    member.rebalance_timeout_ms = m.rebalance_timeout >= 0 ? m.rebalance_timeout : m.session_timeout;
    member.session_timeout_ms = m.session_timeout;
    member.protocol_type = value.protocol_type;
    member.protocols.push_back({g.protocol_name_.value_or(""), m.subscription});
    member.assignment = m.assignment;
    member.last_heartbeat_ms = now_ms;
    if (member.group_instance_id) g.static_members_[*member.group_instance_id] = member.member_id;
    g.members_.emplace(m.member_id, std::move(member));
  }
  if (g.leader_id_ && !g.members_.contains(*g.leader_id_)) {
    g.leader_id_ = g.members_.empty() ? std::nullopt : std::optional<std::string>(g.members_.begin()->first);
  }
  return g;
}

void ClassicGroup::commit_offset(const PartitionKey& key, LoggedOffset offset) {
  auto it = offsets_.find(key);
  if (it == offsets_.end()) {
    offsets_.emplace(key, std::move(offset));
  } else if (it->second.older_than(offset)) {
    it->second = std::move(offset);
  }
}

bool ClassicGroup::has_pending_offset(const PartitionKey& key) const {
  return std::any_of(pending_txn_offsets_.begin(), pending_txn_offsets_.end(),
                     [&](const auto& p) { return p.second.contains(key); });
}

void ClassicGroup::complete_pending_txn(std::int64_t producer_id, bool commit) {
  auto it = pending_txn_offsets_.find(producer_id);
  if (it == pending_txn_offsets_.end()) return;
  OffsetMap pending = std::move(it->second);
  pending_txn_offsets_.erase(it);
  if (!commit) return;
  for (auto& [key, offset] : pending) commit_offset(key, std::move(offset));
}

void ClassicGroup::remove_offset(const PartitionKey& key) {
  offsets_.erase(key);
  for (auto it = pending_txn_offsets_.begin(); it != pending_txn_offsets_.end();) {
    it->second.erase(key);
    it = it->second.empty() ? pending_txn_offsets_.erase(it) : std::next(it);
  }
}

std::set<PartitionKey> ClassicGroup::offset_partitions() const {
  std::set<PartitionKey> out;
  for (const auto& [key, offset] : offsets_) out.insert(key);
  for (const auto& [producer, offsets] : pending_txn_offsets_) {
    for (const auto& [key, offset] : offsets) out.insert(key);
  }
  return out;
}

std::optional<std::set<std::string>> ClassicGroup::subscribed_topics() const {
  if (!protocol_type_ || *protocol_type_ != "consumer" || !protocol_name_) return std::nullopt;
  std::set<std::string> topics;
  for (const auto& [id, m] : members_) {
    const Bytes& metadata = m.metadata_for(*protocol_name_);
    if (metadata.size() < 2) return std::nullopt;
    // ConsumerProtocol: a version, then the subscription; newer versions
    // are read as the newest this broker knows (their prefix is the same).
    std::int16_t version = static_cast<std::int16_t>((metadata[0] << 8) | metadata[1]);
    if (version < 0) return std::nullopt;
    version = std::min(version, protocol::ConsumerProtocolSubscription::kHighestVersion);
    auto sub = protocol::decode<protocol::ConsumerProtocolSubscription>(std::span(metadata).subspan(2), version);
    if (!sub.ok()) return std::nullopt;
    topics.insert(sub->topics.begin(), sub->topics.end());
  }
  return topics;
}

}  // namespace sluice::coordinator
