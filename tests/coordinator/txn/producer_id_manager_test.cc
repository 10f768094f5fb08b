// Producer ids from the controller's blocks (Kafka's RPCProducerIdManager).
#include "coordinator/txn/producer_id_manager.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/coordinator/txn/txn_fixture.h"

namespace sluice::coordinator::testing {
namespace {

class ProducerIdManagerTest : public ::testing::Test {
 protected:
  ProducerIdManagerTest() { source_.block_size = 10; }
  storage::ManualClock clock_;
  FakeProducerIdSource source_;
  ProducerIdManager manager_{source_, clock_, 50};
};

TEST_F(ProducerIdManagerTest, HandsOutBlocksAndPrefetchesAtNinetyPercent) {
  EXPECT_EQ(manager_.next_id(), std::nullopt) << "no block yet";
  ASSERT_EQ(source_.requests.size(), 1u);
  EXPECT_EQ(manager_.next_id(), std::nullopt) << "one request at a time";
  EXPECT_EQ(source_.requests.size(), 1u);
  source_.answer();  // 0..9
  for (std::int64_t i = 0; i < 9; ++i) EXPECT_EQ(manager_.next_id(), i);
  EXPECT_TRUE(source_.requests.empty()) << "ids 0..8 are under 90% of the block";
  EXPECT_EQ(manager_.next_id(), 9);
  ASSERT_EQ(source_.requests.size(), 1u) << "the 10th id (90%) asks for the next block";
  source_.answer();  // 10..19
  EXPECT_EQ(manager_.next_id(), 10) << "the prefetched block takes over";
}

TEST_F(ProducerIdManagerTest, IdsNeverRepeatAcrossARestart) {
  std::set<std::int64_t> seen;
  manager_.prefetch();
  source_.answer();
  for (int i = 0; i < 5; ++i) seen.insert(*manager_.next_id());
  // A new broker process: the controller hands it the next block, never
  // the rest of the old one.
  ProducerIdManager restarted(source_, clock_, 50);
  restarted.prefetch();
  source_.answer();
  for (int i = 0; i < 25; ++i) {
    std::optional<std::int64_t> id = restarted.next_id();
    if (!id) {
      source_.answer();
      id = restarted.next_id();
    }
    ASSERT_TRUE(id);
    EXPECT_TRUE(seen.insert(*id).second) << "id " << *id << " given twice";
  }
}

TEST_F(ProducerIdManagerTest, WaitersResumeWhenTheBlockComesOrTimeOut) {
  std::vector<bool> resumed;
  manager_.wait(clock_.now_ms() + 100, [&](bool ok) { resumed.push_back(ok); });
  ASSERT_EQ(source_.requests.size(), 1u);
  EXPECT_EQ(manager_.earliest_deadline(), clock_.now_ms() + 100);
  source_.answer();
  ASSERT_EQ(resumed, std::vector<bool>{true});

  // Exhaust the block; the next request is in flight but never answered.
  while (manager_.next_id()) {
  }
  manager_.wait(clock_.now_ms() + 100, [&](bool ok) { resumed.push_back(ok); });
  clock_.advance(99);
  manager_.tick();
  EXPECT_EQ(resumed.size(), 1u);
  clock_.advance(1);
  manager_.tick();
  EXPECT_EQ(resumed, (std::vector<bool>{true, false}));
}

TEST_F(ProducerIdManagerTest, AFailedRequestIsRetriedAfterBackoff) {
  std::vector<bool> resumed;
  manager_.wait(clock_.now_ms() + 1000, [&](bool ok) { resumed.push_back(ok); });
  source_.fail(ErrorCode::NOT_CONTROLLER);
  EXPECT_TRUE(resumed.empty());
  EXPECT_EQ(manager_.next_id(), std::nullopt);
  EXPECT_TRUE(source_.requests.empty()) << "not again before the backoff";
  EXPECT_EQ(manager_.earliest_deadline(), clock_.now_ms() + 50);
  clock_.advance(50);
  manager_.tick();
  ASSERT_EQ(source_.requests.size(), 1u);
  source_.answer();
  EXPECT_EQ(resumed, std::vector<bool>{true});
  EXPECT_EQ(manager_.next_id(), 0);
}

TEST_F(ProducerIdManagerTest, ShutdownFailsWaiters) {
  std::vector<bool> resumed;
  manager_.wait(clock_.now_ms() + 1000, [&](bool ok) { resumed.push_back(ok); });
  manager_.shutdown();
  EXPECT_EQ(resumed, std::vector<bool>{false});
}

}  // namespace
}  // namespace sluice::coordinator::testing
