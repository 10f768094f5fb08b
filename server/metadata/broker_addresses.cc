#include "server/metadata/broker_addresses.h"

#include "server/broker_services.h"

namespace sluice::server {

std::vector<BrokerAddress> broker_addresses(const RequestContext& ctx, const coordinator::MetadataImage& image) {
  std::vector<BrokerAddress> out;
  const std::string& listener = ctx.connection.listener_name;
  for (const auto& [id, broker] : image.brokers) {
    const bool self = id == ctx.services.node_id;
    if (broker.fenced && !self) continue;
    BrokerAddress& b = out.emplace_back();
    b.id = id;
    b.rack = broker.rack;
    if (self) {
      // Our own address as advertised now (the bound port when 0 was asked).
      for (const AdvertisedEndpoint& e : ctx.services.advertised()) {
        if (e.listener == listener || b.host.empty()) {
          b.host = e.host;
          b.port = e.port;
        }
      }
      continue;
    }
    for (const auto& e : broker.endpoints) {
      if (e.listener == listener) {
        b.host = e.host;
        b.port = e.port;
      }
    }
  }
  return out;
}

}  // namespace sluice::server
