#include "coordinator/txn/transaction_coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <utility>

#include "coordinator/common/event_queue.h"
#include "coordinator/common/manager_runner.h"
#include "coordinator/group/group_partitioner.h"
#include "coordinator/txn/transaction_state_topic_store.h"
#include "coordinator/txn/txn_loader.h"
#include "coordinator/txn/txn_manager.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {

namespace {

// Hands tasks from any thread to the coordinator's queue; drops them once
// the coordinator has shut down (it may be gone by then).
class Poster {
 public:
  using Submit = std::function<bool(EventQueue::Task)>;
  void open(Submit submit) {
    std::lock_guard lock(mutex_);
    submit_ = std::move(submit);
  }
  void close() {
    std::lock_guard lock(mutex_);
    submit_ = nullptr;
  }
  void post(EventQueue::Task task) {
    std::lock_guard lock(mutex_);
    if (submit_) submit_(std::move(task));
  }

 private:
  std::mutex mutex_;
  Submit submit_;
};

// The controller's answers, back on the coordinator thread.
class PostingProducerIdSource final : public ProducerIdSource {
 public:
  PostingProducerIdSource(ProducerIdSource& inner, std::shared_ptr<Poster> poster)
      : inner_(inner), poster_(std::move(poster)) {}
  void allocate_block(std::function<void(protocol::Result<ProducerIdBlock>)> done) override {
    inner_.allocate_block([poster = poster_, done = std::move(done)](protocol::Result<ProducerIdBlock> block) {
      poster->post([done, block] { done(block); });
    });
  }

 private:
  ProducerIdSource& inner_;
  std::shared_ptr<Poster> poster_;
};

// The marker writer's answers, back on the coordinator thread.
class PostingMarkerWriter final : public TxnMarkerWriter {
 public:
  PostingMarkerWriter(TxnMarkerWriter& inner, std::shared_ptr<Poster> poster)
      : inner_(inner), poster_(std::move(poster)) {}
  void write_markers(TxnMarkerRequest request, std::function<void(std::vector<MarkerResult>)> done) override {
    inner_.write_markers(std::move(request),
                         [poster = poster_, done = std::move(done)](std::vector<MarkerResult> results) {
                           poster->post([done, results = std::move(results)] { done(results); });
                         });
  }

 private:
  TxnMarkerWriter& inner_;
  std::shared_ptr<Poster> poster_;
};

}  // namespace

class TransactionCoordinator::Impl {
 public:
  Impl(TxnConfig config, storage::ReplicaManager& replicas, const storage::Clock& clock, ProducerIdSource& producer_ids,
       TxnMarkerWriter& markers)
      : replicas_(replicas),
        clock_(clock),
        poster_(std::make_shared<Poster>()),
        producer_ids_(producer_ids, poster_),
        markers_(markers, poster_),
        store_(replicas, clock),
        manager_(config, store_, clock, producer_ids_, markers_),
        runner_(manager_, queue_, clock) {
    poster_->open([this](EventQueue::Task task) { return runner_.submit(std::move(task)); });
    run([](TxnManager& m) { m.prefetch_producer_ids(); }, [] {});
    runner_.schedule_periodic(manager_.config().abort_timed_out_interval_ms,
                              [](TxnManager& m) { m.abort_timed_out_transactions(); });
    runner_.schedule_periodic(manager_.config().remove_expired_interval_ms,
                              [](TxnManager& m) { m.expire_transactional_ids(); });
  }

  template <class Task, class Refused>
  void run(Task task, Refused refused) {
    runner_.run(std::move(task), std::move(refused));
  }

  void load(std::int32_t partition, std::int32_t coordinator_epoch) {
    manager_.begin_loading(partition, coordinator_epoch);
    run(
        [this, partition, coordinator_epoch](TxnManager& m) {
          const storage::TopicPartition tp{std::string(kTransactionStateTopic), partition};
          auto p = replicas_.get_partition(tp);
          if (!p) {
            spdlog::warn("cannot load {}: not hosted here", tp.to_string());
            m.abandon_loading(partition, coordinator_epoch);
            return;
          }
          const std::int64_t started = clock_.now_ms();
          auto loaded = load_txns(*p->log());
          if (!loaded.ok()) {
            // As Kafka: the partition stays unloaded; its ids get NOT_COORDINATOR.
            spdlog::error("loading {}: {}", tp.to_string(), loaded.status().detail);
            m.abandon_loading(partition, coordinator_epoch);
            return;
          }
          const std::size_t ids = loaded->size();
          m.finish_loading(partition, coordinator_epoch, std::move(loaded).value());
          spdlog::info("Finished loading {} transaction metadata from {} in {} ms (coordinator epoch {})", ids,
                       tp.to_string(), clock_.now_ms() - started, coordinator_epoch);
        },
        [] {});
  }

