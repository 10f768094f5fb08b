// InitProducerId (key 22): a producer id and epoch for an idempotent
// producer (a fresh id from this broker's block) or for a transactional id
// (its coordinator bumps the epoch, fencing older incarnations, and aborts
// a transaction they left open). KIP-360: v3+ names the id and epoch it had,
// so an idempotent producer can recover after an error.
#include "coordinator/txn/transaction_coordinator.h"
#include "protocol/generated/init_producer_id_request.h"
#include "protocol/generated/init_producer_id_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_requests.h"

namespace sluice::server {

using protocol::ErrorCode;
using protocol::InitProducerIdRequest;
using protocol::InitProducerIdResponse;

asio::awaitable<InitProducerIdResponse> handle_init_producer_id(RequestContext& ctx, InitProducerIdRequest& req) {
  InitProducerIdResponse resp;
  resp.producer_id = -1;
  resp.producer_epoch = -1;
  if (req.transactional_id && req.transactional_id->empty()) {
    resp.error_code = wire_code(ErrorCode::INVALID_REQUEST);
    co_return resp;
  }
  coordinator::InitProducerIdParams params;
  params.transactional_id = req.transactional_id;
  params.txn_timeout_ms = req.transaction_timeout_ms;
  if (ctx.api_version() >= 3) {
    params.producer_id = req.producer_id;
    params.producer_epoch = req.producer_epoch;
  }
  coordinator::InitProducerIdResult result = co_await await_completion<coordinator::InitProducerIdResult>(
      [&](auto done) { ctx.services.txns.init_producer_id(std::move(params), std::move(done)); });
  resp.error_code = txn_wire_code(result.error, ctx.api_version(), 4);
  if (result.error == ErrorCode::NONE) {
    resp.producer_id = result.producer_id;
    resp.producer_epoch = result.producer_epoch;
  }
  co_return resp;
}

}  // namespace sluice::server
