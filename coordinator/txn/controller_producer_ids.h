// Producer id blocks from this node's controller (in a cluster the broker
// would send AllocateProducerIds to the active controller; in combined mode
// it asks the controller in-process, with its own broker id and epoch).
#pragma once

#include <cstdint>

#include "coordinator/txn/producer_id_source.h"

namespace sluice::coordinator {

class Controller;

class ControllerProducerIds final : public ProducerIdSource {
 public:
  ControllerProducerIds(Controller& controller, std::int32_t broker_id)
      : controller_(controller), broker_id_(broker_id) {}
  void allocate_block(std::function<void(protocol::Result<ProducerIdBlock>)> done) override;

 private:
  Controller& controller_;
  const std::int32_t broker_id_;
};

}  // namespace sluice::coordinator
