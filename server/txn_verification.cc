#include "server/txn_verification.h"

#include "coordinator/txn/transaction_coordinator.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/config/broker_config.h"

namespace sluice::server {

using protocol::ErrorCode;
using protocol::Status;

namespace {

Status produce_error(ErrorCode e) {
  switch (e) {
    case ErrorCode::NONE:
      return {};
    case ErrorCode::INVALID_TXN_STATE:
      return {e, "Partition was not added to the transaction"};
    case ErrorCode::CONCURRENT_TRANSACTIONS:
    case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode::COORDINATOR_NOT_AVAILABLE:
    case ErrorCode::NOT_COORDINATOR:
      // Older clients do not retry these on a produce.
      return {ErrorCode::NOT_ENOUGH_REPLICAS,
              "Unable to verify the partition has been added to the transaction. Underlying error: " +
                  std::string(protocol::error_name(e))};
    default:
      return {e, {}};
  }
}

}  // namespace

asio::awaitable<std::map<storage::TopicPartition, Status>> verify_txn_writes(RequestContext& ctx,
                                                                             const std::string& transactional_id,
                                                                             const std::vector<TxnWrite>& writes) {
  std::map<storage::TopicPartition, Status> refused;
  if (writes.empty() || !ctx.services.config.boolean("transaction.partition.verification.enable")) {
    co_return refused;
  }
  coordinator::AddPartitionsParams params;
  params.transactional_id = transactional_id;
  params.verify_only = true;
  // One producer writes one request, so one producer id and epoch.
  for (const TxnWrite& w : writes) {
    auto partition = ctx.services.replicas.get_partition(w.tp);
    if (partition && partition->log()->has_ongoing_transaction(w.producer_id)) continue;
    params.producer_id = w.producer_id;
    params.producer_epoch = w.producer_epoch;
    params.partitions.push_back(w.tp);
  }
  if (params.partitions.empty()) co_return refused;
  const std::vector<storage::TopicPartition> asked = params.partitions;
  coordinator::AddPartitionsResult result = co_await await_completion<coordinator::AddPartitionsResult>(
      [&](auto done) { ctx.services.txns.add_partitions(std::move(params), std::move(done)); });
  const std::map<storage::TopicPartition, ErrorCode> answers(result.partitions.begin(), result.partitions.end());
  for (const storage::TopicPartition& tp : asked) {
    auto it = answers.find(tp);
    const ErrorCode e = result.top_level != ErrorCode::NONE ? result.top_level
                        : it != answers.end()               ? it->second
                                                            : ErrorCode::UNKNOWN_SERVER_ERROR;
    if (Status s = produce_error(e); !s.ok()) refused[tp] = std::move(s);
  }
  co_return refused;
}

}  // namespace sluice::server
