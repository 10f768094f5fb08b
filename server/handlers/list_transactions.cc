// ListTransactions (key 66, KIP-664): the transactional ids this broker
// coordinates, filtered by state, producer id and (v1, KIP-994) by how long
// they have been running.
#include "coordinator/txn/transaction_coordinator.h"
#include "protocol/generated/list_transactions_request.h"
#include "protocol/generated/list_transactions_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_requests.h"

namespace sluice::server {

using protocol::ListTransactionsRequest;
using protocol::ListTransactionsResponse;

asio::awaitable<ListTransactionsResponse> handle_list_transactions(RequestContext& ctx, ListTransactionsRequest& req) {
  const std::int64_t duration = ctx.api_version() >= 1 ? req.duration_filter : -1;
  coordinator::ListTxnsResult listed = co_await await_completion<coordinator::ListTxnsResult>([&](auto done) {
    ctx.services.txns.list_transactions(req.state_filters, req.producer_id_filters, duration, std::move(done));
  });
  ListTransactionsResponse resp;
  resp.error_code = wire_code(listed.error);
  resp.unknown_state_filters = std::move(listed.unknown_state_filters);
  for (const auto& t : listed.transactions) {
    auto& s = resp.transaction_states.emplace_back();
    s.transactional_id = t.transactional_id;
    s.producer_id = t.producer_id;
    s.transaction_state = t.state;
  }
  co_return resp;
}

}  // namespace sluice::server
