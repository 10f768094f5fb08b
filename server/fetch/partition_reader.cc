#include "server/fetch/partition_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/broker_services.h"

namespace sluice::server {

using protocol::ErrorCode;

std::vector<PartitionRead> read_partitions(BrokerServices& services, const std::vector<SessionPartition>& partitions,
                                           const ReadOptions& options) {
  std::vector<PartitionRead> reads(partitions.size());
  std::uint64_t budget = options.max_bytes;
  bool min_one_message = options.first_batch_may_exceed_limit;
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    const SessionPartition& sp = partitions[i];
    PartitionRead& out = reads[i];
    if (sp.tp.topic.empty()) {
      out.error = {ErrorCode::UNKNOWN_TOPIC_ID, {}};
      continue;
    }
    auto partition = services.replicas.partition_or_error(sp.tp);
    if (!partition) {
      out.error = partition.status();
      continue;
    }
    const auto config = (*partition)->log()->config();
    out.downconversion_enabled = config->message_downconversion_enable;
    out.zstd_topic = config->compression_type == storage::BrokerCompressionType::kZstd;
    if (options.check_diverging_epoch && sp.last_fetched_epoch >= 0) {
      auto end = (*partition)->last_offset_for_leader_epoch(sp.current_leader_epoch, sp.last_fetched_epoch);
      if (!end) {
        out.error = end.status();
        continue;
      }
      if (end->epoch < sp.last_fetched_epoch || end->end_offset < sp.fetch_offset) {
        out.diverging = *end;
        auto log = (*partition)->log();
        out.data.high_watermark = log->high_watermark();
        out.data.last_stable_offset = log->last_stable_offset();
        out.data.log_start_offset = log->log_start_offset();
        continue;
      }
    }
    const std::uint64_t limit = std::min<std::uint64_t>(budget, static_cast<std::uint64_t>(std::max(sp.max_bytes, 0)));
    auto data = (*partition)->read(sp.fetch_offset, limit, options.isolation, min_one_message, sp.current_leader_epoch);
    if (!data) {
      out.error = data.status();
      continue;
    }
    out.data = std::move(*data);
    const std::uint64_t got = out.data.records.length;
    if (got > 0) min_one_message = false;
    budget = got >= budget ? 0 : budget - got;
  }
  return reads;
}

ReadTotals totals_of(const std::vector<PartitionRead>& reads) {
  ReadTotals t;
  for (const PartitionRead& r : reads) {
    t.bytes += r.data.records.length;
    t.errors = t.errors || !r.error.ok() || r.diverging.has_value();
  }
  return t;
}

protocol::Result<std::vector<std::uint8_t>> read_slice(const storage::FileSlice& slice) {
  std::vector<std::uint8_t> out(slice.length);
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(slice.file->fd(), out.data() + done, out.size() - done, static_cast<off_t>(slice.position + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return {ErrorCode::KAFKA_STORAGE_ERROR, std::string("read: ") + std::strerror(errno)};
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

}  // namespace sluice::server
