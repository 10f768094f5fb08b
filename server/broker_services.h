// Everything a handler may reach: the broker's storage, coordinators,
// metadata and fetch machinery. Owned by the Broker; handlers get it through
// their RequestContext.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/uuid.h"
#include "server/fetch/fetch_session_cache.h"
#include "server/fetch/fetch_waiters.h"
#include "storage/clock.h"
#include "storage/log/log_manager.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {
class Controller;
class GroupCoordinator;
struct MetadataImage;
class TransactionCoordinator;
}  // namespace sluice::coordinator

namespace sluice::server {

class BrokerConfig;

struct MetadataFeatures {
  std::int16_t min_metadata_version = 1;
  std::int16_t max_metadata_version = 1;
  std::int16_t metadata_version = 1;
  std::int64_t epoch = -1;
};

// An address clients reach a broker at.
struct AdvertisedEndpoint {
  std::string listener;
  std::string host;
  std::int32_t port = 0;
};

struct BrokerServices {
  BrokerServices(const storage::Clock& clock, BrokerConfig& config, storage::LogManager& logs,
                 storage::ReplicaManager& replicas, coordinator::Controller& controller,
                 coordinator::GroupCoordinator& groups, coordinator::TransactionCoordinator& txns,
                 FetchSessionCache& fetch_sessions, FetchWaiters& fetch_waiters, std::int32_t node_id,
                 std::string cluster_id)
      : clock(clock),
        config(config),
        logs(logs),
        replicas(replicas),
        controller(controller),
        groups(groups),
        txns(txns),
        fetch_sessions(fetch_sessions),
        fetch_waiters(fetch_waiters),
        node_id(node_id),
        cluster_id(std::move(cluster_id)) {}

  const storage::Clock& clock;
  BrokerConfig& config;
  storage::LogManager& logs;
  storage::ReplicaManager& replicas;
  coordinator::Controller& controller;
  coordinator::GroupCoordinator& groups;
  coordinator::TransactionCoordinator& txns;
  FetchSessionCache& fetch_sessions;
  FetchWaiters& fetch_waiters;
  std::int32_t node_id;
  std::string cluster_id;

  std::shared_ptr<const coordinator::MetadataImage> image() const;
  std::optional<std::string> topic_name(const protocol::Uuid& id) const;
  // The zero id when unknown.
  protocol::Uuid topic_id(std::string_view name) const;
  bool is_internal_topic(std::string_view name) const;
  MetadataFeatures metadata_features() const;

  // This broker's own endpoints, with the ports actually bound (set once
  // the listeners are up).
  std::vector<AdvertisedEndpoint> advertised() const;
  void set_advertised(std::vector<AdvertisedEndpoint> endpoints);

 private:
  mutable std::mutex advertised_mutex_;
  std::vector<AdvertisedEndpoint> advertised_;
};

}  // namespace sluice::server
