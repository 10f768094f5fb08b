// A TxnManager on a manual clock and an in-memory store, with a producer id
// source and a marker writer that answer when the test says so.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/txn/txn_loader.h"
#include "coordinator/txn/txn_manager.h"
#include "coordinator/txn/txn_records.h"
#include "storage/clock.h"
#include "tests/coordinator/common/pending.h"

namespace sluice::coordinator::testing {

using protocol::ErrorCode;
using storage::TopicPartition;

// Keeps every appended batch; can be told to fail.
class MemoryTxnStore final : public TxnStateStore {
 public:
  protocol::Status append(std::int32_t partition, const std::vector<TxnRecord>& records) override {
    ++appends;
    if (fail_with) return {*fail_with, "injected failure"};
    for (const auto& r : records) written.push_back({partition, r});
    return {};
  }
  // The last state written for `id` (nullopt: none or a tombstone).
  std::optional<TxnTransit> last(const std::string& id) const {
    for (auto it = written.rbegin(); it != written.rend(); ++it) {
      auto key = decode_txn_key(it->second.key);
      if (!key.ok() || *key != id) continue;
      if (!it->second.value) return std::nullopt;
      auto v = decode_txn_value(*it->second.value);
      if (!v.ok()) return std::nullopt;
      return *v;
    }
    return std::nullopt;
  }
  std::vector<std::pair<std::int32_t, TxnRecord>> written;
  std::optional<ErrorCode> fail_with;
  int appends = 0;
};

// The controller: consecutive blocks, handed out when answer() is called.
class FakeProducerIdSource final : public ProducerIdSource {
 public:
  void allocate_block(std::function<void(protocol::Result<ProducerIdBlock>)> done) override {
    requests.push_back(std::move(done));
  }
  // Answers the oldest request with the next block.
  void answer() {
    ASSERT_FALSE(requests.empty());
    auto done = std::move(requests.front());
    requests.pop_front();
    const ProducerIdBlock block{next_first, block_size};
    next_first += block_size;
    done(block);
  }
  void fail(ErrorCode e) {
    ASSERT_FALSE(requests.empty());
    auto done = std::move(requests.front());
    requests.pop_front();
    done(protocol::Status{e, "injected"});
  }
  std::deque<std::function<void(protocol::Result<ProducerIdBlock>)>> requests;
  std::int64_t next_first = 0;
  std::int32_t block_size = 1000;
};

// Keeps each write_markers call until the test answers it.
class FakeMarkerWriter final : public TxnMarkerWriter {
 public:
  struct Call {
    TxnMarkerRequest request;
    std::function<void(std::vector<MarkerResult>)> done;
  };
  void write_markers(TxnMarkerRequest request, std::function<void(std::vector<MarkerResult>)> done) override {
    calls.push_back({std::move(request), std::move(done)});
  }
  // Answers the oldest call: `error` for every partition but those in `errors`.
  void answer(ErrorCode error = ErrorCode::NONE, const std::map<TopicPartition, ErrorCode>& errors = {}) {
    ASSERT_FALSE(calls.empty());
    Call call = std::move(calls.front());
    calls.pop_front();
    std::vector<MarkerResult> results;
    for (const auto& tp : call.request.partitions) {
      auto it = errors.find(tp);
      results.push_back({tp, it == errors.end() ? error : it->second});
    }
    call.done(std::move(results));
  }
  std::deque<Call> calls;
};

class TxnManagerTest : public ::testing::Test {
 public:
  static constexpr const char* kTxn = "txn";
  static constexpr std::int32_t kTimeout = 60'000;
  static constexpr std::int32_t kEpoch = 7;  // the coordinator epoch

 protected:
  void SetUp() override {
    config_.state_log_partitions = 10;
    start();
  }

  // A manager owning every partition at `epoch`, with the first block of
  // producer ids (`replay`: what the store holds, as after a restart).
  void start(std::int32_t epoch = kEpoch, bool replay = false) {
    manager_ = std::make_unique<TxnManager>(config_, store_, clock_, ids_, markers_);
    LoadedTxns loaded;
    if (replay) {
      for (const auto& [partition, r] : store_.written) {
        std::optional<std::span<const std::uint8_t>> value;
        if (r.value) value = *r.value;
        replay_txn_record(loaded, r.key, value);
      }
    }
    for (std::int32_t p = 0; p < config_.state_log_partitions; ++p) {
      manager_->begin_loading(p, epoch);
      LoadedTxns mine;
      for (const auto& [id, t] : loaded) {
        if (manager_->partition_for(id) == p) mine.emplace(id, t);
      }
      manager_->finish_loading(p, epoch, std::move(mine));
    }
    manager_->prefetch_producer_ids();
    if (!ids_.requests.empty()) ids_.answer();
  }

  // A broker restart: the in-memory state is gone, the log is replayed.
  void restart(std::int32_t epoch) {
    manager_.reset();
    // Whatever the old manager asked for is answered to nobody.
    ids_.requests.clear();
    markers_.calls.clear();
    start(epoch, true);
  }

  InitProducerIdResult init(std::optional<std::string> id = kTxn, std::int64_t pid = -1, std::int16_t epoch = -1,
                            std::int32_t timeout = kTimeout) {
    Pending<InitProducerIdResult> r;
    manager_->init_producer_id({std::move(id), timeout, pid, epoch}, r.callback());
    EXPECT_TRUE(r.done());
    return r.done() ? *r : InitProducerIdResult{ErrorCode::UNKNOWN_SERVER_ERROR, -1, -1};
  }

  AddPartitionsResult add(const InitProducerIdResult& p, std::vector<TopicPartition> tps, bool verify = false,
                          const std::string& id = kTxn) {
    AddPartitionsParams params;
    params.transactional_id = id;
    params.producer_id = p.producer_id;
    params.producer_epoch = p.producer_epoch;
    params.partitions = std::move(tps);
    params.verify_only = verify;
    return manager_->add_partitions(params);
  }

  ErrorCode end(const InitProducerIdResult& p, bool commit, const std::string& id = kTxn) {
    return manager_->end_txn(id, p.producer_id, p.producer_epoch, commit);
  }

  const TransactionMetadata& txn(const std::string& id = kTxn) const { return *manager_->transaction(id); }
  TxnState state(const std::string& id = kTxn) const { return txn(id).state; }

  void advance(std::int64_t ms) {
    clock_.advance(ms);
    manager_->tick();
  }

  TxnConfig config_;
  storage::ManualClock clock_;
  MemoryTxnStore store_;
  FakeProducerIdSource ids_;
  FakeMarkerWriter markers_;
  std::unique_ptr<TxnManager> manager_;
};

inline const TopicPartition kA0{"a", 0};
inline const TopicPartition kA1{"a", 1};
inline const TopicPartition kB0{"b", 0};

}  // namespace sluice::coordinator::testing
