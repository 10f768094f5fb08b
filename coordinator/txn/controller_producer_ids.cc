#include "coordinator/txn/controller_producer_ids.h"

#include <utility>

#include "coordinator/controller/controller.h"

namespace sluice::coordinator {

void ControllerProducerIds::allocate_block(std::function<void(protocol::Result<ProducerIdBlock>)> done) {
  controller_.allocate_producer_ids(broker_id_, controller_.broker_epoch(),
                                    [done = std::move(done)](AllocatedProducerIds allocated) {
                                      if (!allocated.status.ok()) {
                                        done(allocated.status);
                                        return;
                                      }
                                      done(ProducerIdBlock{allocated.first_id, allocated.size});
                                    });
}

}  // namespace sluice::coordinator
