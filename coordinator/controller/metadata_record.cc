#include "coordinator/controller/metadata_record.h"

#include <utility>

namespace sluice::coordinator {

std::int16_t api_key_of(const MetadataRecord& record) {
  return std::visit([](const auto& r) { return std::decay_t<decltype(r)>::kApiKey; }, record);
}

std::string_view name_of(const MetadataRecord& record) {
  return std::visit([](const auto& r) { return std::decay_t<decltype(r)>::kName; }, record);
}

VersionedRecord at_current_version(MetadataRecord record) {
  std::int16_t version = 0;
  switch (api_key_of(record)) {
    case protocol::PartitionRecord::kApiKey:
    case protocol::PartitionChangeRecord::kApiKey:
      version = 1;
      break;
    case protocol::RegisterBrokerRecord::kApiKey:
      version = 3;
      break;
    case protocol::BrokerRegistrationChangeRecord::kApiKey:
      version = 2;
      break;
    default:
      break;
  }
  return VersionedRecord{std::move(record), version};
}

}  // namespace sluice::coordinator
