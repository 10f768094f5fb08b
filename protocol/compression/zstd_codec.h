// zstd (Kafka codec 4, KIP-110; record batches of magic 2 only).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/compression/bounded_output.h"
#include "protocol/result.h"

namespace sluice::protocol {

// Appends one zstd frame; level as libzstd's (default 3 when empty).
Status zstd_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out,
                     std::optional<int> level = std::nullopt);

// Streams, so the bound holds whether or not frames declare their size; a
// frame whose window is far larger than the limit is decoded in one shot into
// at most the limit instead of allocating that window.
Status zstd_decompress(std::span<const std::uint8_t> input, BoundedOutput& out);

}  // namespace sluice::protocol
