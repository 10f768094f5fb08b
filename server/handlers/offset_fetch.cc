// OffsetFetch (key 9): a group's committed offsets, of the requested
// partitions or (topics null, v2+) of every partition it committed. v8+
// (KIP-709) asks for several groups, each answered with its own error.
// Nothing committed reads as offset -1 with empty metadata.
#include <algorithm>
#include <optional>
#include <vector>

#include "coordinator/group/group_coordinator.h"
#include "protocol/generated/offset_fetch_request.h"
#include "protocol/generated/offset_fetch_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/group_requests.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using coordinator::FetchedOffset;
using coordinator::FetchOffsetsResult;
using protocol::ErrorCode;
using protocol::OffsetFetchRequest;
using protocol::OffsetFetchResponse;

// Both request layouts (v0-7 and v8+ groups) name topics the same way.
template <class Topic>
std::optional<std::vector<coordinator::TopicPartitions>> to_coordinator(
    const std::optional<std::vector<Topic>>& topics) {
  if (!topics) return std::nullopt;
  std::vector<coordinator::TopicPartitions> out;
  for (const Topic& t : *topics) out.push_back({t.name, t.partition_indexes});
  return out;
}

// The coordinator's offsets grouped by topic, in the order it answered them.
// Both response layouts (v0-7 and v8+ groups) have the same fields.
template <class Topic>
void add_offsets(const std::vector<FetchedOffset>& offsets, bool with_epoch, std::vector<Topic>& out) {
  for (const FetchedOffset& o : offsets) {
    auto topic = std::find_if(out.begin(), out.end(), [&](const Topic& t) { return t.name == o.topic; });
    if (topic == out.end()) {
      topic = out.emplace(out.end());
      topic->name = o.topic;
    }
    auto& p = topic->partitions.emplace_back();
    p.partition_index = o.partition;
    p.committed_offset = o.offset;
    if (with_epoch) p.committed_leader_epoch = o.leader_epoch;
    p.metadata = o.metadata;
    p.error_code = wire_code(o.error);
  }
}

asio::awaitable<FetchOffsetsResult> fetch(RequestContext& ctx, coordinator::FetchOffsetsParams params) {
  co_return co_await await_completion<FetchOffsetsResult>(
      [&](auto done) { ctx.services.groups.fetch_offsets(std::move(params), std::move(done)); });
}

}  // namespace

asio::awaitable<OffsetFetchResponse> handle_offset_fetch(RequestContext& ctx, OffsetFetchRequest& req) {
  const std::int16_t version = ctx.api_version();
  OffsetFetchResponse resp;
  if (version >= 8) {
    for (const auto& group : req.groups) {
      coordinator::FetchOffsetsParams params{group.group_id, to_coordinator(group.topics), req.require_stable};
      FetchOffsetsResult r = co_await fetch(ctx, std::move(params));
      auto& out = resp.groups.emplace_back();
      out.group_id = group.group_id;
      out.error_code = wire_code(r.error);
      if (r.error == ErrorCode::NONE) add_offsets(r.offsets, true, out.topics);
    }
    co_return resp;
  }

  coordinator::FetchOffsetsParams params{req.group_id, to_coordinator(req.topics), req.require_stable};
  FetchOffsetsResult r = co_await fetch(ctx, std::move(params));
  if (r.error == ErrorCode::NONE) {
    add_offsets(r.offsets, version >= 5, resp.topics);
  } else if (version >= 2) {
    resp.error_code = wire_code(r.error);
  } else if (req.topics) {
    // v0-1 have no group-level error: every requested partition carries it.
    for (const auto& topic : *req.topics) {
      auto& t = resp.topics.emplace_back();
      t.name = topic.name;
      for (std::int32_t index : topic.partition_indexes) {
        auto& p = t.partitions.emplace_back();
        p.partition_index = index;
        p.committed_offset = -1;
        p.metadata = "";
        p.error_code = wire_code(r.error);
      }
    }
  }
  co_return resp;
}

}  // namespace sluice::server
