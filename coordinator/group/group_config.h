// The broker settings the group coordinator follows (Kafka's group.* and
// offsets.* keys).
#pragma once

#include <cstdint>

namespace sluice::coordinator {

struct GroupConfig {
  std::int32_t min_session_timeout_ms = 6000;                 // group.min.session.timeout.ms
  std::int32_t max_session_timeout_ms = 1800000;              // group.max.session.timeout.ms
  std::int32_t initial_rebalance_delay_ms = 3000;             // group.initial.rebalance.delay.ms
  std::int32_t max_size = 2147483647;                         // group.max.size
  std::int64_t offsets_retention_ms = 10080LL * 60 * 1000;    // offsets.retention.minutes
  std::int64_t offsets_retention_check_interval_ms = 600000;  // offsets.retention.check.interval.ms
  std::int32_t offset_metadata_max_bytes = 4096;              // offset.metadata.max.bytes
  std::int32_t offsets_topic_partitions = 50;                 // offsets.topic.num.partitions
  // Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: how long a new member's
  // first join may wait before it is dropped (KIP-394 follow-up).
  std::int64_t new_member_join_timeout_ms = 5 * 60 * 1000;
};

}  // namespace sluice::coordinator
