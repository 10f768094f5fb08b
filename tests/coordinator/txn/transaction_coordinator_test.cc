// The transaction coordinator on its own thread and a real
// __transaction_state log: answers from the marker writer come from another
// thread, timers abort timed-out transactions, and a coordinator started on
// the log a stopped one left finishes its half-ended commit.
#include "coordinator/txn/transaction_coordinator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "coordinator/txn/txn_loader.h"
#include "coordinator/txn/txn_state_store.h"
#include "storage/clock.h"
#include "storage/log/log_manager.h"
#include "storage/partition/replica_manager.h"
#include "tests/coordinator/common/hosted_logs.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::coordinator {
namespace {

using namespace std::chrono_literals;
using protocol::ErrorCode;
using storage::TopicPartition;

// Blocks of 1000 ids, answered at once (the coordinator posts the answer to
// its thread) unless told to hold them.
class ImmediateProducerIds final : public ProducerIdSource {
 public:
  void allocate_block(std::function<void(protocol::Result<ProducerIdBlock>)> done) override {
    std::lock_guard lock(mutex_);
    if (hold) {
      held_.push_back(std::move(done));
      return;
    }
    done(ProducerIdBlock{next_, 1000});
    next_ += 1000;
  }
  bool hold = false;

 private:
  std::mutex mutex_;
  std::int64_t next_ = 0;
  std::vector<std::function<void(protocol::Result<ProducerIdBlock>)>> held_;
};

// Keeps the calls for the test thread to answer.
class BlockingMarkerWriter final : public TxnMarkerWriter {
 public:
  struct Call {
    TxnMarkerRequest request;
    std::function<void(std::vector<MarkerResult>)> done;
  };
  void write_markers(TxnMarkerRequest request, std::function<void(std::vector<MarkerResult>)> done) override {
    {
      std::lock_guard lock(mutex_);
      calls_.push_back({std::move(request), std::move(done)});
    }
    cv_.notify_all();
  }
  std::optional<Call> next_call(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return !calls_.empty(); })) return std::nullopt;
    Call c = std::move(calls_.front());
    calls_.erase(calls_.begin());
    return c;
  }
  static void answer(const Call& c, ErrorCode e = ErrorCode::NONE) {
    std::vector<MarkerResult> results;
    for (const auto& tp : c.request.partitions) results.push_back({tp, e});
    c.done(std::move(results));
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Call> calls_;
};

template <class T, class Start>
T call(Start start) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  start([promise](T value) { promise->set_value(std::move(value)); });
  if (future.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "no answer";
    return T{};
  }
  return future.get();
}

class TransactionCoordinatorTest : public testing::HostedLogsTest<storage::SystemClock> {
 protected:
  void SetUp() override {
    HostedLogsTest::SetUp();
    config_.state_log_partitions = 1;
  }
  void TearDown() override {
    coordinator_.reset();
    HostedLogsTest::TearDown();
  }

