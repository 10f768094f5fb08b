// Kafka's ConnectionQuotas: max.connections broker-wide and
// max.connections.per.ip (with per-IP overrides), shared by every listener
// and network thread, hence the mutex.
#pragma once

#include <asio/ip/address.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <variant>

namespace sluice::server::network {

// IPv4 peers of a dual-stack socket show up as ::ffff:a.b.c.d; quotas,
// overrides and logs want the plain IPv4 address.
asio::ip::address canonical_address(const asio::ip::address& address);

class ConnectionQuotas {
 public:
  // Holds one connection's place in the counts until released or destroyed.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }

    void release();
    explicit operator bool() const { return quotas_ != nullptr; }

   private:
    friend class ConnectionQuotas;
    Slot(ConnectionQuotas* quotas, asio::ip::address ip) : quotas_(quotas), ip_(ip) {}

    ConnectionQuotas* quotas_ = nullptr;
    asio::ip::address ip_;
  };

  enum class Refusal { kBrokerLimit, kIpLimit };

  ConnectionQuotas(std::int32_t max_connections, std::int32_t max_connections_per_ip,
                   std::map<asio::ip::address, std::int32_t> per_ip_overrides);

  // Registers a connection from `ip` (canonicalized here), or names the limit
  // that refuses it.
  std::variant<Slot, Refusal> try_acquire(const asio::ip::address& ip);

  bool at_broker_limit() const;
  std::int32_t active() const;
  std::int32_t active_for(const asio::ip::address& ip) const;

  // Invoked, outside the lock and on the releasing thread, when a release
  // frees a slot at max.connections; the acceptors wait for it.
  void set_on_release(std::function<void()> callback);

  // Blocks until no connection is registered or the deadline passes.
  bool wait_until_empty(std::chrono::steady_clock::time_point deadline);

 private:
  void release(const asio::ip::address& ip);
  std::int32_t limit_for(const asio::ip::address& ip) const;

  const std::int32_t max_connections_;
  const std::int32_t max_connections_per_ip_;
  const std::map<asio::ip::address, std::int32_t> per_ip_overrides_;

  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::int32_t total_ = 0;
  std::map<asio::ip::address, std::int32_t> per_ip_;
  std::function<void()> on_release_;
};

}  // namespace sluice::server::network
