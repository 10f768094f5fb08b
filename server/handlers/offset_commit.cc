// OffsetCommit (key 8): stores a group's consumed positions. Partitions
// missing from the metadata are refused here, as Kafka's KafkaApis does;
// the rest are written by the group coordinator, which checks the
// generation and member of the committer.
#include "coordinator/controller/metadata_image.h"
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/offset_commit_request.h"
#include "protocol/generated/offset_commit_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using coordinator::PartitionError;
using protocol::OffsetCommitRequest;
using protocol::OffsetCommitResponse;

// OffsetCommitRequest.DEFAULT_TIMESTAMP: the broker's time of the commit.
constexpr std::int64_t kDefaultTimestamp = -1;

coordinator::CommitOffsetsParams to_coordinator(std::int16_t version, const OffsetCommitRequest& req,
                                                const coordinator::MetadataImage& image) {
  coordinator::CommitOffsetsParams p;
  p.group_id = req.group_id;
  // v0 commits from outside group management: no generation, no member.
  p.generation_id = version >= 1 ? req.generation_id_or_member_epoch : coordinator::kNoGeneration;
  p.member_id = version >= 1 ? req.member_id : std::string();
  p.group_instance_id = req.group_instance_id;
  if (version >= 2 && version <= 4) p.retention_time_ms = req.retention_time_ms;
  for (const auto& topic : req.topics) {
    for (const auto& part : topic.partitions) {
      if (!partition_exists(image, topic.name, part.partition_index)) continue;
      coordinator::PartitionOffset& o = p.offsets.emplace_back();
      o.topic = topic.name;
      o.partition = part.partition_index;
      o.offset = part.committed_offset;
      o.leader_epoch = part.committed_leader_epoch;
      o.metadata = part.committed_metadata;
      if (version == 1 && part.commit_timestamp != kDefaultTimestamp) o.commit_timestamp = part.commit_timestamp;
    }
  }
  return p;
}

}  // namespace

asio::awaitable<OffsetCommitResponse> handle_offset_commit(RequestContext& ctx, OffsetCommitRequest& req) {
  const auto image = ctx.services.image();
  coordinator::CommitOffsetsParams params = to_coordinator(ctx.api_version(), req, *image);
  std::vector<PartitionError> results;
  // Nothing valid to commit: Kafka answers without asking the coordinator.
  if (!params.offsets.empty()) {
    results = co_await await_completion<std::vector<PartitionError>>(
        [&](auto done) { ctx.services.groups.commit_offsets(std::move(params), std::move(done)); });
  }
  const PartitionErrors errors(results);

  OffsetCommitResponse resp;
  answer_partitions(req.topics, *image, errors, resp.topics);
  co_return resp;
}

}  // namespace sluice::server
