// Kafka's text form of a Uuid (topic ids, cluster ids, directory ids): URL-safe
// base64 of the 16 big-endian bytes, unpadded (22 characters), as
// org.apache.kafka.common.Uuid.toString / fromString.
#pragma once

#include <string_view>

#include "protocol/result.h"
#include "protocol/uuid.h"

namespace sluice::storage {

// Uuid.fromString: 22 URL-safe base64 characters, or 24 ending in "==".
// Anything else -> INVALID_REQUEST naming the text.
protocol::Result<protocol::Uuid> parse_uuid_base64(std::string_view text);

// Uuid.randomUuid: a random version-4 UUID that is neither of Kafka's
// reserved ids (zero, one) nor prints with a leading '-' (which command line
// tools would take for an option). Reads the kernel's CSPRNG (getrandom).
protocol::Uuid random_uuid();

}  // namespace sluice::storage
