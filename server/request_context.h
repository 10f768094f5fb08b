// What a handler knows about the request it serves: who sent it, its header,
// and the broker's services. Handlers receive it with the decoded request.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/generated/request_header.h"
#include "server/network/request_handler.h"
#include "storage/log/file_records.h"

namespace sluice::server {

struct BrokerServices;

struct RequestContext {
  RequestContext(const network::ConnectionInfo& c, const protocol::RequestHeader& h, BrokerServices& s)
      : connection(c), header(h), services(s) {}

  const network::ConnectionInfo& connection;
  const protocol::RequestHeader& header;
  BrokerServices& services;

  // Produce with acks=0: Kafka sends nothing back.
  bool suppress_response = false;
  // Close after this request (a failed acks=0 produce).
  bool close_connection = false;
  // Fetch: record data to send from the log files (sendfile), in the order
  // their external records fields appear in the response.
  std::vector<storage::FileSlice> external_records;
  // Buffers the response's views point into (down-converted record data).
  std::vector<std::vector<std::uint8_t>> owned_buffers;

  std::int16_t api_version() const { return header.request_api_version; }
  std::int32_t correlation_id() const { return header.correlation_id; }
  std::string_view client_id() const {
    return header.client_id ? std::string_view(*header.client_id) : std::string_view();
  }
};

}  // namespace sluice::server
