// OffsetForLeaderEpoch (key 23): where a leader epoch ends in a partition's
// log, so consumers (KIP-320) and followers can detect a diverged log.
#include "protocol/generated/offset_for_leader_epoch_request.h"
#include "protocol/generated/offset_for_leader_epoch_response.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::OffsetForLeaderEpochRequest;
using protocol::OffsetForLeaderEpochResponse;

asio::awaitable<OffsetForLeaderEpochResponse> handle_offset_for_leader_epoch(RequestContext& ctx,
                                                                             OffsetForLeaderEpochRequest& req) {
  const std::int16_t version = ctx.api_version();
  OffsetForLeaderEpochResponse resp;
  for (const auto& topic : req.topics) {
    auto& t = resp.topics.emplace_back();
    t.topic = topic.topic;
    for (const auto& p : topic.partitions) {
      auto& out = t.partitions.emplace_back();
      out.partition = p.partition;
      auto partition = ctx.services.replicas.partition_or_error({topic.topic, p.partition});
      if (!partition) {
        out.error_code = static_cast<std::int16_t>(partition.code());
        continue;
      }
      const std::int32_t current = version >= 2 ? p.current_leader_epoch : storage::kNoLeaderEpochCheck;
      auto end = (*partition)->last_offset_for_leader_epoch(current, p.leader_epoch);
      if (!end) {
        out.error_code = static_cast<std::int16_t>(end.code());
        continue;
      }
      out.leader_epoch = end->epoch;
      out.end_offset = end->end_offset;
    }
  }
  co_return resp;
}

}  // namespace sluice::server
