#include "coordinator/group/group_coordinator.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "coordinator/common/event_queue.h"
#include "coordinator/common/manager_runner.h"
#include "coordinator/group/group_loader.h"
#include "coordinator/group/group_manager.h"
#include "coordinator/group/group_partitioner.h"
#include "coordinator/group/offsets_topic_store.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {

class GroupCoordinator::Impl {
 public:
  Impl(GroupConfig config, storage::ReplicaManager& replicas, const storage::Clock& clock)
      : replicas_(replicas),
        clock_(clock),
        store_(replicas, clock),
        manager_(config, store_, clock),
        runner_(manager_, queue_, clock) {
    runner_.schedule_periodic(manager_.config().offsets_retention_check_interval_ms,
                              [](GroupManager& m) { m.expire_offsets(); });
  }

  template <class Task, class Refused>
  void run(Task task, Refused refused) {
    runner_.run(std::move(task), std::move(refused));
  }

  void load(std::int32_t partition) {
    manager_.begin_loading(partition);
    run(
        [this, partition](GroupManager& m) {
          auto p = replicas_.get_partition({std::string(kConsumerOffsetsTopic), partition});
          if (!p) {
            m.unload(partition);
            return;
          }
          const auto started = clock_.now_ms();
          m.drop_groups(partition);  // a new leader epoch: what we held is stale
          auto loaded = load_groups(*p->log());
          if (!loaded.ok()) {
            // Kafka leaves the partition unloaded; its groups get NOT_COORDINATOR.
            spdlog::error("loading {}-{}: {}", kConsumerOffsetsTopic, partition, loaded.status().detail);
            m.unload(partition);
            return;
          }
          const std::size_t groups = loaded->groups.size();
          m.finish_loading(partition, std::move(loaded).value());
          spdlog::info("Finished loading offsets and group metadata from {}-{} in {} ms ({} groups)",
                       kConsumerOffsetsTopic, partition, clock_.now_ms() - started, groups);
        },
        [] {});
  }

  storage::ReplicaManager& replicas_;
  const storage::Clock& clock_;
  OffsetsTopicStore store_;
  GroupManager manager_;
  ManagerRunner<GroupManager> runner_;
  EventQueue queue_;  // last: its thread stops before the rest goes
};

GroupCoordinator::GroupCoordinator(GroupConfig config, storage::ReplicaManager& replicas, const storage::Clock& clock)
    : impl_(std::make_unique<Impl>(config, replicas, clock)) {}

GroupCoordinator::~GroupCoordinator() { shutdown(); }

std::int32_t GroupCoordinator::partition_for(std::string_view group_id, std::int32_t partitions) {
  return group_partition(group_id, partitions);
}

std::int32_t GroupCoordinator::partition_for(std::string_view group_id) const {
  return impl_->manager_.partition_for(group_id);
}

void GroupCoordinator::set_partition_count(std::int32_t partitions) { impl_->manager_.set_partition_count(partitions); }

void GroupCoordinator::on_election(std::int32_t partition, std::int32_t /*epoch*/) { impl_->load(partition); }

void GroupCoordinator::on_resignation(std::int32_t partition) {
  impl_->run([partition](GroupManager& m) { m.unload(partition); }, [] {});
}

ErrorCode GroupCoordinator::status_of(std::string_view group_id) const { return impl_->manager_.status_of(group_id); }

void GroupCoordinator::join_group(JoinGroupParams params, std::function<void(JoinGroupResult)> done) {
  auto refused = [done, id = params.member_id] {
    JoinGroupResult r;
    r.error = ErrorCode::NOT_COORDINATOR;
    r.member_id = id;
    done(std::move(r));
  };
  impl_->run([params = std::move(params), done](GroupManager& m) mutable { m.join_group(std::move(params), done); },
             refused);
}

void GroupCoordinator::sync_group(SyncGroupParams params, std::function<void(SyncGroupResult)> done) {
  auto refused = [done] {
    SyncGroupResult r;
    r.error = ErrorCode::NOT_COORDINATOR;
    done(std::move(r));
  };
  impl_->run([params = std::move(params), done](GroupManager& m) mutable { m.sync_group(std::move(params), done); },
             refused);
}

void GroupCoordinator::heartbeat(HeartbeatParams params, std::function<void(ErrorCode)> done) {
  impl_->run([params = std::move(params), done](GroupManager& m) { done(m.heartbeat(params)); },
             [done] { done(ErrorCode::NOT_COORDINATOR); });
}

