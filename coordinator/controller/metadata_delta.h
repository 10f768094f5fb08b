// Kafka's MetadataDelta: records replayed on top of an image, producing the
// next image. Replay follows Kafka's semantics: a ConfigRecord with a null
// value deletes the key, RemoveTopicRecord drops the topic and its configs,
// PartitionChangeRecord merges into the partition (a new leader bumps the
// leader epoch, every change bumps the partition epoch), a feature at level
// 0 is removed.
#pragma once

#include <cstdint>
#include <memory>
#include <set>

#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/metadata_record.h"
#include "protocol/result.h"

namespace sluice::coordinator {

class MetadataDelta {
 public:
  explicit MetadataDelta(std::shared_ptr<const MetadataImage> base);

  // Applies one record. CORRUPT_MESSAGE when it contradicts the metadata (a
  // partition of an unknown topic, a second topic of the same name, a
  // broker change for another broker epoch); the delta is then unusable.
  // Transaction markers change nothing here: the loader handles them.
  protocol::Status replay(const MetadataRecord& record);

  // The image with every record replayed so far, read up to `offset` in a
  // batch of leader epoch `epoch`. The delta goes on from that image.
  std::shared_ptr<const MetadataImage> apply(std::int64_t offset, std::int32_t epoch);

  const MetadataImage& base() const { return *base_; }
  // The metadata as replayed so far.
  const MetadataImage& current() const { return *next_; }

 private:
  protocol::Status replay_record(const protocol::TopicRecord& r);
  protocol::Status replay_record(const protocol::PartitionRecord& r);
  protocol::Status replay_record(const protocol::PartitionChangeRecord& r);
  protocol::Status replay_record(const protocol::RemoveTopicRecord& r);
  protocol::Status replay_record(const protocol::ConfigRecord& r);
  protocol::Status replay_record(const protocol::FeatureLevelRecord& r);
  protocol::Status replay_record(const protocol::RegisterBrokerRecord& r);
  protocol::Status replay_record(const protocol::UnregisterBrokerRecord& r);
  protocol::Status replay_record(const protocol::FenceBrokerRecord& r);
  protocol::Status replay_record(const protocol::UnfenceBrokerRecord& r);
  protocol::Status replay_record(const protocol::BrokerRegistrationChangeRecord& r);
  protocol::Status replay_record(const protocol::ZkMigrationStateRecord& r);
  protocol::Status replay_record(const protocol::ProducerIdsRecord& r);
  protocol::Status replay_record(const protocol::NoOpRecord&) { return {}; }
  protocol::Status replay_record(const protocol::BeginTransactionRecord&) { return {}; }
  protocol::Status replay_record(const protocol::EndTransactionRecord&) { return {}; }
  protocol::Status replay_record(const protocol::AbortTransactionRecord&) { return {}; }

  // A topic of next_ this delta may change (copied from the base on first use).
  TopicImage* mutable_topic(const protocol::Uuid& id);
  // The registration of `id` at `epoch`, or an error naming `what`.
  protocol::Result<BrokerRegistration*> broker_at_epoch(std::int32_t id, std::int64_t epoch, const char* what);

  std::shared_ptr<const MetadataImage> base_;
  std::shared_ptr<MetadataImage> next_;
  std::set<protocol::Uuid> owned_topics_;  // topics of next_ not shared with any image
};

}  // namespace sluice::coordinator
