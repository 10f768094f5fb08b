// OffsetDelete (key 47, KIP-496): drops a group's committed offsets of
// partitions it no longer consumes. Partitions missing from the metadata are
// refused here, as Kafka's KafkaApis does; a group-level error (e.g.
// GROUP_ID_NOT_FOUND) replaces every partition's answer.
#include "coordinator/controller/metadata_image.h"
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/offset_delete_request.h"
#include "protocol/generated/offset_delete_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using coordinator::DeleteOffsetsResult;
using protocol::ErrorCode;
using protocol::OffsetDeleteRequest;
using protocol::OffsetDeleteResponse;

coordinator::DeleteOffsetsParams to_coordinator(const OffsetDeleteRequest& req,
                                                const coordinator::MetadataImage& image) {
  coordinator::DeleteOffsetsParams p;
  p.group_id = req.group_id;
  for (const auto& topic : req.topics) {
    coordinator::TopicPartitions tp{topic.name, {}};
    for (const auto& part : topic.partitions) {
      if (partition_exists(image, topic.name, part.partition_index)) tp.partitions.push_back(part.partition_index);
    }
    if (!tp.partitions.empty()) p.topics.push_back(std::move(tp));
  }
  return p;
}

}  // namespace

asio::awaitable<OffsetDeleteResponse> handle_offset_delete(RequestContext& ctx, OffsetDeleteRequest& req) {
  const auto image = ctx.services.image();
  // Asked even with no valid partition: the group itself may be refused.
  coordinator::DeleteOffsetsParams params = to_coordinator(req, *image);
  DeleteOffsetsResult r = co_await await_completion<DeleteOffsetsResult>(
      [&](auto done) { ctx.services.groups.delete_offsets(std::move(params), std::move(done)); });

  OffsetDeleteResponse resp;
  resp.error_code = wire_code(r.error);
  if (r.error != ErrorCode::NONE) co_return resp;
  const PartitionErrors errors(r.partitions);
  answer_partitions(req.topics, *image, errors, resp.topics);
  co_return resp;
}

}  // namespace sluice::server
