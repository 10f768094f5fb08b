#include "server/broker_services.h"

#include "coordinator/controller/controller.h"
#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/metadata_record.h"

namespace sluice::server {

std::shared_ptr<const coordinator::MetadataImage> BrokerServices::image() const { return controller.image(); }

std::optional<std::string> BrokerServices::topic_name(const protocol::Uuid& id) const {
  const auto img = image();
  if (const coordinator::TopicImage* t = img->topic(id)) return t->name;
  return std::nullopt;
}

protocol::Uuid BrokerServices::topic_id(std::string_view name) const {
  const auto img = image();
  if (const coordinator::TopicImage* t = img->topic(name)) return t->id;
  return {};
}

bool BrokerServices::is_internal_topic(std::string_view name) const {
  // Kafka's Topic.isInternal.
  return name == "__consumer_offsets" || name == "__transaction_state";
}

MetadataFeatures BrokerServices::metadata_features() const {
  const auto img = image();
  MetadataFeatures f;
  f.min_metadata_version = coordinator::metadata_version::kMinimumKraft;
  f.max_metadata_version = coordinator::metadata_version::kLatestProduction;
  f.metadata_version = img->metadata_version();
  f.epoch = img->offset;
  return f;
}

std::vector<AdvertisedEndpoint> BrokerServices::advertised() const {
  std::lock_guard lock(advertised_mutex_);
  return advertised_;
}

void BrokerServices::set_advertised(std::vector<AdvertisedEndpoint> endpoints) {
  std::lock_guard lock(advertised_mutex_);
  advertised_ = std::move(endpoints);
}

}  // namespace sluice::server
