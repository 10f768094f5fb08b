// DescribeCluster (key 60): the cluster id, controller and brokers, as the
// Admin client's describeCluster asks for them.
#include "protocol/generated/describe_cluster_request.h"
#include "protocol/generated/describe_cluster_response.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/metadata/authorized_operations.h"
#include "server/metadata/broker_addresses.h"

namespace sluice::server {

using protocol::DescribeClusterRequest;
using protocol::DescribeClusterResponse;

asio::awaitable<DescribeClusterResponse> handle_describe_cluster(RequestContext& ctx, DescribeClusterRequest& req) {
  DescribeClusterResponse resp;
  // KIP-919: endpoint type 1 asks for brokers; 2 (controllers) is for
  // controller listeners, which this combined node does not expose apart.
  if (ctx.api_version() >= 1 && req.endpoint_type != 1) {
    resp.error_code = static_cast<std::int16_t>(protocol::ErrorCode::UNSUPPORTED_ENDPOINT_TYPE);
    resp.error_message = "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type " +
                         std::string(req.endpoint_type == 2 ? "CONTROLLER" : "UNKNOWN");
    co_return resp;
  }
  resp.endpoint_type = req.endpoint_type;
  resp.cluster_id = ctx.services.cluster_id;
  resp.controller_id = ctx.services.node_id;
  for (const BrokerAddress& a : broker_addresses(ctx, *ctx.services.image())) {
    auto& b = resp.brokers.emplace_back();
    b.broker_id = a.id;
    b.host = a.host;
    b.port = a.port;
    b.rack = a.rack;
  }
  if (req.include_cluster_authorized_operations) resp.cluster_authorized_operations = cluster_authorized_operations();
  co_return resp;
}

}  // namespace sluice::server
