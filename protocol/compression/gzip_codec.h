// gzip (Kafka codec 1) through zlib: a gzip wrapper around deflate, as Java's
// GZIPOutputStream writes it. Reading accepts concatenated members, as Java's
// GZIPInputStream does.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/compression/bounded_output.h"
#include "protocol/result.h"

namespace sluice::protocol {

// Appends one gzip member to `out`. Level 1-9, zlib's default (6) when empty.
Status gzip_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out,
                     std::optional<int> level = std::nullopt);

Status gzip_decompress(std::span<const std::uint8_t> input, BoundedOutput& out);

}  // namespace sluice::protocol
