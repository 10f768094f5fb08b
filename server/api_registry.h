// The APIs this broker implements, with the versions it accepts: what the
// dispatcher routes and what ApiVersions advertises. An API is listed only
// once its handler really implements it.
#pragma once

#include <asio/awaitable.hpp>
#include <cstdint>
#include <span>

#include "server/network/request_handler.h"
#include "server/request_context.h"

namespace sluice::server {

using InvokeFn = asio::awaitable<network::HandlerResult> (*)(RequestContext&, std::span<const std::uint8_t> body);

struct ApiEntry {
  std::int16_t key;
  std::int16_t min_version;
  std::int16_t max_version;
  InvokeFn invoke;
};

// Every implemented API, by key.
std::span<const ApiEntry> implemented_apis();
// nullptr when the API is not implemented.
const ApiEntry* find_implemented_api(std::int16_t key);

}  // namespace sluice::server
