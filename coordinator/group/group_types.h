// What the group coordinator takes and answers, independent of any request
// version: the handlers translate between these and the wire messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/generated/error_code.h"

namespace sluice::coordinator {

using Bytes = std::vector<std::uint8_t>;
using protocol::ErrorCode;

// JoinGroupRequest.MemberId of a member joining for the first time.
inline constexpr std::string_view kUnknownMemberId = "";
// OffsetCommit's generation of a commit from outside group management.
inline constexpr std::int32_t kNoGeneration = -1;

struct GroupProtocol {
  std::string name;
  Bytes metadata;
  bool operator==(const GroupProtocol&) const = default;
};

struct JoinGroupParams {
  std::string group_id;
  std::string member_id;                         // empty for a new member
  std::optional<std::string> group_instance_id;  // KIP-345
  std::string protocol_type;
  std::vector<GroupProtocol> protocols;  // in the member's order of preference
  std::int32_t session_timeout_ms = 0;
  std::int32_t rebalance_timeout_ms = 0;  // v0 sends none: the session timeout
  std::string client_id;
  std::string client_host;
  bool require_known_member_id = false;   // v4+: KIP-394
  bool supports_skip_assignment = false;  // v9+: KIP-814
  std::optional<std::string> reason;
};

struct JoinGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  Bytes metadata;
};

struct JoinGroupResult {
  ErrorCode error = ErrorCode::NONE;
  std::int32_t generation_id = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  bool skip_assignment = false;
  std::string member_id;
  std::vector<JoinGroupMember> members;  // the leader's only
};

struct SyncGroupParams {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> protocol_type;                // v5+
  std::optional<std::string> protocol_name;                // v5+
  std::vector<std::pair<std::string, Bytes>> assignments;  // the leader's
};

struct SyncGroupResult {
  ErrorCode error = ErrorCode::NONE;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  Bytes assignment;
};

struct HeartbeatParams {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct LeavingMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> reason;
};

struct LeaveGroupParams {
  std::string group_id;
  std::vector<LeavingMember> members;
};

struct LeaveGroupResult {
  ErrorCode error = ErrorCode::NONE;  // for the whole request
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    ErrorCode error = ErrorCode::NONE;
  };
  std::vector<Member> members;  // in request order
};

struct PartitionOffset {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  std::optional<std::int64_t> commit_timestamp;  // OffsetCommit v1 only
};

struct CommitOffsetsParams {
  std::string group_id;
  std::int32_t generation_id = kNoGeneration;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::int64_t retention_time_ms = -1;  // v2-v4
  std::vector<PartitionOffset> offsets;
};

// TxnOffsetCommit: a transactional producer commits its consumer's
// positions inside its transaction (KIP-98; member fields since v3, KIP-447).
struct TxnCommitOffsetsParams {
  std::string group_id;
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t generation_id = kNoGeneration;
  std::string member_id;  // empty: none
  std::optional<std::string> group_instance_id;
  std::vector<PartitionOffset> offsets;  // commit_timestamp is not used
};

struct PartitionError {
  std::string topic;
  std::int32_t partition = 0;
  ErrorCode error = ErrorCode::NONE;
};

// One partition's answer to OffsetFetch: offset -1 when nothing is committed.
struct FetchedOffset {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
  std::string metadata;
  ErrorCode error = ErrorCode::NONE;
};

struct TopicPartitions {
  std::string topic;
  std::vector<std::int32_t> partitions;
};

struct FetchOffsetsParams {
  std::string group_id;
  std::optional<std::vector<TopicPartitions>> topics;  // nullopt: every committed offset
  bool require_stable = false;
};

struct FetchOffsetsResult {
  ErrorCode error = ErrorCode::NONE;
  std::vector<FetchedOffset> offsets;
};

struct ListedGroup {
  std::string group_id;
  std::string protocol_type;
  std::string state;
  std::string type = "classic";
};

struct ListGroupsResult {
  ErrorCode error = ErrorCode::NONE;
  std::vector<ListedGroup> groups;
};

struct DescribedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  Bytes metadata;
  Bytes assignment;
};

struct DescribedGroup {
  ErrorCode error = ErrorCode::NONE;
  std::string group_id;
  std::string state;
  std::string protocol_type;
  std::string protocol_data;
  std::vector<DescribedMember> members;
};

struct DeleteOffsetsParams {
  std::string group_id;
  std::vector<TopicPartitions> topics;
};

struct DeleteOffsetsResult {
  ErrorCode error = ErrorCode::NONE;
  std::vector<PartitionError> partitions;
};

}  // namespace sluice::coordinator
