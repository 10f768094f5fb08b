#include "server/network/connection_quotas.h"

#include <gtest/gtest.h>

#include <variant>

namespace sluice::server::network {
namespace {

using Slot = ConnectionQuotas::Slot;
using Refusal = ConnectionQuotas::Refusal;

asio::ip::address ip(const char* text) { return asio::ip::make_address(text); }

TEST(ConnectionQuotas, PerIpLimitRefusesAndReleaseFreesTheSlot) {
  ConnectionQuotas quotas(100, 2, {});
  auto a = quotas.try_acquire(ip("10.0.0.1"));
  auto b = quotas.try_acquire(ip("10.0.0.1"));
  ASSERT_TRUE(std::holds_alternative<Slot>(a));
  ASSERT_TRUE(std::holds_alternative<Slot>(b));
  auto c = quotas.try_acquire(ip("10.0.0.1"));
  ASSERT_TRUE(std::holds_alternative<Refusal>(c));
  EXPECT_EQ(std::get<Refusal>(c), Refusal::kIpLimit);
  EXPECT_TRUE(std::holds_alternative<Slot>(quotas.try_acquire(ip("10.0.0.2"))));  // other IPs unaffected
  EXPECT_EQ(quotas.active_for(ip("10.0.0.1")), 2);

  std::get<Slot>(a).release();
  EXPECT_EQ(quotas.active_for(ip("10.0.0.1")), 1);
  EXPECT_TRUE(std::holds_alternative<Slot>(quotas.try_acquire(ip("10.0.0.1"))));
}

TEST(ConnectionQuotas, OverridesAndMappedAddressesCountAsTheSameIp) {
  ConnectionQuotas quotas(100, 1, {{ip("::ffff:10.0.0.1"), 3}, {ip("10.0.0.9"), 0}});
  auto a = quotas.try_acquire(ip("10.0.0.1"));
  auto b = quotas.try_acquire(ip("::ffff:10.0.0.1"));
  auto c = quotas.try_acquire(ip("10.0.0.1"));
  EXPECT_TRUE(std::holds_alternative<Slot>(a));
  EXPECT_TRUE(std::holds_alternative<Slot>(b));
  EXPECT_TRUE(std::holds_alternative<Slot>(c));
  EXPECT_TRUE(std::holds_alternative<Refusal>(quotas.try_acquire(ip("::ffff:10.0.0.1"))));
  EXPECT_TRUE(std::holds_alternative<Refusal>(quotas.try_acquire(ip("10.0.0.9"))));  // override of 0 blocks it
}

TEST(ConnectionQuotas, BrokerLimitAndReleaseCallback) {
  ConnectionQuotas quotas(2, 10, {});
  int woken = 0;
  quotas.set_on_release([&] { ++woken; });
  auto a = quotas.try_acquire(ip("10.0.0.1"));
  EXPECT_FALSE(quotas.at_broker_limit());
  auto b = quotas.try_acquire(ip("10.0.0.2"));
  EXPECT_TRUE(quotas.at_broker_limit());
  auto c = quotas.try_acquire(ip("10.0.0.3"));
  ASSERT_TRUE(std::holds_alternative<Refusal>(c));
  EXPECT_EQ(std::get<Refusal>(c), Refusal::kBrokerLimit);
  std::get<Slot>(b).release();
  EXPECT_EQ(woken, 1);  // released from the limit
  std::get<Slot>(a).release();
  EXPECT_EQ(woken, 1);  // not at the limit: nobody waits
  EXPECT_EQ(quotas.active(), 0);
  EXPECT_TRUE(quotas.wait_until_empty(std::chrono::steady_clock::now()));
}

TEST(ConnectionQuotas, SlotReleasesOnDestructionAndMove) {
  ConnectionQuotas quotas(10, 10, {});
  {
    auto admission = quotas.try_acquire(ip("10.0.0.1"));
    Slot moved = std::move(std::get<Slot>(admission));
    EXPECT_EQ(quotas.active(), 1);
    Slot other;
    other = std::move(moved);
    EXPECT_EQ(quotas.active(), 1);
  }
  EXPECT_EQ(quotas.active(), 0);
}

}  // namespace
}  // namespace sluice::server::network
