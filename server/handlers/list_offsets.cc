// ListOffsets (key 2): the earliest, latest or max-timestamp offset of each
// partition, or the first offset at or after a timestamp.
#include <set>

#include "protocol/generated/list_offsets_request.h"
#include "protocol/generated/list_offsets_response.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using protocol::ListOffsetsRequest;
using protocol::ListOffsetsResponse;

constexpr std::int16_t code(ErrorCode e) { return static_cast<std::int16_t>(e); }

}  // namespace

asio::awaitable<ListOffsetsResponse> handle_list_offsets(RequestContext& ctx, ListOffsetsRequest& req) {
  const std::int16_t version = ctx.api_version();
  const storage::FetchIsolation isolation = version >= 2 && req.isolation_level == 1
                                                ? storage::FetchIsolation::kTxnCommitted
                                                : storage::FetchIsolation::kHighWatermark;
  // A partition named twice is answered INVALID_REQUEST both times, as Kafka.
  std::set<storage::TopicPartition> seen;
  std::set<storage::TopicPartition> duplicates;
  for (const auto& topic : req.topics) {
    for (const auto& p : topic.partitions) {
      if (!seen.insert({topic.name, p.partition_index}).second) duplicates.insert({topic.name, p.partition_index});
    }
  }

  ListOffsetsResponse resp;
  for (const auto& topic : req.topics) {
    auto& t = resp.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& out = t.partitions.emplace_back();
      out.partition_index = p.partition_index;
      const storage::TopicPartition tp{topic.name, p.partition_index};
      if (duplicates.contains(tp)) {
        out.error_code = code(ErrorCode::INVALID_REQUEST);
        continue;
      }
      auto partition = ctx.services.replicas.partition_or_error(tp);
      if (!partition) {
        out.error_code = code(partition.code());
        continue;
      }
      const std::int32_t epoch = version >= 4 ? p.current_leader_epoch : storage::kNoLeaderEpochCheck;
      auto found = (*partition)->fetch_offset_for_timestamp(p.timestamp, isolation, epoch);
      if (!found) {
        out.error_code = code(found.code());
        continue;
      }
      if (version == 0) {
        // v0 answers a list of offsets (at most max_num_offsets).
        if (found->has_value() && p.max_num_offsets > 0) out.old_style_offsets.push_back((*found)->offset);
        continue;
      }
      if (found->has_value()) {
        out.timestamp = (*found)->timestamp;
        out.offset = (*found)->offset;
        if (version >= 4) out.leader_epoch = (*found)->leader_epoch;
      }
    }
  }
  co_return resp;
}

}  // namespace sluice::server
