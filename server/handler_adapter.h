// Turns a typed handler `awaitable<Resp>(RequestContext&, Req&)` into the
// registry's untyped entry: decode the body, run the handler, encode the
// response frame (with gaps for record data sent from files).
#pragma once

#include <asio/awaitable.hpp>
#include <span>
#include <string_view>

#include "protocol/frame.h"
#include "server/network/request_handler.h"
#include "server/request_context.h"

namespace sluice::server {

// The response frame of `body`, with the context's file slices spliced into
// the gaps its external records fields left.
template <class Resp>
network::HandlerResult respond(RequestContext& ctx, const Resp& body);

namespace detail {
void log_close(const RequestContext& ctx, std::string_view what, const protocol::Status& status);
network::HandlerResult splice(RequestContext& ctx, std::vector<std::uint8_t> frame,
                              const std::vector<protocol::ExternalRange>& gaps);
}  // namespace detail

template <class Req, class Resp, asio::awaitable<Resp> (*Handle)(RequestContext&, Req&)>
asio::awaitable<network::HandlerResult> invoke(RequestContext& ctx, std::span<const std::uint8_t> body) {
  protocol::Result<Req> request = protocol::decode<Req>(body, ctx.api_version());
  // Kafka closes a connection whose request it cannot parse.
  if (!request) {
    detail::log_close(ctx, "cannot decode the request", request.status());
    co_return network::HandlerResult{std::nullopt, true};
  }
  Resp response = co_await Handle(ctx, *request);
  if (ctx.suppress_response) co_return network::HandlerResult{std::nullopt, ctx.close_connection};
  co_return respond(ctx, response);
}

template <class Resp>
network::HandlerResult respond(RequestContext& ctx, const Resp& body) {
  std::vector<std::uint8_t> frame;
  std::vector<protocol::ExternalRange> gaps;
  std::size_t external_bytes = 0;
  for (const auto& slice : ctx.external_records) external_bytes += slice.length;
  const protocol::Status s =
      protocol::encode_response_frame(body, ctx.api_version(), ctx.correlation_id(), frame, {&gaps, external_bytes});
  if (!s.ok()) {
    // A handler bug (a field its version cannot carry): say so, and close.
    detail::log_close(ctx, "cannot encode the response", s);
    return network::HandlerResult{std::nullopt, true};
  }
  return detail::splice(ctx, std::move(frame), gaps);
}

}  // namespace sluice::server
