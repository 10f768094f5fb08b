#include "protocol/frame.h"

namespace sluice::protocol {

Result<ApiAndVersion> peek_api(std::span<const std::uint8_t> frame) {
  Reader r(frame);
  ApiAndVersion out;
  out.key = r.i16();
  out.version = r.i16();
  if (!r.ok()) return {ErrorCode::INVALID_REQUEST, "request shorter than its api key and version"};
  return out;
}

Result<RequestFrame> parse_request_frame(std::span<const std::uint8_t> frame) {
  auto api = peek_api(frame);
  if (!api.ok()) return api.status();
  const int header_version = request_header_version(api->key, api->version);
  if (header_version < 0) return {ErrorCode::INVALID_REQUEST, "unknown api key " + std::to_string(api->key)};
  Reader r(frame);
  RequestFrame out;
  out.header_version = header_version;
  out.header.read_from(r, static_cast<std::int16_t>(header_version));
  if (!r.ok()) return {ErrorCode::INVALID_REQUEST, std::string("request header: ") + r.error()};
  out.body = frame.subspan(r.position());
  return out;
}

namespace detail {

void begin_frame(std::vector<std::uint8_t>& out, std::size_t& size_at) {
  size_at = out.size();
  out.resize(size_at + 4);
}

void end_frame(std::vector<std::uint8_t>& out, std::size_t size_at, std::size_t external_bytes) {
  const std::size_t n = out.size() - size_at - 4 + external_bytes;
  Writer w(std::span<std::uint8_t>(out).subspan(size_at, 4));
  w.i32(static_cast<std::int32_t>(n));
}

}  // namespace detail
}  // namespace sluice::protocol
