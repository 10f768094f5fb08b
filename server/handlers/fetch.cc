// Fetch (key 1): reads each partition from its fetch offset, waits up to
// max_wait_ms for min_bytes (long poll), and answers with record data sent
// straight from the segment files. Versions 0-3 get their data
// down-converted to magic 0/1; sessions (KIP-227) from v7.
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "protocol/generated/fetch_request.h"
#include "protocol/generated/fetch_response.h"
#include "server/broker_services.h"
#include "server/fetch/fetch_plan.h"
#include "server/fetch/fetch_waiters.h"
#include "server/fetch/partition_reader.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using protocol::FetchRequest;
using protocol::FetchResponse;

constexpr std::int16_t code(protocol::ErrorCode e) { return static_cast<std::int16_t>(e); }

storage::FetchIsolation isolation_of(const FetchRequest& req, std::int16_t version) {
  if (version >= 4 && req.isolation_level == 1) return storage::FetchIsolation::kTxnCommitted;
  return storage::FetchIsolation::kHighWatermark;
}

// Reads every planned partition; waits while the answer is smaller than
// min_bytes, an append may still make it bigger, and max_wait_ms has not
// passed.
asio::awaitable<std::vector<PartitionRead>> read_with_long_poll(RequestContext& ctx, const FetchRequest& req,
                                                                const FetchPlan& plan, const ReadOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(req.max_wait_ms, 0));
  std::shared_ptr<FetchWaiter> waiter;
  const std::vector<storage::TopicPartition> watched = plan.topic_partitions();
  std::vector<PartitionRead> reads;
  for (;;) {
    if (waiter) waiter->reset();
    reads = read_partitions(ctx.services, plan.partitions, options);
    const ReadTotals totals = totals_of(reads);
    const bool satisfied = totals.bytes >= static_cast<std::uint64_t>(std::max(req.min_bytes, 0)) || totals.errors;
    if (satisfied || req.max_wait_ms <= 0 || watched.empty() || std::chrono::steady_clock::now() >= deadline) break;
    if (!waiter) {
      // Registered before the next read, so an append in between still wakes us.
      waiter = std::make_shared<FetchWaiter>(co_await asio::this_coro::executor);
      ctx.services.fetch_waiters.add(waiter, watched);
      continue;
    }
    if (!waiter->woken()) {
      asio::error_code ec;
      waiter->timer().expires_at(deadline);
      co_await waiter->timer().async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  if (waiter) ctx.services.fetch_waiters.remove(waiter, watched);
  co_return reads;
}

}  // namespace

asio::awaitable<FetchResponse> handle_fetch(RequestContext& ctx, FetchRequest& req) {
  const std::int16_t version = ctx.api_version();
  FetchResponse resp;
  protocol::Result<FetchPlan> plan = plan_fetch(ctx.services, req, version);
  if (!plan) {
    resp.error_code = code(plan.code());
    co_return resp;
  }
  ReadOptions options;
  options.isolation = isolation_of(req, version);
  options.max_bytes = version >= 3 ? static_cast<std::uint64_t>(std::max(req.max_bytes, 0)) : UINT64_MAX;
  // KIP-74: the first partition may return one batch above the limits, so
  // a consumer never stalls on a large batch (v0-v2 had hard limits).
  options.first_batch_may_exceed_limit = version >= 3;
  options.check_diverging_epoch = version >= 12;
  std::vector<PartitionRead> reads = co_await read_with_long_poll(ctx, req, *plan, options);

  resp.session_id = plan->session_id;
  build_fetch_response(ctx, version, *plan, reads, resp);
  finish_fetch_plan(ctx.services, *plan, reads);
  co_return resp;
}

}  // namespace sluice::server
