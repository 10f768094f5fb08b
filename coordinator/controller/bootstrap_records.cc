#include "coordinator/controller/bootstrap_records.h"

#include <algorithm>
#include <string>
#include <utility>

namespace sluice::coordinator {

namespace {

constexpr std::string_view kKraftVersionFeature = "kraft.version";
constexpr std::int8_t kZkMigrationStateNone = 0;

}  // namespace

std::vector<VersionedRecord> bootstrap_records(std::int16_t metadata_version) {
  std::vector<VersionedRecord> records;
  protocol::BeginTransactionRecord begin;
  begin.name = "Bootstrap records";
  records.push_back(at_current_version(begin));
  protocol::FeatureLevelRecord feature;
  feature.name = std::string(metadata_version::kFeatureName);
  feature.feature_level = metadata_version;
  records.push_back(at_current_version(feature));
  protocol::ZkMigrationStateRecord migration;
  migration.zk_migration_state = kZkMigrationStateNone;
  records.push_back(at_current_version(migration));
  records.push_back(at_current_version(protocol::EndTransactionRecord{}));
  return records;
}

VersionedRecord abort_transaction_record() {
  protocol::AbortTransactionRecord abort;
  abort.reason = "Controller failover";
  return at_current_version(abort);
}

std::vector<protocol::RegisterBrokerRecord::BrokerFeature> supported_features() {
  std::vector<protocol::RegisterBrokerRecord::BrokerFeature> features(2);
  features[0].name = std::string(metadata_version::kFeatureName);
  features[0].min_supported_version = metadata_version::kMinimumKraft;
  features[0].max_supported_version = metadata_version::kLatestProduction;
  features[1].name = std::string(kKraftVersionFeature);
  features[1].min_supported_version = 0;
  features[1].max_supported_version = 1;
  return features;
}

VersionedRecord register_broker_record(const BrokerRegistrationRequest& request, std::int64_t broker_epoch) {
  protocol::RegisterBrokerRecord r;
  r.broker_id = request.broker_id;
  r.incarnation_id = request.incarnation_id;
  r.broker_epoch = broker_epoch;
  for (const BrokerEndpoint& e : request.endpoints) {
    protocol::RegisterBrokerRecord::BrokerEndpoint endpoint;
    endpoint.name = e.listener;
    endpoint.host = e.host;
    endpoint.port = e.port;
    endpoint.security_protocol = e.security_protocol;
    r.end_points.push_back(std::move(endpoint));
  }
  r.features = supported_features();
  r.rack = request.rack;
  r.fenced = true;
  r.in_controlled_shutdown = false;
  r.log_dirs = request.log_dirs;
  return at_current_version(std::move(r));
}

std::vector<VersionedRecord> unfence_broker_records(const MetadataImage& image, std::int32_t broker_id,
                                                    std::int64_t broker_epoch) {
  std::vector<VersionedRecord> records;
  protocol::BrokerRegistrationChangeRecord change;
  change.broker_id = broker_id;
  change.broker_epoch = broker_epoch;
  change.fenced = -1;
  records.push_back(at_current_version(change));
  for (const auto& [id, topic] : image.topics_by_id) {
    for (const auto& [partition_id, p] : topic->partitions) {
      if (p.leader != kNoLeader || std::find(p.isr.begin(), p.isr.end(), broker_id) == p.isr.end()) continue;
      protocol::PartitionChangeRecord elect;
      elect.topic_id = id;
      elect.partition_id = partition_id;
      elect.leader = broker_id;
      records.push_back(at_current_version(elect));
    }
  }
  return records;
}

}  // namespace sluice::coordinator
