// Which __consumer_offsets partition holds a group: Kafka's
// Utils.abs(groupId.hashCode()) % partitions, with Java's String.hashCode
// over the id's UTF-16 code units, so a group maps to the same partition
// (and the same coordinator) as on Apache Kafka.
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice::coordinator {

// java.lang.String.hashCode of the UTF-8 string `s` (decoded to UTF-16;
// an invalid byte counts as U+FFFD, as Java's decoder replaces it).
std::int32_t java_string_hash(std::string_view s);

std::int32_t group_partition(std::string_view group_id, std::int32_t partitions);

}  // namespace sluice::coordinator
