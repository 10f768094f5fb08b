// The KRaft metadata records Sluice's controller writes and replays, and the
// version each is written at. The metadata log of a Kafka 3.9 cluster holds
// these as the values of its records (see metadata_record_serde.h).
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "protocol/generated/abort_transaction_record.h"
#include "protocol/generated/begin_transaction_record.h"
#include "protocol/generated/broker_registration_change_record.h"
#include "protocol/generated/config_record.h"
#include "protocol/generated/end_transaction_record.h"
#include "protocol/generated/feature_level_record.h"
#include "protocol/generated/fence_broker_record.h"
#include "protocol/generated/no_op_record.h"
#include "protocol/generated/partition_change_record.h"
#include "protocol/generated/partition_record.h"
#include "protocol/generated/producer_ids_record.h"
#include "protocol/generated/register_broker_record.h"
#include "protocol/generated/remove_topic_record.h"
#include "protocol/generated/topic_record.h"
#include "protocol/generated/unfence_broker_record.h"
#include "protocol/generated/unregister_broker_record.h"
#include "protocol/generated/zk_migration_state_record.h"

namespace sluice::coordinator {

// Every record type Sluice understands. A log holding any other type
// (ACLs, quotas, SCRAM credentials, ...) is refused at load rather than
// half-understood.
using MetadataRecord =
    std::variant<protocol::RegisterBrokerRecord, protocol::UnregisterBrokerRecord, protocol::TopicRecord,
                 protocol::PartitionRecord, protocol::ConfigRecord, protocol::PartitionChangeRecord,
                 protocol::FenceBrokerRecord, protocol::UnfenceBrokerRecord, protocol::RemoveTopicRecord,
                 protocol::FeatureLevelRecord, protocol::BrokerRegistrationChangeRecord, protocol::NoOpRecord,
                 protocol::ZkMigrationStateRecord, protocol::BeginTransactionRecord, protocol::EndTransactionRecord,
                 protocol::AbortTransactionRecord, protocol::ProducerIdsRecord>;

// A record and the version it is written at (Kafka's ApiMessageAndVersion).
struct VersionedRecord {
  MetadataRecord record;
  std::int16_t version = 0;

  bool operator==(const VersionedRecord&) const = default;
};

// The record type id (the schema's apiKey, MetadataRecordType's id).
std::int16_t api_key_of(const MetadataRecord& record);
std::string_view name_of(const MetadataRecord& record);

// metadata.version, the feature that decides record versions.
namespace metadata_version {
inline constexpr std::string_view kFeatureName = "metadata.version";
// 3.0-IV1: what Kafka assumes for a log that never set the feature.
inline constexpr std::int16_t kMinimumKraft = 1;
// 3.9-IV0: MetadataVersion.LATEST_PRODUCTION in Kafka 3.9.
inline constexpr std::int16_t kLatestProduction = 21;
}  // namespace metadata_version

// The record at the version Kafka 3.9-IV0 writes it: PartitionRecord and
// PartitionChangeRecord v1 (directory assignment, KIP-858, no ELR),
// RegisterBrokerRecord v3, BrokerRegistrationChangeRecord v2, the rest v0.
VersionedRecord at_current_version(MetadataRecord record);

}  // namespace sluice::coordinator
