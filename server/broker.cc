#include "server/broker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "coordinator/controller/controller.h"
#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/topic_validation.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/txn/controller_producer_ids.h"
#include "coordinator/txn/marker_appender.h"
#include "coordinator/txn/transaction_coordinator.h"
#include "coordinator/txn/txn_state_store.h"
#include "server/broker_services.h"
#include "server/dispatcher.h"
#include "server/fetch/fetch_session_cache.h"
#include "server/fetch/fetch_waiters.h"
#include "server/metadata_publisher.h"
#include "server/network/network_runtime.h"
#include "storage/checkpoint/meta_properties.h"
#include "storage/clock.h"
#include "storage/log/log_manager.h"
#include "storage/partition/replica_manager.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using protocol::Status;

storage::LogManagerConfig log_manager_config(const BrokerConfig& c) {
  storage::LogManagerConfig out;
  out.log_dirs = c.log_dirs();
  out.node_id = c.node_id();
  out.recovery_threads_per_dir = static_cast<int>(c.int64("num.recovery.threads.per.data.dir"));
  out.background_threads = static_cast<int>(c.int64("background.threads"));
  out.retention_check_interval_ms = c.int64("log.retention.check.interval.ms");
  out.flush_check_interval_ms = c.int64("log.flush.scheduler.interval.ms");
  out.recovery_point_checkpoint_interval_ms = c.int64("log.flush.offset.checkpoint.interval.ms");
  out.log_start_offset_checkpoint_interval_ms = c.int64("log.flush.start.offset.checkpoint.interval.ms");
  out.cleaner_enable = c.boolean("log.cleaner.enable");
  out.cleaner_threads = static_cast<int>(c.int64("log.cleaner.threads"));
  out.cleaner_dedupe_buffer_size = c.int64("log.cleaner.dedupe.buffer.size");
  out.cleaner_backoff_ms = c.int64("log.cleaner.backoff.ms");
  return out;
}

std::string host_or_hostname(const std::string& host) {
  if (!host.empty()) return host;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

network::NetworkConfig network_config(const BrokerConfig& c) {
  network::NetworkConfig out;
  for (const Listener& l : c.listeners()) out.listeners.push_back({l.name, l.host, l.port});
  out.num_network_threads = static_cast<int>(c.int64("num.network.threads"));
  out.socket_request_max_bytes = static_cast<std::int32_t>(c.int64("socket.request.max.bytes"));
  out.socket_send_buffer_bytes = static_cast<int>(c.int64("socket.send.buffer.bytes"));
  out.socket_receive_buffer_bytes = static_cast<int>(c.int64("socket.receive.buffer.bytes"));
  out.connections_max_idle_ms = c.int64("connections.max.idle.ms");
  out.max_connections = static_cast<std::int32_t>(c.int64("max.connections"));
  out.max_connections_per_ip = static_cast<std::int32_t>(c.int64("max.connections.per.ip"));
  if (auto overrides = c.string("max.connections.per.ip.overrides"); overrides && !overrides->empty()) {
    if (auto parsed = network::parse_max_connections_per_ip_overrides(*overrides)) {
      out.max_connections_per_ip_overrides = std::move(parsed).value();
    }
  }
  out.queued_max_requests = static_cast<std::int32_t>(c.int64("queued.max.requests"));
  return out;
}

coordinator::ControllerConfig controller_config(const BrokerConfig& c) {
  coordinator::ControllerConfig out;
  out.node_id = c.node_id();
  out.num_partitions = static_cast<std::int32_t>(c.int64("num.partitions"));
  out.default_replication_factor = static_cast<std::int16_t>(c.int64("default.replication.factor"));
  for (const Listener& l : c.advertised_listeners()) {
    out.endpoints.push_back({l.name, host_or_hostname(l.host), l.port, 0});
  }
  out.rack = c.string("broker.rack");
  for (const auto& dir : c.log_dirs()) {
    if (auto meta = storage::read_meta_properties(dir); meta && meta->has_value() && (*meta)->directory_id) {
      out.log_dirs.push_back(*(*meta)->directory_id);
    }
  }
  out.static_broker_config = c.static_values();
  for (const storage::ConfigKey& key : broker_config_def().keys()) {
    if (key.default_value) out.default_broker_config[key.name] = *key.default_value;
  }
  out.broker_config_key = [](std::string_view name) { return broker_config_def().find(name); };
  return out;
}

coordinator::GroupConfig group_config(const BrokerConfig& c) {
  coordinator::GroupConfig out;
  out.min_session_timeout_ms = static_cast<std::int32_t>(c.int64("group.min.session.timeout.ms"));
  out.max_session_timeout_ms = static_cast<std::int32_t>(c.int64("group.max.session.timeout.ms"));
  out.initial_rebalance_delay_ms = static_cast<std::int32_t>(c.int64("group.initial.rebalance.delay.ms"));
  out.max_size = static_cast<std::int32_t>(c.int64("group.max.size"));
  out.offsets_retention_ms = c.int64("offsets.retention.minutes") * 60 * 1000;
  out.offsets_retention_check_interval_ms = c.int64("offsets.retention.check.interval.ms");
  out.offset_metadata_max_bytes = static_cast<std::int32_t>(c.int64("offset.metadata.max.bytes"));
  out.offsets_topic_partitions = static_cast<std::int32_t>(c.int64("offsets.topic.num.partitions"));
  return out;
}

coordinator::TxnConfig txn_config(const BrokerConfig& c) {
  coordinator::TxnConfig out;
  out.max_timeout_ms = static_cast<std::int32_t>(c.int64("transaction.max.timeout.ms"));
  out.transactional_id_expiration_ms = c.int64("transactional.id.expiration.ms");
  out.abort_timed_out_interval_ms = c.int64("transaction.abort.timed.out.transaction.cleanup.interval.ms");
  out.remove_expired_interval_ms = c.int64("transaction.remove.expired.transaction.cleanup.interval.ms");
  out.state_log_partitions = static_cast<std::int32_t>(c.int64("transaction.state.log.num.partitions"));
  return out;
}

}  // namespace

