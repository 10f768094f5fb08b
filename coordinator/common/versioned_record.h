// The framing of the records Kafka's coordinators keep in their internal
// topics (__consumer_offsets, __transaction_state): a key or value is a
// big-endian int16 version followed by the message at that version.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "protocol/message_support.h"
#include "protocol/result.h"

namespace sluice::coordinator {

// `m` at `version`, its version first. Every field the callers set exists
// at the version they pick, so the encoding cannot fail.
template <class M>
std::vector<std::uint8_t> versioned(const M& m, std::int16_t version) {
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(static_cast<std::uint16_t>(version) >> 8),
                                static_cast<std::uint8_t>(version & 0xFF)};
  (void)protocol::encode_into(m, version, out);
  return out;
}

// The leading version; CORRUPT_MESSAGE for fewer than two bytes.
inline protocol::Result<std::int16_t> read_version(std::span<const std::uint8_t> bytes, const char* what) {
  if (bytes.size() < 2) {
    return protocol::Status{protocol::ErrorCode::CORRUPT_MESSAGE, std::string(what) + " shorter than its version"};
  }
  return static_cast<std::int16_t>((bytes[0] << 8) | bytes[1]);
}

}  // namespace sluice::coordinator