  storage::ReplicaManager& replicas_;
  const storage::Clock& clock_;
  std::shared_ptr<Poster> poster_;
  PostingProducerIdSource producer_ids_;
  PostingMarkerWriter markers_;
  TransactionStateTopicStore store_;
  TxnManager manager_;
  ManagerRunner<TxnManager> runner_;
  EventQueue queue_;  // last: its thread stops before the rest goes
};

TransactionCoordinator::TransactionCoordinator(TxnConfig config, storage::ReplicaManager& replicas,
                                               const storage::Clock& clock, ProducerIdSource& producer_ids,
                                               TxnMarkerWriter& markers)
    : impl_(std::make_unique<Impl>(config, replicas, clock, producer_ids, markers)) {}

TransactionCoordinator::~TransactionCoordinator() { shutdown(); }

std::int32_t TransactionCoordinator::partition_for(std::string_view transactional_id, std::int32_t partitions) {
  return group_partition(transactional_id, partitions);
}

std::int32_t TransactionCoordinator::partition_for(std::string_view transactional_id) const {
  return impl_->manager_.partition_for(transactional_id);
}

void TransactionCoordinator::set_partition_count(std::int32_t partitions) {
  impl_->manager_.set_partition_count(partitions);
}

void TransactionCoordinator::on_election(std::int32_t partition, std::int32_t coordinator_epoch) {
  spdlog::info("Elected as the transaction coordinator for partition {} at epoch {}", partition, coordinator_epoch);
  impl_->load(partition, coordinator_epoch);
}

void TransactionCoordinator::on_resignation(std::int32_t partition) {
  spdlog::info("Resigned as the transaction coordinator for partition {}", partition);
  impl_->run([partition](TxnManager& m) { m.unload(partition); }, [] {});
}

ErrorCode TransactionCoordinator::status_of(std::string_view transactional_id) const {
  return impl_->manager_.status_of(transactional_id);
}

void TransactionCoordinator::init_producer_id(InitProducerIdParams params,
                                              std::function<void(InitProducerIdResult)> done) {
  impl_->run([params = std::move(params), done](TxnManager& m) mutable { m.init_producer_id(std::move(params), done); },
             [done] {
               done(InitProducerIdResult{ErrorCode::NOT_COORDINATOR, -1, -1});
             });
}

void TransactionCoordinator::add_partitions(AddPartitionsParams params, std::function<void(AddPartitionsResult)> done) {
  auto refused = [done, params] {
    AddPartitionsResult r;
    r.top_level = ErrorCode::NOT_COORDINATOR;
    for (const auto& tp : params.partitions) r.partitions.emplace_back(tp, ErrorCode::NOT_COORDINATOR);
    done(std::move(r));
  };
  impl_->run([params, done](TxnManager& m) { done(m.add_partitions(params)); }, refused);
}

void TransactionCoordinator::end_txn(std::string transactional_id, std::int64_t producer_id,
                                     std::int16_t producer_epoch, bool commit, std::function<void(ErrorCode)> done) {
  impl_->run([transactional_id = std::move(transactional_id), producer_id, producer_epoch, commit,
              done](TxnManager& m) { done(m.end_txn(transactional_id, producer_id, producer_epoch, commit)); },
             [done] { done(ErrorCode::NOT_COORDINATOR); });
}

void TransactionCoordinator::describe_transactions(std::vector<std::string> transactional_ids,
                                                   std::function<void(std::vector<DescribedTxn>)> done) {
  auto refused = [done, transactional_ids] {
    std::vector<DescribedTxn> r;
    for (const auto& id : transactional_ids) {
      auto& d = r.emplace_back();
      d.transactional_id = id;
      d.error = ErrorCode::NOT_COORDINATOR;
    }
    done(std::move(r));
  };
  impl_->run([transactional_ids, done](TxnManager& m) { done(m.describe_transactions(transactional_ids)); }, refused);
}

void TransactionCoordinator::list_transactions(std::vector<std::string> state_filters,
                                               std::vector<std::int64_t> producer_id_filters,
                                               std::int64_t duration_filter_ms,
                                               std::function<void(ListTxnsResult)> done) {
  impl_->run([state_filters = std::move(state_filters), producer_id_filters = std::move(producer_id_filters),
              duration_filter_ms, done](
                 TxnManager& m) { done(m.list_transactions(state_filters, producer_id_filters, duration_filter_ms)); },
             [done] {
               ListTxnsResult r;
               r.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
               done(std::move(r));
             });
}

void TransactionCoordinator::shutdown() {
  if (!impl_) return;
  // Waiting InitProducerIds are answered, then the thread stops; answers
  // from the controller or marker writer arriving later are dropped.
  impl_->queue_.submit([this] { impl_->manager_.shutdown(); });
  impl_->queue_.close();
  impl_->poster_->close();
}

}  // namespace sluice::coordinator
