// The records a single-node KRaft controller writes at start-up: the
// bootstrap records of a new cluster, and this broker's registration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/metadata_record.h"
#include "protocol/uuid.h"

namespace sluice::coordinator {

// What Kafka 3.9's controller appends to an empty metadata log
// (ActivationRecordsGenerator.recordsForEmptyLog, metadata transactions
// being supported from 3.6-IV1 on): a BeginTransactionRecord "Bootstrap
// records", the bootstrap metadata.version FeatureLevelRecord that
// `kafka-storage format` writes, a ZkMigrationStateRecord NONE (a de-novo
// KRaft cluster) and an EndTransactionRecord.
std::vector<VersionedRecord> bootstrap_records(std::int16_t metadata_version = metadata_version::kLatestProduction);

// Ends a transaction found open at start-up, as Kafka's activation does.
VersionedRecord abort_transaction_record();

// Who registers: this node's id, listeners, rack and log directories.
struct BrokerRegistrationRequest {
  std::int32_t broker_id = 1;
  protocol::Uuid incarnation_id;  // new at every start
  std::vector<BrokerEndpoint> endpoints;
  std::optional<std::string> rack;
  std::vector<protocol::Uuid> log_dirs;
};

// The features a Kafka 3.9 broker supports: metadata.version 3.0-IV1 to
// 3.9-IV0 and kraft.version 0 to 1.
std::vector<protocol::RegisterBrokerRecord::BrokerFeature> supported_features();

// RegisterBrokerRecord for `request`, fenced until it is unfenced. The
// broker epoch is the offset this record gets in the log, as Kafka's
// ClusterControlManager.registerBroker uses.
VersionedRecord register_broker_record(const BrokerRegistrationRequest& request, std::int64_t broker_epoch);

// Unfences a registered broker (BrokerRegistrationChangeRecord, Fenced -1),
// as the controller does once the broker's heartbeat says it caught up, and
// elects it leader of partitions left without one that it is in the ISR of
// (ReplicationControlManager.handleBrokerUnfenced).
std::vector<VersionedRecord> unfence_broker_records(const MetadataImage& image, std::int32_t broker_id,
                                                    std::int64_t broker_epoch);

}  // namespace sluice::coordinator
