#include "coordinator/controller/producer_id_operations.h"

#include <limits>
#include <string>

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Status;

ControllerResult<AllocatedProducerIds> allocate_producer_ids(const MetadataImage& image, std::int32_t broker_id,
                                                             std::int64_t broker_epoch) {
  ControllerResult<AllocatedProducerIds> result;
  const BrokerRegistration* broker = image.broker(broker_id);
  if (broker == nullptr) {
    result.response.status = {ErrorCode::BROKER_ID_NOT_REGISTERED,
                              "Broker " + std::to_string(broker_id) + " is not registered"};
    return result;
  }
  if (broker->epoch != broker_epoch) {
    result.response.status = {ErrorCode::STALE_BROKER_EPOCH, "Expected broker epoch " + std::to_string(broker->epoch) +
                                                                 ", but got " + std::to_string(broker_epoch)};
    return result;
  }
  const std::int64_t first = std::max<std::int64_t>(image.next_producer_id, 0);
  if (first > std::numeric_limits<std::int64_t>::max() - kProducerIdBlockSize) {
    result.response.status = {ErrorCode::UNKNOWN_SERVER_ERROR, "Exhausted all producerIds."};
    return result;
  }
  protocol::ProducerIdsRecord record;
  record.broker_id = broker_id;
  record.broker_epoch = broker_epoch;
  record.next_producer_id = first + kProducerIdBlockSize;
  result.records.push_back(at_current_version(record));
  result.response.first_id = first;
  result.response.size = kProducerIdBlockSize;
  return result;
}

}  // namespace sluice::coordinator
