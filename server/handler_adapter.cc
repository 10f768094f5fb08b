#include "server/handler_adapter.h"

#include <spdlog/spdlog.h>

namespace sluice::server::detail {

void log_close(const RequestContext& ctx, std::string_view what, const protocol::Status& status) {
  spdlog::warn("closing connection {}: {} {} v{}: {}", ctx.connection.id, what, ctx.header.request_api_key,
               ctx.api_version(), status.detail);
}

network::HandlerResult splice(RequestContext& ctx, std::vector<std::uint8_t> frame,
                              const std::vector<protocol::ExternalRange>& gaps) {
  if (gaps.size() != ctx.external_records.size()) return network::HandlerResult{std::nullopt, true};
  if (gaps.empty()) return network::HandlerResult{network::Response(std::move(frame)), false};
  // frame[0, gap0) slice0 frame[gap0, gap1) slice1 ... frame[gapN, end)
  network::Response response;
  std::size_t from = 0;
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    const auto begin = frame.begin();
    response.append(std::vector<std::uint8_t>(begin + static_cast<std::ptrdiff_t>(from),
                                              begin + static_cast<std::ptrdiff_t>(gaps[i].position)));
    const storage::FileSlice& slice = ctx.external_records[i];
    response.append(network::FileRange{slice.file, slice.file->fd(), slice.position, slice.length});
    from = gaps[i].position;
  }
  response.append(std::vector<std::uint8_t>(frame.begin() + static_cast<std::ptrdiff_t>(from), frame.end()));
  return network::HandlerResult{std::move(response), false};
}

}  // namespace sluice::server::detail
