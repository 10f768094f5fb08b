// Kafka's internal topics, created the first time a client needs one (as
// Kafka's AutoTopicCreationManager does when FindCoordinator finds none).
#pragma once

#include <asio/awaitable.hpp>

#include "protocol/result.h"
#include "server/request_context.h"

namespace sluice::server {

// Create __consumer_offsets (for groups) or __transaction_state (for
// transactional ids) when the metadata image lacks it, then tell the
// coordinator its partition count. A concurrent creation counts as success;
// any other failure of the creation is returned.
asio::awaitable<protocol::Status> ensure_offsets_topic(RequestContext& ctx);
asio::awaitable<protocol::Status> ensure_transaction_state_topic(RequestContext& ctx);

}  // namespace sluice::server
