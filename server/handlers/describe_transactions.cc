// DescribeTransactions (key 65, KIP-664): the coordinator's view of each
// transactional id -- state, producer id and epoch, timeout, start time and
// the partitions in the open transaction.
#include <map>

#include "coordinator/txn/transaction_coordinator.h"
#include "protocol/generated/describe_transactions_request.h"
#include "protocol/generated/describe_transactions_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_requests.h"

namespace sluice::server {

using protocol::DescribeTransactionsRequest;
using protocol::DescribeTransactionsResponse;

asio::awaitable<DescribeTransactionsResponse> handle_describe_transactions(RequestContext& ctx,
                                                                           DescribeTransactionsRequest& req) {
  std::vector<coordinator::DescribedTxn> described = co_await await_completion<std::vector<coordinator::DescribedTxn>>(
      [&](auto done) { ctx.services.txns.describe_transactions(req.transactional_ids, std::move(done)); });
  DescribeTransactionsResponse resp;
  for (const coordinator::DescribedTxn& d : described) {
    auto& s = resp.transaction_states.emplace_back();
    s.transactional_id = d.transactional_id;
    s.error_code = wire_code(d.error);
    if (d.error != protocol::ErrorCode::NONE) continue;
    s.transaction_state = d.state;
    s.transaction_timeout_ms = d.timeout_ms;
    s.transaction_start_time_ms = d.start_timestamp;
    s.producer_id = d.producer_id;
    s.producer_epoch = d.producer_epoch;
    std::map<std::string, std::vector<std::int32_t>> by_topic;
    for (const auto& tp : d.partitions) by_topic[tp.topic].push_back(tp.partition);
    for (auto& [topic, partitions] : by_topic) {
      auto& t = s.topics.emplace_back();
      t.topic = topic;
      t.partitions = std::move(partitions);
    }
  }
  co_return resp;
}

}  // namespace sluice::server
