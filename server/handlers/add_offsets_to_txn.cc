// AddOffsetsToTxn (key 25): the producer will commit a group's offsets in
// its transaction (TxnOffsetCommit), so the group's __consumer_offsets
// partition joins the transaction and gets its marker.
#include "coordinator/group/group_coordinator.h"
#include "coordinator/txn/transaction_coordinator.h"
#include "protocol/generated/add_offsets_to_txn_request.h"
#include "protocol/generated/add_offsets_to_txn_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_requests.h"

namespace sluice::server {

using protocol::AddOffsetsToTxnRequest;
using protocol::AddOffsetsToTxnResponse;
using protocol::ErrorCode;

asio::awaitable<AddOffsetsToTxnResponse> handle_add_offsets_to_txn(RequestContext& ctx, AddOffsetsToTxnRequest& req) {
  coordinator::AddPartitionsParams params;
  params.transactional_id = req.transactional_id;
  params.producer_id = req.producer_id;
  params.producer_epoch = req.producer_epoch;
  params.partitions.push_back(
      {std::string(coordinator::kConsumerOffsetsTopic), ctx.services.groups.partition_for(req.group_id)});
  coordinator::AddPartitionsResult result = co_await await_completion<coordinator::AddPartitionsResult>(
      [&](auto done) { ctx.services.txns.add_partitions(std::move(params), std::move(done)); });
  ErrorCode error = result.top_level;
  if (error == ErrorCode::NONE && !result.partitions.empty()) error = result.partitions.front().second;
  AddOffsetsToTxnResponse resp;
  resp.error_code = txn_wire_code(error, ctx.api_version(), 2);
  co_return resp;
}

}  // namespace sluice::server
