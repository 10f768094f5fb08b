// DeleteRecords (key 21): moves partitions' log start offsets up; the
// segments below go at the next retention pass.
#include "protocol/generated/delete_records_request.h"
#include "protocol/generated/delete_records_response.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::DeleteRecordsRequest;
using protocol::DeleteRecordsResponse;

asio::awaitable<DeleteRecordsResponse> handle_delete_records(RequestContext& ctx, DeleteRecordsRequest& req) {
  DeleteRecordsResponse resp;
  for (const auto& topic : req.topics) {
    auto& t = resp.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& out = t.partitions.emplace_back();
      out.partition_index = p.partition_index;
      out.low_watermark = -1;
      auto partition = ctx.services.replicas.partition_or_error({topic.name, p.partition_index});
      if (!partition) {
        out.error_code = static_cast<std::int16_t>(partition.code());
        continue;
      }
      auto start = (*partition)->delete_records_before(p.offset);
      if (!start) {
        out.error_code = static_cast<std::int16_t>(start.code());
        continue;
      }
      out.low_watermark = *start;
    }
  }
  co_return resp;
}

}  // namespace sluice::server
