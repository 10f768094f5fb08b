// TxnOffsetCommit (key 28): a transactional producer commits its consumer's
// positions inside its transaction (KIP-98); v3+ carry the consumer's
// member id, generation and instance id so a zombie is fenced as its
// OffsetCommit would be (KIP-447). Partitions missing from the metadata are
// refused here, as for OffsetCommit; the rest are written by the group
// coordinator as the producer's transactional batch and stay pending until
// the transaction's marker.
//
// KIP-890: the group's __consumer_offsets partition must be in the producer's
// transaction (AddOffsetsToTxn) before anything is written, else no marker
// would ever end the pending offsets.
#include "coordinator/controller/metadata_image.h"
#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/txn_offset_commit_request.h"
#include "protocol/generated/txn_offset_commit_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"
#include "server/txn_verification.h"

namespace sluice::server {

namespace {

using coordinator::PartitionError;
using protocol::ErrorCode;
using protocol::TxnOffsetCommitRequest;
using protocol::TxnOffsetCommitResponse;

coordinator::TxnCommitOffsetsParams to_coordinator(std::int16_t version, const TxnOffsetCommitRequest& req,
                                                   const coordinator::MetadataImage& image) {
  coordinator::TxnCommitOffsetsParams p;
  p.group_id = req.group_id;
  p.transactional_id = req.transactional_id;
  p.producer_id = req.producer_id;
  p.producer_epoch = req.producer_epoch;
  // v0-2 know nothing of the consumer's group membership.
  if (version >= 3) {
    p.generation_id = req.generation_id;
    p.member_id = req.member_id;
    p.group_instance_id = req.group_instance_id;
  }
  for (const auto& topic : req.topics) {
    for (const auto& part : topic.partitions) {
      if (!partition_exists(image, topic.name, part.partition_index)) continue;
      coordinator::PartitionOffset& o = p.offsets.emplace_back();
      o.topic = topic.name;
      o.partition = part.partition_index;
      o.offset = part.committed_offset;
      o.leader_epoch = version >= 2 ? part.committed_leader_epoch : -1;
      o.metadata = part.committed_metadata;
    }
  }
  return p;
}

// What each version's clients understand (KafkaApis, AddPartitionsToTxnManager).
ErrorCode for_version(std::int16_t version, ErrorCode e) {
  // Producers before 2.0 (v0-1) crash on the loading error (KAFKA-7296).
  if (version < 2 && e == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  // KIP-890: only v4 clients know TRANSACTION_ABORTABLE.
  if (version < 4 && e == ErrorCode::TRANSACTION_ABORTABLE) return ErrorCode::INVALID_TXN_STATE;
  // Producers handle a fenced epoch as INVALID_PRODUCER_EPOCH here.
  if (e == ErrorCode::PRODUCER_FENCED) return ErrorCode::INVALID_PRODUCER_EPOCH;
  return e;
}

// NONE when the group's offsets partition is in the transaction. A busy or
// absent transaction coordinator is COORDINATOR_LOAD_IN_PROGRESS, which
// producers retry on this request.
asio::awaitable<ErrorCode> verify_offsets_partition(RequestContext& ctx, const TxnOffsetCommitRequest& req) {
  const storage::TopicPartition offsets{std::string(coordinator::kConsumerOffsetsTopic),
                                        ctx.services.groups.partition_for(req.group_id)};
  // Named, not a braced temporary: GCC 12 miscompiles those in co_await.
  const std::vector<TxnWrite> writes{TxnWrite{offsets, req.producer_id, req.producer_epoch}};
  auto refused = co_await verify_txn_writes(ctx, req.transactional_id, writes);
  auto it = refused.find(offsets);
  if (it == refused.end()) co_return ErrorCode::NONE;
  co_return it->second.code == ErrorCode::NOT_ENOUGH_REPLICAS ? ErrorCode::COORDINATOR_LOAD_IN_PROGRESS
                                                              : it->second.code;
}

}  // namespace

asio::awaitable<TxnOffsetCommitResponse> handle_txn_offset_commit(RequestContext& ctx, TxnOffsetCommitRequest& req) {
  const std::int16_t version = ctx.api_version();
  const auto image = ctx.services.image();
  coordinator::TxnCommitOffsetsParams params = to_coordinator(version, req, *image);
  std::vector<PartitionError> results;
  // Nothing valid to commit: Kafka answers without asking the coordinator.
  if (!params.offsets.empty()) {
    const ErrorCode verified = co_await verify_offsets_partition(ctx, req);
    if (verified != ErrorCode::NONE) {
      for (const auto& o : params.offsets) results.push_back({o.topic, o.partition, verified});
    } else {
      results = co_await await_completion<std::vector<PartitionError>>(
          [&](auto done) { ctx.services.groups.txn_commit_offsets(std::move(params), std::move(done)); });
    }
  }
  for (PartitionError& r : results) r.error = for_version(version, r.error);
  const PartitionErrors errors(results);

  TxnOffsetCommitResponse resp;
  answer_partitions(req.topics, *image, errors, resp.topics);
  co_return resp;
}

}  // namespace sluice::server