void GroupCoordinator::leave_group(LeaveGroupParams params, std::function<void(LeaveGroupResult)> done) {
  impl_->run([params = std::move(params), done](GroupManager& m) { done(m.leave_group(params)); },
             [done] {
               LeaveGroupResult r;
               r.error = ErrorCode::NOT_COORDINATOR;
               done(std::move(r));
             });
}

void GroupCoordinator::commit_offsets(CommitOffsetsParams params,
                                      std::function<void(std::vector<PartitionError>)> done) {
  auto refused = [done, params] {
    std::vector<PartitionError> r;
    for (const auto& o : params.offsets) r.push_back({o.topic, o.partition, ErrorCode::NOT_COORDINATOR});
    done(std::move(r));
  };
  impl_->run([params, done](GroupManager& m) { done(m.commit_offsets(params)); }, refused);
}

void GroupCoordinator::txn_commit_offsets(TxnCommitOffsetsParams params,
                                          std::function<void(std::vector<PartitionError>)> done) {
  auto refused = [done, params] {
    std::vector<PartitionError> r;
    for (const auto& o : params.offsets) r.push_back({o.topic, o.partition, ErrorCode::NOT_COORDINATOR});
    done(std::move(r));
  };
  impl_->run([params, done](GroupManager& m) { done(m.txn_commit_offsets(params)); }, refused);
}

void GroupCoordinator::complete_transaction(std::int32_t offsets_partition, std::int64_t producer_id, bool commit,
                                            std::function<void()> done) {
  // Refused after shutdown: the next leader replays the marker from the log.
  impl_->run(
      [offsets_partition, producer_id, commit, done](GroupManager& m) {
        m.complete_transaction(offsets_partition, producer_id, commit);
        done();
      },
      done);
}

void GroupCoordinator::fetch_offsets(FetchOffsetsParams params, std::function<void(FetchOffsetsResult)> done) {
  impl_->run([params = std::move(params), done](GroupManager& m) { done(m.fetch_offsets(params)); },
             [done] {
               FetchOffsetsResult r;
               r.error = ErrorCode::NOT_COORDINATOR;
               done(std::move(r));
             });
}

void GroupCoordinator::list_groups(std::vector<std::string> states, std::vector<std::string> types,
                                   std::function<void(ListGroupsResult)> done) {
  impl_->run([states = std::move(states), types = std::move(types),
              done](GroupManager& m) { done(m.list_groups(states, types)); },
             [done] {
               ListGroupsResult r;
               r.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
               done(std::move(r));
             });
}

void GroupCoordinator::describe_groups(std::vector<std::string> group_ids,
                                       std::function<void(std::vector<DescribedGroup>)> done) {
  auto refused = [done, group_ids] {
    std::vector<DescribedGroup> r;
    for (const auto& id : group_ids) {
      auto& d = r.emplace_back();
      d.group_id = id;
      d.error = ErrorCode::NOT_COORDINATOR;
    }
    done(std::move(r));
  };
  impl_->run([group_ids, done](GroupManager& m) { done(m.describe_groups(group_ids)); }, refused);
}

void GroupCoordinator::delete_groups(std::vector<std::string> group_ids,
                                     std::function<void(std::vector<ErrorCode>)> done) {
  auto refused = [done, n = group_ids.size()] { done(std::vector<ErrorCode>(n, ErrorCode::NOT_COORDINATOR)); };
  impl_->run([group_ids = std::move(group_ids), done](GroupManager& m) { done(m.delete_groups(group_ids)); }, refused);
}

void GroupCoordinator::delete_offsets(DeleteOffsetsParams params, std::function<void(DeleteOffsetsResult)> done) {
  impl_->run([params = std::move(params), done](GroupManager& m) { done(m.delete_offsets(params)); },
             [done] {
               DeleteOffsetsResult r;
               r.error = ErrorCode::NOT_COORDINATOR;
               done(std::move(r));
             });
}

void GroupCoordinator::shutdown() {
  if (!impl_) return;
  // Waiting joins and syncs are answered, then the thread stops.
  impl_->queue_.submit([this] { impl_->manager_.shutdown(); });
  impl_->queue_.close();
}

}  // namespace sluice::coordinator
