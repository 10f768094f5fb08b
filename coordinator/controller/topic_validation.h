// Kafka's rules for topic names (org.apache.kafka.common.internals.Topic):
// ASCII alphanumerics, '.', '_' and '-', at most 249 characters, not "." or
// "..", and no two topics whose names differ only by '.' against '_' (they
// would share metric names).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "coordinator/controller/metadata_image.h"

namespace sluice::coordinator {

inline constexpr std::size_t kMaxTopicNameLength = 249;
inline constexpr std::string_view kClusterMetadataTopic = "__cluster_metadata";

// Topic.validate's message ("Topic name is invalid: ..."), or nullopt for a
// legal name. The length counts UTF-16 code units, as Java does.
std::optional<std::string> invalid_topic_name_reason(std::string_view name);

bool has_collision_chars(std::string_view name);
// The name with every '.' made '_' (Topic.unifyCollisionChars).
std::string unify_collision_chars(std::string_view name);

// An existing topic other than `name` itself that `name` collides with.
std::optional<std::string> colliding_topic(const MetadataImage& image, std::string_view name);

}  // namespace sluice::coordinator
