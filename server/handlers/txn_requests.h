// What the transaction handlers share: the error code a client of a given
// version understands, and the topic check Kafka makes before a partition
// reaches the transaction coordinator.
#pragma once

#include <cstdint>

#include "protocol/generated/error_code.h"
#include "server/handlers/group_requests.h"

namespace sluice::server {

// KIP-588 split PRODUCER_FENCED from INVALID_PRODUCER_EPOCH; clients of
// versions before `first_fenced_version` only know the latter, so Kafka
// answers them with it.
constexpr std::int16_t txn_wire_code(protocol::ErrorCode e, std::int16_t version, std::int16_t first_fenced_version) {
  if (e == protocol::ErrorCode::PRODUCER_FENCED && version < first_fenced_version) {
    return wire_code(protocol::ErrorCode::INVALID_PRODUCER_EPOCH);
  }
  return wire_code(e);
}

}  // namespace sluice::server