Broker::Broker(BrokerConfig config) : config_(std::move(config)) {}

Broker::~Broker() { (void)stop(); }

Status Broker::start_storage_and_metadata() {
  clock_ = std::make_unique<storage::SystemClock>();
  auto logs = storage::LogManager::open(log_manager_config(config_), *clock_);
  if (!logs) return logs.status();
  logs_ = std::move(logs).value();

  // The metadata log keeps everything: snapshots, not retention, trim it in Kafka.
  storage::LogConfig metadata_config;
  metadata_config.retention_ms = -1;
  metadata_config.retention_bytes = -1;
  auto metadata_log = logs_->open_unmanaged_log({std::string(coordinator::kClusterMetadataTopic), 0},
                                                std::make_shared<const storage::LogConfig>(metadata_config));
  if (!metadata_log) return metadata_log.status();
  metadata_log_ = *metadata_log;

  coordinator::ControllerConfig cc = controller_config(config_);
  cc.validate_broker_config = [this](const std::string& resource, const storage::ConfigMap& configs) {
    return config_.validate_dynamic(resource.empty() ? DynamicLevel::kClusterDefault : DynamicLevel::kBroker, configs);
  };
  auto controller = coordinator::Controller::start(std::move(cc), metadata_log_, *clock_);
  if (!controller) return controller.status();
  controller_ = std::move(controller).value();

  replicas_ = std::make_unique<storage::ReplicaManager>(*logs_);
  publisher_ = std::make_unique<MetadataPublisher>(config_.node_id(), config_, *replicas_);
  groups_ = std::make_unique<coordinator::GroupCoordinator>(group_config(config_), *replicas_, *clock_);
  producer_ids_ = std::make_unique<coordinator::ControllerProducerIds>(*controller_, config_.node_id());
  markers_ = std::make_unique<coordinator::MarkerAppender>(
      *replicas_, *groups_, *clock_, [this](const storage::TopicPartition& tp) {
        const coordinator::TopicImage* topic = controller_->image()->topic(tp.topic);
        return topic != nullptr && topic->partitions.contains(tp.partition);
      });
  txns_ = std::make_unique<coordinator::TransactionCoordinator>(txn_config(config_), *replicas_, *clock_,
                                                                *producer_ids_, *markers_);
  // The coordinators load the internal partitions this broker leads.
  publisher_->add_leadership_listener([this](const storage::TopicPartition& tp, std::int32_t epoch) {
    if (tp.topic == coordinator::kConsumerOffsetsTopic) {
      if (epoch < 0) {
        groups_->on_resignation(tp.partition);
      } else {
        groups_->on_election(tp.partition, epoch);
      }
    } else if (tp.topic == coordinator::kTransactionStateTopic) {
      if (epoch < 0) {
        txns_->on_resignation(tp.partition);
      } else {
        txns_->on_election(tp.partition, epoch);
      }
    }
  });
  const auto image = controller_->image();
  publisher_->apply_broker_configs(*image);
  if (Status s =
          logs_->load_logs([this, image](const std::string& topic) { return publisher_->log_config(*image, topic); },
                           {std::string(coordinator::kClusterMetadataTopic)});
      !s.ok()) {
    return s;
  }
  reconcile_loaded_logs();
  controller_->add_listener([this](const coordinator::MetadataImage& previous, const coordinator::MetadataImage& next) {
    publisher_->publish(previous, next);
  });
  logs_->start_background_tasks();
  return {};
}

