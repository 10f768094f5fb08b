// The group coordinator's own cost, measured against the log it writes to.
//
// Offset commit: one partition's offset through GroupManager and
// OffsetsTopicStore (checks, OffsetCommitValue encoding, a batch with its
// CRC, the append through the replica manager) versus appending an
// already-built batch of the same record to the same kind of log. The ratio
// says what the coordinator adds to the append it cannot avoid.
//
// Rebalance: a group of N members joining and syncing (N JoinGroups, N
// SyncGroups, the group metadata written once), per member.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <string>

#include "bench/storage_bench_util.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/group/group_manager.h"
#include "coordinator/group/offsets_topic_store.h"
#include "protocol/records/record_batch_builder.h"
#include "storage/clock.h"
#include "storage/log/log_manager.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {
namespace {

// A broker's storage in a temporary directory, hosting __consumer_offsets.
struct Storage {
  explicit Storage(std::int32_t partitions) : dir("groups") {
    storage::LogManagerConfig config;
    config.log_dirs = {dir.path()};
    config.cleaner_enable = false;
    logs = std::move(storage::LogManager::open(config, clock)).value();
    (void)logs->load_logs([&](const std::string&) { return log_config; });
    replicas = std::make_unique<storage::ReplicaManager>(*logs);
    for (std::int32_t p = 0; p < partitions; ++p) {
      (void)replicas->become_leader({std::string(kConsumerOffsetsTopic), p}, {1, 1}, 0, log_config);
    }
  }
  ~Storage() { (void)logs->shutdown(); }

  bench::BenchDir dir;
  storage::SystemClock clock;
  std::shared_ptr<const storage::LogConfig> log_config = std::make_shared<const storage::LogConfig>();
  std::unique_ptr<storage::LogManager> logs;
  std::unique_ptr<storage::ReplicaManager> replicas;
};

GroupConfig bench_config() {
  GroupConfig config;
  config.offsets_topic_partitions = 1;
  config.initial_rebalance_delay_ms = 0;
  return config;
}

void BM_OffsetCommitThroughCoordinator(benchmark::State& state) {
  spdlog::set_level(spdlog::level::off);  // the report is JSON on stdout
  Storage storage(1);
  OffsetsTopicStore store(*storage.replicas, storage.clock);
  GroupManager manager(bench_config(), store, storage.clock);
  manager.finish_loading(0, {});
  CommitOffsetsParams params{"bench-group", -1, "", std::nullopt, -1, {{"orders", 3, 0, 5, std::nullopt, {}}}};
  for (auto _ : state) {
    ++params.offsets[0].offset;
    const auto result = manager.commit_offsets(params);
    if (result[0].error != ErrorCode::NONE) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OffsetCommitThroughCoordinator)->UseRealTime();

// The baseline: the same record, its batch built once, appended to the same log.
void BM_AppendSameRecordBatch(benchmark::State& state) {
  Storage storage(1);
  CommittedOffset value{1, 5, "", storage.clock.now_ms(), std::nullopt};
  const GroupRecord record = offset_commit_record({"bench-group", "orders", 3}, value);
  protocol::RecordBatchBuilder builder(protocol::BatchOptions{});
  builder.append(storage.clock.now_ms(), protocol::Bytes(record.key), protocol::Bytes(*record.value));
  const std::vector<std::uint8_t> batch = std::move(builder.build()).value();
  std::vector<std::uint8_t> copy;
  std::vector<storage::RecordError> errors;
  const storage::TopicPartition tp{std::string(kConsumerOffsetsTopic), 0};
  for (auto _ : state) {
    copy = batch;  // the append assigns offsets in place
    if (!storage.replicas->append(tp, copy, storage::AppendOrigin::kCoordinator, errors).ok()) {
      state.SkipWithError("append failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendSameRecordBatch)->UseRealTime();

void BM_RebalancePerMember(benchmark::State& state) {
  spdlog::set_level(spdlog::level::off);
  const auto members = static_cast<int>(state.range(0));
  Storage storage(1);
  OffsetsTopicStore store(*storage.replicas, storage.clock);
  const GroupProtocol range{"range", std::vector<std::uint8_t>(64, 1)};
  int round = 0;
  for (auto _ : state) {
    GroupManager manager(bench_config(), store, storage.clock);
    manager.finish_loading(0, {});
    const std::string group = "bench-" + std::to_string(round++);
    std::vector<std::string> ids;
    JoinGroupResult last;
    // Old-style joins (no KIP-394 round trip): all join, then the join phase ends.
    for (int m = 0; m < members; ++m) {
      JoinGroupParams p{group, "", std::nullopt, "consumer", {range}, 10000, 30000, "c", "/h", false, false, {}};
      manager.join_group(std::move(p), [&](JoinGroupResult r) { last = std::move(r); });
    }
    // An initial delay of 0 still takes a tick per window in which members arrived.
    while (manager.group(group)->is(GroupState::kPreparingRebalance)) manager.tick();
    for (const auto& [id, m] : manager.group(group)->members()) ids.push_back(id);
    std::vector<std::pair<std::string, Bytes>> assignment;
    for (const auto& id : ids) assignment.emplace_back(id, Bytes(32, 2));
    int synced = 0;
    for (const auto& id : ids) {
      const bool leader = manager.group(group)->is_leader(id);
      SyncGroupParams s{group,
                        manager.group(group)->generation(),
                        id,
                        std::nullopt,
                        {},
                        {},
                        leader ? assignment : std::vector<std::pair<std::string, Bytes>>{}};
      manager.sync_group(std::move(s), [&](SyncGroupResult r) { synced += r.error == ErrorCode::NONE; });
    }
    if (synced != members) state.SkipWithError("not every member got its assignment");
  }
  state.SetItemsProcessed(state.iterations() * members);
}
BENCHMARK(BM_RebalancePerMember)->Arg(10)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sluice::coordinator
