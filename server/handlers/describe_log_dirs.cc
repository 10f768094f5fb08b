// DescribeLogDirs (key 35): each log dir with the size of the partitions in
// it and, from v4, the disk's total and usable bytes.
#include <filesystem>
#include <map>
#include <set>

#include "protocol/generated/describe_log_dirs_request.h"
#include "protocol/generated/describe_log_dirs_response.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

using protocol::DescribeLogDirsRequest;
using protocol::DescribeLogDirsResponse;

asio::awaitable<DescribeLogDirsResponse> handle_describe_log_dirs(RequestContext& ctx, DescribeLogDirsRequest& req) {
  // Partitions asked for: all when the list is null.
  std::set<storage::TopicPartition> wanted;
  if (req.topics) {
    for (const auto& t : *req.topics) {
      for (std::int32_t p : t.partitions) wanted.insert({t.topic, p});
    }
  }
  std::map<std::filesystem::path, std::map<std::string, std::vector<std::pair<std::int32_t, std::int64_t>>>> by_dir;
  for (const auto& dir : ctx.services.logs.config().log_dirs) by_dir[dir];
  for (const auto& partition : ctx.services.replicas.all_partitions()) {
    const storage::TopicPartition& tp = partition->topic_partition();
    if (req.topics && !wanted.contains(tp)) continue;
    const auto& log = partition->log();
    by_dir[log->dir().parent_path()][tp.topic].emplace_back(tp.partition,
                                                            static_cast<std::int64_t>(log->size_in_bytes()));
  }
  DescribeLogDirsResponse resp;
  for (const auto& [dir, topics] : by_dir) {
    auto& r = resp.results.emplace_back();
    r.log_dir = std::filesystem::absolute(dir).lexically_normal().string();
    std::error_code ec;
    const auto space = std::filesystem::space(dir, ec);
    if (!ec) {
      r.total_bytes = static_cast<std::int64_t>(space.capacity);
      r.usable_bytes = static_cast<std::int64_t>(space.available);
    }
    for (const auto& [topic, partitions] : topics) {
      auto& t = r.topics.emplace_back();
      t.name = topic;
      for (const auto& [index, size] : partitions) {
        auto& p = t.partitions.emplace_back();
        p.partition_index = index;
        p.partition_size = size;
        p.offset_lag = 0;
      }
    }
  }
  co_return resp;
}

}  // namespace sluice::server