void Broker::reconcile_loaded_logs() {
  // Logs of topics deleted (or deleted and recreated) while we were down are
  // strays: they go, and the metadata decides what is hosted.
  const auto image = controller_->image();
  for (const auto& log : logs_->all_logs()) {
    const auto& tp = log->topic_partition();
    const coordinator::TopicImage* topic = image->topic(tp.topic);
    const bool known = topic && topic->partitions.contains(tp.partition) &&
                       (log->topic_id().is_zero() || log->topic_id() == topic->id);
    if (known) continue;
    spdlog::info("deleting stray log {}", tp.to_string());
    if (auto s = logs_->async_delete(tp); !s.ok()) spdlog::error("deleting {}: {}", tp.to_string(), s.detail);
  }
}

Status Broker::start() {
  if (started_) return {};
  if (Status s = start_storage_and_metadata(); !s.ok()) return s;

  fetch_sessions_ = std::make_unique<FetchSessionCache>(FetchSessionCache::Limits{
      static_cast<std::size_t>(config_.int64("max.incremental.fetch.session.cache.slots")), 120'000});
  fetch_waiters_ = std::make_unique<FetchWaiters>();
  replicas_->add_listener([waiters = fetch_waiters_.get()](const storage::TopicPartition& tp) { waiters->notify(tp); });
  services_ =
      std::make_unique<BrokerServices>(*clock_, config_, *logs_, *replicas_, *controller_, *groups_, *txns_,
                                       *fetch_sessions_, *fetch_waiters_, config_.node_id(), logs_->cluster_id());
  dispatcher_ = std::make_unique<Dispatcher>(*services_);
  network_ = std::make_unique<network::NetworkRuntime>(network_config(config_), *dispatcher_);
  if (Status s = network_->start(); !s.ok()) return s;

  std::vector<AdvertisedEndpoint> advertised;
  for (const Listener& l : config_.advertised_listeners()) {
    std::uint16_t port = l.port;
    if (port == 0) port = network_->bound_port(l.name).value_or(0);
    advertised.push_back({l.name, host_or_hostname(l.host), port});
  }
  services_->set_advertised(std::move(advertised));
  started_ = true;
  for (const auto& [name, endpoint] : network_->bound_endpoints()) {
    spdlog::info("sluice node {} listening on {} {}:{} (cluster {})", config_.node_id(), name,
                 endpoint.address().to_string(), endpoint.port(), logs_->cluster_id());
  }
  return {};
}

Status Broker::stop() {
  // Waiting requests are answered (NOT_COORDINATOR) first, so the network
  // can finish every request in flight. Transactions go before groups: their
  // markers complete offsets in the group coordinator.
  if (txns_) txns_->shutdown();
  if (groups_) groups_->shutdown();
  if (network_) network_->stop(std::chrono::seconds(10));
  network_.reset();
  if (controller_) controller_->shutdown();
  Status result;
  if (logs_) result = logs_->shutdown();
  started_ = false;
  return result;
}

std::optional<std::uint16_t> Broker::bound_port(std::string_view listener_name) const {
  if (!network_) return std::nullopt;
  return network_->bound_port(listener_name);
}

}  // namespace sluice::server
