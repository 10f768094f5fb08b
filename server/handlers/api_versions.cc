// ApiVersions (key 18): the APIs and versions this broker implements.
#include "server/handlers/api_versions.h"

#include <regex>

#include "protocol/generated/api_versions_request.h"
#include "protocol/generated/api_versions_response.h"
#include "server/api_registry.h"
#include "server/broker_services.h"
#include "server/handler_adapter.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using protocol::ApiVersionsRequest;
using protocol::ApiVersionsResponse;
using protocol::ErrorCode;

void list_apis(ApiVersionsResponse& resp) {
  for (const ApiEntry& api : implemented_apis()) {
    auto& v = resp.api_keys.emplace_back();
    v.api_key = api.key;
    v.min_version = api.min_version;
    v.max_version = api.max_version;
  }
}

// KIP-511: client software names and versions are checked from v3 on.
bool valid_software_field(const std::string& s) {
  static const std::regex pattern("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
  return std::regex_match(s, pattern);
}

}  // namespace

asio::awaitable<ApiVersionsResponse> handle_api_versions(RequestContext& ctx, ApiVersionsRequest& req) {
  ApiVersionsResponse resp;
  if (ctx.api_version() >= 3 &&
      (!valid_software_field(req.client_software_name) || !valid_software_field(req.client_software_version))) {
    resp.error_code = static_cast<std::int16_t>(ErrorCode::INVALID_REQUEST);
    co_return resp;
  }
  list_apis(resp);
  if (ctx.api_version() >= 3) {
    const MetadataFeatures features = ctx.services.metadata_features();
    auto& supported = resp.supported_features.emplace_back();
    supported.name = "metadata.version";
    supported.min_version = features.min_metadata_version;
    supported.max_version = features.max_metadata_version;
    resp.finalized_features_epoch = features.epoch;
    auto& finalized = resp.finalized_features.emplace_back();
    finalized.name = "metadata.version";
    finalized.min_version_level = features.metadata_version;
    finalized.max_version_level = features.metadata_version;
  }
  co_return resp;
}

network::HandlerResult unsupported_api_versions_response(RequestContext& ctx) {
  ApiVersionsResponse resp;
  resp.error_code = static_cast<std::int16_t>(ErrorCode::UNSUPPORTED_VERSION);
  list_apis(resp);
  std::vector<std::uint8_t> frame;
  if (!protocol::encode_response_frame(resp, 0, ctx.correlation_id(), frame).ok()) {
    return network::HandlerResult{std::nullopt, true};
  }
  return network::HandlerResult{network::Response(std::move(frame)), false};
}

}  // namespace sluice::server
