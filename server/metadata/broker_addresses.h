// The brokers clients may talk to, at the address advertised for the
// listener the client connected through (Metadata, DescribeCluster).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coordinator/controller/metadata_image.h"
#include "server/request_context.h"

namespace sluice::server {

struct BrokerAddress {
  std::int32_t id = -1;
  std::string host;
  std::int32_t port = 0;
  std::optional<std::string> rack;
};

// Unfenced brokers, and always this one.
std::vector<BrokerAddress> broker_addresses(const RequestContext& ctx, const coordinator::MetadataImage& image);

}  // namespace sluice::server
