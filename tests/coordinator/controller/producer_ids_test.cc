// AllocateProducerIds (KIP-730): blocks of producer ids written to the
// metadata log as ProducerIdsRecords, never repeated across restarts.
#include <gtest/gtest.h>

#include <limits>

#include "coordinator/controller/controller.h"
#include "coordinator/controller/producer_id_operations.h"
#include "tests/coordinator/controller/controller_fixture.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;
using testing::ControllerTest;

class ProducerIdsTest : public ControllerTest {
 protected:
  AllocatedProducerIds allocate(std::int32_t broker, std::int64_t epoch) {
    return testing::await<AllocatedProducerIds>(
        [&](auto done) { controller_->allocate_producer_ids(broker, epoch, done); });
  }
};

TEST_F(ProducerIdsTest, BlocksFollowEachOtherAndSurviveARestart) {
  const auto first = allocate(1, controller_->broker_epoch());
  ASSERT_TRUE(first.status.ok()) << first.status.detail;
  EXPECT_EQ(first.first_id, 0);
  EXPECT_EQ(first.size, kProducerIdBlockSize);
  const auto second = allocate(1, controller_->broker_epoch());
  ASSERT_TRUE(second.status.ok());
  EXPECT_EQ(second.first_id, kProducerIdBlockSize);
  EXPECT_EQ(controller_->image()->next_producer_id, 2 * kProducerIdBlockSize);

  restart();
  EXPECT_EQ(controller_->image()->next_producer_id, 2 * kProducerIdBlockSize);
  const auto third = allocate(1, controller_->broker_epoch());
  ASSERT_TRUE(third.status.ok());
  EXPECT_EQ(third.first_id, 2 * kProducerIdBlockSize) << "ids handed out before the restart are never reused";
}

TEST_F(ProducerIdsTest, StaleEpochAndUnknownBrokerAreRefused) {
  EXPECT_EQ(allocate(1, controller_->broker_epoch() - 1).status.code, ErrorCode::STALE_BROKER_EPOCH);
  EXPECT_EQ(allocate(7, 0).status.code, ErrorCode::BROKER_ID_NOT_REGISTERED);
  EXPECT_EQ(controller_->image()->next_producer_id, -1) << "nothing was written";
}

TEST(ProducerIdOperations, ExhaustedIdSpaceIsAnError) {
  MetadataImage image;
  image.brokers[1].id = 1;
  image.brokers[1].epoch = 5;
  image.next_producer_id = std::numeric_limits<std::int64_t>::max() - 10;
  const auto result = allocate_producer_ids(image, 1, 5);
  EXPECT_EQ(result.response.status.code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_TRUE(result.records.empty());
}

}  // namespace
}  // namespace sluice::coordinator
