// What the consumer-group handlers share: error codes as the wire carries
// them, and the metadata check Kafka makes before it commits or deletes
// offsets (a partition missing from the metadata image gets
// UNKNOWN_TOPIC_OR_PARTITION and never reaches the coordinator).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coordinator/controller/metadata_image.h"
#include "coordinator/group/group_types.h"
#include "protocol/generated/error_code.h"

namespace sluice::server {

constexpr std::int16_t wire_code(protocol::ErrorCode e) { return static_cast<std::int16_t>(e); }

inline bool partition_exists(const coordinator::MetadataImage& image, std::string_view topic, std::int32_t partition) {
  const coordinator::TopicImage* t = image.topic(topic);
  return t != nullptr && t->partitions.contains(partition);
}

// The coordinator's per-partition answers, looked up by topic and partition.
class PartitionErrors {
 public:
  explicit PartitionErrors(const std::vector<coordinator::PartitionError>& errors) {
    for (const coordinator::PartitionError& e : errors) errors_[{e.topic, e.partition}] = e.error;
  }

  // UNKNOWN_SERVER_ERROR for a partition the coordinator did not answer.
  protocol::ErrorCode of(const std::string& topic, std::int32_t partition) const {
    auto it = errors_.find({topic, partition});
    return it == errors_.end() ? protocol::ErrorCode::UNKNOWN_SERVER_ERROR : it->second;
  }

 private:
  std::map<std::pair<std::string, std::int32_t>, protocol::ErrorCode> errors_;
};

// Each requested partition's answer, in request order (OffsetCommit,
// OffsetDelete): UNKNOWN_TOPIC_OR_PARTITION when the image lacks it, else the
// coordinator's.
template <class RequestTopic, class ResponseTopic>
void answer_partitions(const std::vector<RequestTopic>& requested, const coordinator::MetadataImage& image,
                       const PartitionErrors& errors, std::vector<ResponseTopic>& out) {
  for (const RequestTopic& topic : requested) {
    ResponseTopic& t = out.emplace_back();
    t.name = topic.name;
    for (const auto& part : topic.partitions) {
      auto& p = t.partitions.emplace_back();
      p.partition_index = part.partition_index;
      p.error_code = wire_code(partition_exists(image, topic.name, part.partition_index)
                                   ? errors.of(topic.name, part.partition_index)
                                   : protocol::ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    }
  }
}

}  // namespace sluice::server
