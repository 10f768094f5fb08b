#include "server/network/connection_quotas.h"

#include <utility>

namespace sluice::server::network {

asio::ip::address canonical_address(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

namespace {

std::map<asio::ip::address, std::int32_t> canonical_keys(std::map<asio::ip::address, std::int32_t> overrides) {
  std::map<asio::ip::address, std::int32_t> canonical;
  for (const auto& [ip, limit] : overrides) canonical[canonical_address(ip)] = limit;
  return canonical;
}

}  // namespace

ConnectionQuotas::Slot::Slot(Slot&& other) noexcept : quotas_(std::exchange(other.quotas_, nullptr)), ip_(other.ip_) {}

ConnectionQuotas::Slot& ConnectionQuotas::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    quotas_ = std::exchange(other.quotas_, nullptr);
    ip_ = other.ip_;
  }
  return *this;
}

void ConnectionQuotas::Slot::release() {
  if (auto* quotas = std::exchange(quotas_, nullptr)) quotas->release(ip_);
}

ConnectionQuotas::ConnectionQuotas(std::int32_t max_connections, std::int32_t max_connections_per_ip,
                                   std::map<asio::ip::address, std::int32_t> per_ip_overrides)
    : max_connections_(max_connections),
      max_connections_per_ip_(max_connections_per_ip),
      per_ip_overrides_(canonical_keys(std::move(per_ip_overrides))) {}

std::int32_t ConnectionQuotas::limit_for(const asio::ip::address& ip) const {
  const auto it = per_ip_overrides_.find(ip);
  return it == per_ip_overrides_.end() ? max_connections_per_ip_ : it->second;
}

std::variant<ConnectionQuotas::Slot, ConnectionQuotas::Refusal> ConnectionQuotas::try_acquire(
    const asio::ip::address& address) {
  const auto ip = canonical_address(address);
  std::lock_guard lock(mutex_);
  if (total_ >= max_connections_) return Refusal::kBrokerLimit;
  auto& count = per_ip_[ip];
  if (count >= limit_for(ip)) {
    if (count == 0) per_ip_.erase(ip);
    return Refusal::kIpLimit;
  }
  ++count;
  ++total_;
  return Slot(this, ip);
}

void ConnectionQuotas::release(const asio::ip::address& ip) {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = per_ip_.find(ip); it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
    // Only a release from the limit can unblock an acceptor.
    if (total_ >= max_connections_) callback = on_release_;
    if (--total_ == 0) emptied_.notify_all();
  }
  if (callback) callback();
}

bool ConnectionQuotas::at_broker_limit() const {
  std::lock_guard lock(mutex_);
  return total_ >= max_connections_;
}

std::int32_t ConnectionQuotas::active() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::int32_t ConnectionQuotas::active_for(const asio::ip::address& ip) const {
  std::lock_guard lock(mutex_);
  const auto it = per_ip_.find(canonical_address(ip));
  return it == per_ip_.end() ? 0 : it->second;
}

void ConnectionQuotas::set_on_release(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_release_ = std::move(callback);
}

bool ConnectionQuotas::wait_until_empty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_until(lock, deadline, [this] { return total_ == 0; });
}

}  // namespace sluice::server::network
