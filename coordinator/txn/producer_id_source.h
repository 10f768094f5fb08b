// Where producer ids come from: the controller, which hands out disjoint
// blocks by writing a ProducerIdsRecord to the metadata log (Kafka's
// AllocateProducerIds, KIP-730), so an id is never given twice, across
// brokers and restarts.
#pragma once

#include <cstdint>
#include <functional>

#include "protocol/result.h"

namespace sluice::coordinator {

// Ids first_id .. first_id + size - 1.
struct ProducerIdBlock {
  std::int64_t first_id = 0;
  std::int32_t size = 0;
  bool operator==(const ProducerIdBlock&) const = default;
};

class ProducerIdSource {
 public:
  virtual ~ProducerIdSource() = default;
  // Asks for the next block. `done` runs once, later, possibly on another
  // thread (once the record is committed), with the block or an error.
  virtual void allocate_block(std::function<void(protocol::Result<ProducerIdBlock>)> done) = 0;
};

}  // namespace sluice::coordinator
