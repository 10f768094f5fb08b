// One Sluice broker: storage, the metadata controller (KRaft combined mode,
// single node), the replica manager, and the network front end, started and
// stopped in order.
#pragma once

#include <memory>
#include <optional>

#include "protocol/result.h"
#include "server/config/broker_config.h"

namespace sluice::coordinator {
class Controller;
class GroupCoordinator;
class MarkerAppender;
class ProducerIdSource;
class TransactionCoordinator;
}  // namespace sluice::coordinator
namespace sluice::storage {
class LogManager;
class ReplicaManager;
class Log;
class SystemClock;
}  // namespace sluice::storage

namespace sluice::server {

namespace network {
class NetworkRuntime;
}
class Dispatcher;
class FetchSessionCache;
class FetchWaiters;
class MetadataPublisher;
struct BrokerServices;

class Broker {
 public:
  explicit Broker(BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Loads and recovers the logs, replays the metadata, then listens.
  protocol::Status start();
  // Stops accepting, finishes requests in flight, flushes and checkpoints.
  protocol::Status stop();

  // The port a listener is bound to (tests ask for port 0).
  std::optional<std::uint16_t> bound_port(std::string_view listener_name) const;

 private:
  protocol::Status start_storage_and_metadata();
  void reconcile_loaded_logs();

  BrokerConfig config_;
  std::unique_ptr<storage::SystemClock> clock_;
  std::unique_ptr<storage::LogManager> logs_;
  std::shared_ptr<storage::Log> metadata_log_;
  std::unique_ptr<storage::ReplicaManager> replicas_;
  std::unique_ptr<coordinator::Controller> controller_;
  std::unique_ptr<coordinator::GroupCoordinator> groups_;
  std::unique_ptr<coordinator::ProducerIdSource> producer_ids_;
  std::unique_ptr<coordinator::MarkerAppender> markers_;
  std::unique_ptr<coordinator::TransactionCoordinator> txns_;
  std::unique_ptr<MetadataPublisher> publisher_;
  std::unique_ptr<FetchSessionCache> fetch_sessions_;
  std::unique_ptr<FetchWaiters> fetch_waiters_;
  std::unique_ptr<BrokerServices> services_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<network::NetworkRuntime> network_;
  bool started_ = false;
};

}  // namespace sluice::server
