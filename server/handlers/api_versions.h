// The answer to an ApiVersions request of a version we don't support.
#pragma once

#include "server/network/request_handler.h"
#include "server/request_context.h"

namespace sluice::server {

// KIP-511: an ApiVersions v0 response with UNSUPPORTED_VERSION and the APIs
// we support, which every client version can read.
network::HandlerResult unsupported_api_versions_response(RequestContext& ctx);

}  // namespace sluice::server
