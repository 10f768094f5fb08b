// XXH32, the hash of the LZ4 frame format's header checksum. Only frame
// headers (a few bytes) are hashed here, so a plain implementation suffices.
#pragma once

#include <cstdint>
#include <span>

namespace sluice::protocol {

std::uint32_t xxhash32(std::span<const std::uint8_t> data, std::uint32_t seed = 0);

}  // namespace sluice::protocol
