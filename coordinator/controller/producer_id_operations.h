// Kafka's ProducerIdControlManager: hands brokers blocks of producer ids
// (AllocateProducerIds, KIP-730). Each block is a ProducerIdsRecord in the
// metadata log, so ids never repeat across restarts or brokers.
#pragma once

#include <cstdint>

#include "coordinator/controller/controller_types.h"
#include "coordinator/controller/metadata_image.h"
#include "protocol/result.h"

namespace sluice::coordinator {

// ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE.
inline constexpr std::int32_t kProducerIdBlockSize = 1000;

struct AllocatedProducerIds {
  protocol::Status status;
  std::int64_t first_id = -1;
  std::int32_t size = 0;
};

// The next block for `broker_id`: STALE_BROKER_EPOCH when `broker_epoch` is
// not the broker's registration, BROKER_ID_NOT_REGISTERED for an unknown
// broker, UNKNOWN_SERVER_ERROR once the id space is exhausted.
ControllerResult<AllocatedProducerIds> allocate_producer_ids(const MetadataImage& image, std::int32_t broker_id,
                                                             std::int64_t broker_epoch);

}  // namespace sluice::coordinator
