// DescribeProducers (key 61, KIP-664): the idempotent and transactional
// producers a partition's leader remembers -- epoch, last sequence and
// timestamp, coordinator epoch and the start of an open transaction -- so
// operators can find a hanging transaction.
#include "protocol/generated/describe_producers_request.h"
#include "protocol/generated/describe_producers_response.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_requests.h"

namespace sluice::server {

using protocol::DescribeProducersRequest;
using protocol::DescribeProducersResponse;

asio::awaitable<DescribeProducersResponse> handle_describe_producers(RequestContext& ctx,
                                                                     DescribeProducersRequest& req) {
  DescribeProducersResponse resp;
  for (const auto& topic : req.topics) {
    auto& t = resp.topics.emplace_back();
    t.name = topic.name;
    for (std::int32_t index : topic.partition_indexes) {
      auto& p = t.partitions.emplace_back();
      p.partition_index = index;
      auto partition = ctx.services.replicas.partition_or_error({topic.name, index});
      if (!partition) {
        p.error_code = wire_code(partition.status().code);
        if (!partition.status().detail.empty()) p.error_message = partition.status().detail;
        continue;
      }
      for (const storage::ActiveProducer& a : (*partition)->log()->active_producers()) {
        auto& s = p.active_producers.emplace_back();
        s.producer_id = a.producer_id;
        s.producer_epoch = a.producer_epoch;
        s.last_sequence = a.last_sequence;
        s.last_timestamp = a.last_timestamp;
        s.coordinator_epoch = a.coordinator_epoch;
        s.current_txn_start_offset = a.current_txn_start_offset;
      }
    }
  }
  co_return resp;
}

}  // namespace sluice::server
