// FindCoordinator (key 10): the broker that coordinates a group or a
// transactional id -- the leader of its __consumer_offsets or
// __transaction_state partition; the topic is created on first use. v4+
// (KIP-699) looks up a batch of keys, each with its own error.
#include <optional>
#include <string>
#include <string_view>

#include "coordinator/controller/metadata_image.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/txn/transaction_coordinator.h"
#include "coordinator/txn/txn_state_store.h"
#include "protocol/generated/find_coordinator_request.h"
#include "protocol/generated/find_coordinator_response.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"
#include "server/internal_topics.h"
#include "server/metadata/broker_addresses.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using protocol::FindCoordinatorRequest;
using protocol::FindCoordinatorResponse;

// Kafka's CoordinatorType.
constexpr std::int8_t kGroupKey = 0;
constexpr std::int8_t kTransactionKey = 1;

// A coordinator's address; Kafka's Node.noNode() with an error.
struct Found {
  ErrorCode error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
  std::int32_t node_id = -1;
  std::string host;
  std::int32_t port = -1;
};

// The leader of the key's partition of `internal_topic` at its address on
// the listener this request came through. Kafka answers the leader even
// while it is still loading the partition: the client then retries there.
template <class PartitionFor>
Found coordinator_of(const RequestContext& ctx, std::string_view internal_topic, std::string_view key,
                     PartitionFor partition_for) {
  const auto image = ctx.services.image();
  const coordinator::TopicImage* topic = image->topic(internal_topic);
  if (topic == nullptr || topic->partitions.empty()) return {};
  const std::int32_t partition = partition_for(key, static_cast<std::int32_t>(topic->partitions.size()));
  auto it = topic->partitions.find(partition);
  if (it == topic->partitions.end() || it->second.leader < 0) return {};
  for (const BrokerAddress& b : broker_addresses(ctx, *image)) {
    if (b.id == it->second.leader && !b.host.empty()) return {ErrorCode::NONE, b.id, b.host, b.port};
  }
  return {};  // the leader is fenced or has no endpoint on this listener
}

Found find(const RequestContext& ctx, std::int8_t key_type, std::string_view key,
           const protocol::Status& internal_topic) {
  if (!internal_topic.ok() && (key_type == kGroupKey || key_type == kTransactionKey)) return {};
  switch (key_type) {
    case kGroupKey:
      return coordinator_of(ctx, coordinator::kConsumerOffsetsTopic, key, [](std::string_view k, std::int32_t n) {
        return coordinator::GroupCoordinator::partition_for(k, n);
      });
    case kTransactionKey:
      return coordinator_of(ctx, coordinator::kTransactionStateTopic, key, [](std::string_view k, std::int32_t n) {
        return coordinator::TransactionCoordinator::partition_for(k, n);
      });
    default:
      return {ErrorCode::INVALID_REQUEST, -1, "", -1};
  }
}

std::optional<std::string> message_of(ErrorCode e) {
  if (e == ErrorCode::NONE) return std::nullopt;
  return std::string(protocol::error_message(e));
}

}  // namespace

asio::awaitable<FindCoordinatorResponse> handle_find_coordinator(RequestContext& ctx, FindCoordinatorRequest& req) {
  const std::int16_t version = ctx.api_version();
  const bool batched = version >= 4;
  // v0 has no key type: it always asks for a group's coordinator.
  const std::int8_t key_type = version >= 1 ? req.key_type : kGroupKey;
  protocol::Status internal_topic;
  if (!batched || !req.coordinator_keys.empty()) {
    if (key_type == kGroupKey) internal_topic = co_await ensure_offsets_topic(ctx);
    if (key_type == kTransactionKey) internal_topic = co_await ensure_transaction_state_topic(ctx);
  }

  FindCoordinatorResponse resp;
  if (!batched) {
    Found f = find(ctx, key_type, req.key, internal_topic);
    resp.error_code = wire_code(f.error);
    if (version >= 1) resp.error_message = message_of(f.error);
    resp.node_id = f.node_id;
    resp.host = std::move(f.host);
    resp.port = f.port;
    co_return resp;
  }
  for (const std::string& key : req.coordinator_keys) {
    Found f = find(ctx, key_type, key, internal_topic);
    auto& c = resp.coordinators.emplace_back();
    c.key = key;
    c.error_code = wire_code(f.error);
    c.error_message = message_of(f.error);
    c.node_id = f.node_id;
    c.host = std::move(f.host);
    c.port = f.port;
  }
  co_return resp;
}

}  // namespace sluice::server
