// Which partitions a Fetch reads and which it answers for: the request's
// own list (full fetches), or the session's list updated by the request
// (KIP-227 incremental fetches), and what the session remembers afterwards.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/generated/fetch_request.h"
#include "protocol/generated/fetch_response.h"
#include "protocol/result.h"
#include "server/fetch/fetch_session_cache.h"
#include "server/fetch/partition_reader.h"
#include "server/request_context.h"

namespace sluice::server {

struct FetchPlan {
  std::vector<SessionPartition> partitions;     // read in this order
  std::int32_t session_id = kInvalidSessionId;  // returned to the client
  bool incremental = false;
  bool read_committed = false;

  std::vector<storage::TopicPartition> topic_partitions() const;
};

// FETCH_SESSION_ID_NOT_FOUND / INVALID_FETCH_SESSION_EPOCH as a top-level error.
protocol::Result<FetchPlan> plan_fetch(BrokerServices& services, const protocol::FetchRequest& req,
                                       std::int16_t version);

// Fills the response's topics and partitions: only those with news in an
// incremental session. Record data goes out as file ranges where the
// version allows, else in memory (magic 2 for v4-v9 without zstd, down-
// converted for v0-v3).
void build_fetch_response(RequestContext& ctx, std::int16_t version, const FetchPlan& plan,
                          const std::vector<PartitionRead>& reads, protocol::FetchResponse& resp);

// Records what the session's client now knows (high watermarks etc.).
void finish_fetch_plan(BrokerServices& services, const FetchPlan& plan, const std::vector<PartitionRead>& reads);

}  // namespace sluice::server
