// EndTxn (key 26): the producer commits or aborts its transaction. The
// coordinator answers once PrepareCommit/PrepareAbort is in its log; the
// markers follow, and until they are written the transactional id answers
// CONCURRENT_TRANSACTIONS.
#include "coordinator/txn/transaction_coordinator.h"
#include "protocol/generated/end_txn_request.h"
#include "protocol/generated/end_txn_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_requests.h"

namespace sluice::server {

using protocol::EndTxnRequest;
using protocol::EndTxnResponse;
using protocol::ErrorCode;

asio::awaitable<EndTxnResponse> handle_end_txn(RequestContext& ctx, EndTxnRequest& req) {
  ErrorCode error = co_await await_completion<ErrorCode>([&](auto done) {
    ctx.services.txns.end_txn(req.transactional_id, req.producer_id, req.producer_epoch, req.committed,
                              std::move(done));
  });
  EndTxnResponse resp;
  resp.error_code = txn_wire_code(error, ctx.api_version(), 2);
  co_return resp;
}

}  // namespace sluice::server