  // A coordinator leading __transaction_state-0 at `epoch`, loaded.
  void start(std::int32_t epoch) {
    ASSERT_TRUE(replicas_->become_leader(tp_, {1, 1}, epoch, log_config_).ok());
    coordinator_ = std::make_unique<TransactionCoordinator>(config_, *replicas_, clock_, ids_, markers_);
    coordinator_->on_election(0, epoch);
    for (int i = 0; i < 500 && coordinator_->status_of("t") != ErrorCode::NONE; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(coordinator_->status_of("t"), ErrorCode::NONE);
  }

  InitProducerIdResult init(std::int32_t timeout = 60000) {
    return call<InitProducerIdResult>([&](auto done) {
      coordinator_->init_producer_id({std::string("t"), timeout, -1, -1}, done);
    });
  }
  ErrorCode add(const InitProducerIdResult& p, std::vector<TopicPartition> tps) {
    AddPartitionsParams params{"t", p.producer_id, p.producer_epoch, std::move(tps), false};
    return call<AddPartitionsResult>([&](auto done) { coordinator_->add_partitions(params, done); }).top_level;
  }
  ErrorCode end(const InitProducerIdResult& p, bool commit) {
    return call<ErrorCode>(
        [&](auto done) { coordinator_->end_txn("t", p.producer_id, p.producer_epoch, commit, done); });
  }
  DescribedTxn describe() {
    auto d = call<std::vector<DescribedTxn>>([&](auto done) { coordinator_->describe_transactions({"t"}, done); });
    return d.empty() ? DescribedTxn{} : d[0];
  }
  // Waits until the coordinator reports `state` for "t".
  bool reaches(const std::string& state) {
    for (int i = 0; i < 500; ++i) {
      if (describe().state == state) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  // What the log holds for "t", replayed.
  std::optional<TxnTransit> in_log() {
    auto loaded = load_txns(*replicas_->get_partition(tp_)->log());
    if (!loaded.ok() || !loaded->contains("t")) return std::nullopt;
    return loaded->at("t");
  }

  const TopicPartition tp_{std::string(kTransactionStateTopic), 0};
  TxnConfig config_;
  ImmediateProducerIds ids_;
  BlockingMarkerWriter markers_;
  std::unique_ptr<TransactionCoordinator> coordinator_;
};

TEST_F(TransactionCoordinatorTest, CommitThroughTheLog) {
  start(3);
  const auto p = init();
  ASSERT_EQ(p.error, ErrorCode::NONE);
  ASSERT_EQ(add(p, {{"orders", 0}, {"orders", 1}}), ErrorCode::NONE);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  EXPECT_EQ(in_log()->state, TxnState::kPrepareCommit);
  auto c = markers_.next_call();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->request.coordinator_epoch, 3);
  EXPECT_EQ(c->request.partitions, (std::vector<TopicPartition>{{"orders", 0}, {"orders", 1}}));
  BlockingMarkerWriter::answer(*c);  // on this thread, not the coordinator's
  ASSERT_TRUE(reaches("CompleteCommit"));
  auto stored = in_log();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state, TxnState::kCompleteCommit);
  EXPECT_EQ(stored->producer_id, p.producer_id);
}

TEST_F(TransactionCoordinatorTest, ANewCoordinatorFinishesAHalfEndedCommit) {
  start(3);
  const auto p = init();
  ASSERT_EQ(add(p, {{"orders", 0}}), ErrorCode::NONE);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  auto lost = markers_.next_call();
  ASSERT_TRUE(lost);
  // The broker stops before the markers are written; their late answer
  // reaches nobody.
  coordinator_->shutdown();
  BlockingMarkerWriter::answer(*lost);
  coordinator_.reset();
  EXPECT_EQ(in_log()->state, TxnState::kPrepareCommit);

  start(4);
  auto c = markers_.next_call();
  ASSERT_TRUE(c) << "the markers are written again after loading";
  EXPECT_TRUE(c->request.commit);
  EXPECT_EQ(c->request.coordinator_epoch, 4);
  EXPECT_EQ(c->request.producer_id, p.producer_id);
  EXPECT_EQ(c->request.partitions, (std::vector<TopicPartition>{{"orders", 0}}));
  BlockingMarkerWriter::answer(*c);
  ASSERT_TRUE(reaches("CompleteCommit"));
  EXPECT_EQ(in_log()->state, TxnState::kCompleteCommit);
}

TEST_F(TransactionCoordinatorTest, TimersAbortTimedOutTransactionsAndRetryMarkers) {
  config_.abort_timed_out_interval_ms = 50;
  config_.marker_retry_backoff_ms = 20;
  start(1);
  const auto p = init(200);
  ASSERT_EQ(add(p, {{"orders", 0}}), ErrorCode::NONE);
  auto c = markers_.next_call(3s);
  ASSERT_TRUE(c) << "the transaction was not aborted";
  EXPECT_FALSE(c->request.commit);
  EXPECT_EQ(c->request.producer_epoch, p.producer_epoch + 1);
  EXPECT_EQ(end(p, true), ErrorCode::PRODUCER_FENCED);
  BlockingMarkerWriter::answer(*c, ErrorCode::NOT_LEADER_OR_FOLLOWER);
  auto retry = markers_.next_call();
  ASSERT_TRUE(retry) << "the marker was not retried";
  BlockingMarkerWriter::answer(*retry);
  ASSERT_TRUE(reaches("CompleteAbort"));
  EXPECT_EQ(in_log()->producer_epoch, p.producer_epoch + 1);
}

TEST_F(TransactionCoordinatorTest, ShutdownAnswersNotCoordinator) {
  ids_.hold = true;  // the controller does not answer
  start(1);
  auto promise = std::make_shared<std::promise<InitProducerIdResult>>();
  auto waiting = promise->get_future();
  coordinator_->init_producer_id({std::nullopt, 1000, -1, -1},
                                 [promise](InitProducerIdResult r) { promise->set_value(r); });
  EXPECT_EQ(waiting.wait_for(50ms), std::future_status::timeout);
  coordinator_->shutdown();
  ASSERT_EQ(waiting.wait_for(1s), std::future_status::ready);
  EXPECT_EQ(waiting.get().error, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(init().error, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(end(InitProducerIdResult{}, true), ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(coordinator_->status_of("t"), ErrorCode::NOT_COORDINATOR);
}

}  // namespace
}  // namespace sluice::coordinator
