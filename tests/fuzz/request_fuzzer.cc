// libFuzzer target: a request frame as a session hands it to the dispatcher
// (the size prefix already taken off): the header, then the body through the
// generated decoder of its API and version. Whatever the bytes, decoding
// ends in a value or an error, never a crash, leak or huge allocation.
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/frame.h"
#include "protocol/generated/all_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = sluice::protocol;
  auto frame = p::parse_request_frame(std::span<const std::uint8_t>(data, size));
  if (!frame) return 0;
  const std::int16_t key = frame->api_key();
  const std::int16_t version = frame->api_version();
  p::for_each_api([&]<class Request, class Response>() {
    if (Request::kApiKey != key || version < Request::kLowestVersion || version > Request::kHighestVersion) return;
    auto request = p::decode<Request>(frame->body, version);
    // What decoded must encode again (the broker echoes fields back).
    if (request) (void)p::encode(*request, version);
  });
  return 0;
}
