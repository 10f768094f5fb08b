#include "server/network/network_config.h"

#include <asio/error.hpp>
#include <charconv>
#include <set>
#include <string>

namespace sluice::server::network {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

protocol::Status invalid(std::string detail) { return {protocol::ErrorCode::INVALID_CONFIG, std::move(detail)}; }

}  // namespace

protocol::Result<std::map<asio::ip::address, std::int32_t>> parse_max_connections_per_ip_overrides(
    std::string_view text) {
  std::map<asio::ip::address, std::int32_t> overrides;
  while (!trim(text).empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    // Split at the last ':' like Kafka's parseCsvMap, so IPv6 keys work.
    const auto colon = entry.rfind(':');
    if (colon == std::string_view::npos) {
      return invalid("max.connections.per.ip.overrides entry without ':' : " + std::string(entry));
    }
    std::string_view host = trim(entry.substr(0, colon));
    const std::string_view count_text = trim(entry.substr(colon + 1));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    asio::error_code ec;
    const auto address = asio::ip::make_address(std::string(host), ec);
    if (ec) return invalid("max.connections.per.ip.overrides: not an IP address: " + std::string(host));
    std::int32_t count = 0;
    const auto [end, err] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (err != std::errc{} || end != count_text.data() + count_text.size() || count < 0) {
      return invalid("max.connections.per.ip.overrides: bad count for " + std::string(host));
    }
    overrides[address] = count;
  }
  return overrides;
}

protocol::Status validate(const NetworkConfig& config) {
  if (config.listeners.empty()) return invalid("no listeners");
  std::set<std::string> names;
  for (const auto& listener : config.listeners) {
    if (listener.name.empty()) return invalid("listener without a name");
    if (!names.insert(listener.name).second) return invalid("duplicate listener name " + listener.name);
  }
  if (config.num_network_threads < 1) return invalid("num.network.threads must be at least 1");
  if (config.socket_request_max_bytes < 1) return invalid("socket.request.max.bytes must be at least 1");
  if (config.socket_listen_backlog_size < 1) return invalid("socket.listen.backlog.size must be at least 1");
  if (config.max_connections < 1) return invalid("max.connections must be at least 1");
  if (config.max_connections_per_ip < 0) return invalid("max.connections.per.ip must not be negative");
  if (config.queued_max_requests < 1) return invalid("queued.max.requests must be at least 1");
  if (config.max_queued_requests_per_connection < 1) return invalid("max queued requests per connection must be >= 1");
  if (config.max_unsent_response_bytes_per_connection < 1) return invalid("max unsent response bytes must be >= 1");
  return {};
}

}  // namespace sluice::server::network
