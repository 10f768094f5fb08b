// AddPartitionsToTxn (key 24): partitions join a producer's transaction
// before it writes to them. v0-3 come from producers, one transaction each;
// v4+ (KIP-890) batch transactions and come from brokers, which with
// verify_only ask whether a partition is already in the transaction before
// they append a transactional write to it.
#include <set>
#include <utility>

#include "coordinator/txn/transaction_coordinator.h"
#include "protocol/generated/add_partitions_to_txn_request.h"
#include "protocol/generated/add_partitions_to_txn_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_requests.h"

namespace sluice::server {
namespace {

using protocol::AddPartitionsToTxnRequest;
using protocol::AddPartitionsToTxnResponse;
using protocol::ErrorCode;
using Topic = AddPartitionsToTxnRequest::AddPartitionsToTxnTopic;
using TopicResult = AddPartitionsToTxnResponse::AddPartitionsToTxnTopicResult;

struct Transaction {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  bool verify_only = false;
  const std::vector<Topic>* topics = nullptr;
};

// One transaction's partitions. As Kafka: when a topic is unknown its
// partitions fail with UNKNOWN_TOPIC_OR_PARTITION, the others with
// OPERATION_NOT_ATTEMPTED, and the coordinator is not asked.
asio::awaitable<std::vector<TopicResult>> add(RequestContext& ctx, const Transaction& txn) {
  const auto image = ctx.services.image();
  std::map<std::pair<std::string, std::int32_t>, ErrorCode> errors;
  bool unknown = false;
  coordinator::AddPartitionsParams params;
  params.transactional_id = txn.transactional_id;
  params.producer_id = txn.producer_id;
  params.producer_epoch = txn.producer_epoch;
  params.verify_only = txn.verify_only;
  for (const Topic& topic : *txn.topics) {
    for (std::int32_t p : topic.partitions) {
      if (partition_exists(*image, topic.name, p)) {
        params.partitions.push_back({topic.name, p});
      } else {
        errors[{topic.name, p}] = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
        unknown = true;
      }
    }
  }
  if (unknown) {
    for (const auto& tp : params.partitions) errors[{tp.topic, tp.partition}] = ErrorCode::OPERATION_NOT_ATTEMPTED;
  } else {
    coordinator::AddPartitionsResult result = co_await await_completion<coordinator::AddPartitionsResult>(
        [&](auto done) { ctx.services.txns.add_partitions(std::move(params), std::move(done)); });
    for (const auto& [tp, error] : result.partitions) {
      errors[{tp.topic, tp.partition}] = result.top_level != ErrorCode::NONE ? result.top_level : error;
    }
  }
  std::vector<TopicResult> out;
  for (const Topic& topic : *txn.topics) {
    TopicResult& t = out.emplace_back();
    t.name = topic.name;
    for (std::int32_t p : topic.partitions) {
      auto& r = t.results_by_partition.emplace_back();
      r.partition_index = p;
      auto it = errors.find({topic.name, p});
      const ErrorCode e = it == errors.end() ? ErrorCode::UNKNOWN_SERVER_ERROR : it->second;
      r.partition_error_code = txn_wire_code(e, ctx.api_version(), 2);
    }
  }
  co_return out;
}

}  // namespace

asio::awaitable<AddPartitionsToTxnResponse> handle_add_partitions_to_txn(RequestContext& ctx,
                                                                         AddPartitionsToTxnRequest& req) {
  AddPartitionsToTxnResponse resp;
  if (ctx.api_version() < 4) {
    Transaction txn{req.v3_and_below_transactional_id, req.v3_and_below_producer_id, req.v3_and_below_producer_epoch,
                    false, &req.v3_and_below_topics};
    resp.results_by_topic_v3_and_below = co_await add(ctx, txn);
    co_return resp;
  }
  for (const auto& t : req.transactions) {
    Transaction txn{t.transactional_id, t.producer_id, t.producer_epoch, t.verify_only, &t.topics};
    auto& result = resp.results_by_transaction.emplace_back();
    result.transactional_id = t.transactional_id;
    result.topic_results = co_await add(ctx, txn);
  }
  co_return resp;
}

}  // namespace sluice::server
