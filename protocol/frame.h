// Request and response frames: the 4-byte size prefix, the header whose
// version follows from the API and its version, and the body.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/generated/api_keys.h"
#include "protocol/generated/request_header.h"
#include "protocol/generated/response_header.h"
#include "protocol/message_support.h"

namespace sluice::protocol {

struct ApiAndVersion {
  std::int16_t key = 0;
  std::int16_t version = 0;
};

// A request as received (without the size prefix): its header decoded, its
// body still encoded (a view into the frame).
struct RequestFrame {
  RequestHeader header;
  int header_version = 0;
  std::span<const std::uint8_t> body;

  std::int16_t api_key() const { return header.request_api_key; }
  std::int16_t api_version() const { return header.request_api_version; }
};

// The API key and version, the first four bytes of every request header:
// enough to answer even a request whose header cannot be parsed (KIP-511).
Result<ApiAndVersion> peek_api(std::span<const std::uint8_t> frame);

// Decodes the header of a request for a known API. The version is not checked
// against the API's range here; the dispatcher does that so it can answer
// ApiVersions requests of newer versions with UNSUPPORTED_VERSION.
Result<RequestFrame> parse_request_frame(std::span<const std::uint8_t> frame);

namespace detail {
void begin_frame(std::vector<std::uint8_t>& out, std::size_t& size_at);
void end_frame(std::vector<std::uint8_t>& out, std::size_t size_at, std::size_t external_bytes = 0);

// Size prefix, header, body; on failure `out` is left as it was.
template <class Header, class M>
Status write_frame(const Header& header, int header_version, const M& body, std::int16_t version,
                   std::vector<std::uint8_t>& out, const ExternalSink& externals = {}) {
  std::size_t size_at = 0;
  begin_frame(out, size_at);
  Status s = encode_into(header, static_cast<std::int16_t>(header_version), out);
  if (s.ok()) s = encode_into(body, version, out, externals);
  if (!s.ok()) {
    out.resize(size_at);
    return s;
  }
  end_frame(out, size_at, externals.total_bytes);
  return {};
}
}  // namespace detail

// Appends size prefix, response header and body of a response to `out`.
// External records fields (see RecordsView::external) leave gaps listed in
// `externals`; the size prefix counts them.
template <class M>
Status encode_response_frame(const M& body, std::int16_t api_version, std::int32_t correlation_id,
                             std::vector<std::uint8_t>& out, const ExternalSink& externals = {}) {
  const int header_version = response_header_version(M::kApiKey, api_version);
  if (header_version < 0) return {ErrorCode::INVALID_REQUEST, "unknown API key"};
  ResponseHeader header;
  header.correlation_id = correlation_id;
  return detail::write_frame(header, header_version, body, api_version, out, externals);
}

// Appends size prefix, request header and body of a request to `out` (clients,
// tools and tests; the broker only reads requests).
template <class M>
Status encode_request_frame(const M& body, std::int16_t api_version, std::int32_t correlation_id,
                            std::string_view client_id, std::vector<std::uint8_t>& out) {
  const int header_version = request_header_version(M::kApiKey, api_version);
  if (header_version < 0) return {ErrorCode::INVALID_REQUEST, "unknown API key"};
  RequestHeader header;
  header.request_api_key = M::kApiKey;
  header.request_api_version = api_version;
  header.correlation_id = correlation_id;
  if (header_version >= 1) header.client_id = std::string(client_id);
  return detail::write_frame(header, header_version, body, api_version, out);
}

}  // namespace sluice::protocol
