// The reads of one Fetch: every partition from its fetch offset within the
// request's byte budget, as Kafka's ReplicaManager.readFromLog.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/result.h"
#include "server/fetch/fetch_session_cache.h"
#include "storage/epoch/leader_epoch_cache.h"
#include "storage/log/log_types.h"

namespace sluice::server {

struct BrokerServices;

struct ReadOptions {
  storage::FetchIsolation isolation = storage::FetchIsolation::kHighWatermark;
  std::uint64_t max_bytes = UINT64_MAX;  // the whole response
  bool first_batch_may_exceed_limit = true;
  bool check_diverging_epoch = false;  // KIP-320, Fetch v12+
};

struct PartitionRead {
  protocol::Status error;
  storage::LogReadResult data;
  // Set when the fetcher's last fetched epoch ends before its fetch offset
  // here: it must truncate (no records are returned then).
  std::optional<storage::EpochEndOffset> diverging;
  bool downconversion_enabled = true;
  // The topic's compression.type is zstd: Fetch before v10 is refused (KIP-110).
  bool zstd_topic = false;
};

std::vector<PartitionRead> read_partitions(BrokerServices& services, const std::vector<SessionPartition>& partitions,
                                           const ReadOptions& options);

struct ReadTotals {
  std::uint64_t bytes = 0;
  bool errors = false;
};
ReadTotals totals_of(const std::vector<PartitionRead>& reads);

// The bytes of a slice, read into memory (down-conversion, old clients).
protocol::Result<std::vector<std::uint8_t>> read_slice(const storage::FileSlice& slice);

}  // namespace sluice::server
