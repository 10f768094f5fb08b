#include "server/dispatcher.h"

#include <spdlog/spdlog.h>

#include "protocol/frame.h"
#include "server/api_registry.h"
#include "server/handlers/api_versions.h"

namespace sluice::server {

asio::awaitable<network::HandlerResult> Dispatcher::handle(const network::ConnectionInfo& connection,
                                                           std::vector<std::uint8_t> frame) {
  const network::HandlerResult close{std::nullopt, true};
  protocol::Result<protocol::RequestFrame> request = protocol::parse_request_frame(frame);
  if (!request) {
    spdlog::debug("closing connection {} from {}: {}", connection.id, connection.peer.address().to_string(),
                  request.status().detail);
    co_return close;
  }
  RequestContext ctx{connection, request->header, services_};
  const ApiEntry* api = find_implemented_api(request->api_key());
  const std::int16_t version = request->api_version();
  if (api == nullptr || version < api->min_version || version > api->max_version) {
    // KIP-511: an ApiVersions request we cannot read still gets an answer,
    // in v0, listing what we support, so the client can pick a version.
    if (request->api_key() == static_cast<std::int16_t>(protocol::ApiKey::ApiVersions)) {
      co_return unsupported_api_versions_response(ctx);
    }
    spdlog::debug("closing connection {}: unsupported api {} version {}", connection.id, request->api_key(), version);
    co_return close;
  }
  co_return co_await api->invoke(ctx, request->body);
}

void Dispatcher::connection_closed(const network::ConnectionInfo& /*connection*/) {}

}  // namespace sluice::server
