// Kafka's KafkaApis entry: takes each request frame from the network layer,
// parses its header, checks the API and version, and hands the body to the
// API's handler. Requests it cannot parse close the connection, as Kafka.
#pragma once

#include "server/network/request_handler.h"

namespace sluice::server {

struct BrokerServices;

class Dispatcher final : public network::RequestHandler {
 public:
  explicit Dispatcher(BrokerServices& services) : services_(services) {}

  asio::awaitable<network::HandlerResult> handle(const network::ConnectionInfo& connection,
                                                 std::vector<std::uint8_t> frame) override;
  void connection_closed(const network::ConnectionInfo& connection) override;

 private:
  BrokerServices& services_;
};

}  // namespace sluice::server
