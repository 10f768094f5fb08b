// snappy (Kafka codec 2). The Java producer writes snappy-java's "xerial"
// framing (SnappyOutputStream): a 16-byte header, then blocks of a big-endian
// int32 length and a raw snappy block. librdkafka reads both, but some of its
// versions and other clients write bare raw snappy, so reading accepts both.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/compression/bounded_output.h"
#include "protocol/result.h"

namespace sluice::protocol {

// Whether `input` starts with the xerial magic header (\x82SNAPPY\0).
bool is_xerial_snappy(std::span<const std::uint8_t> input);

// Appends `input` in xerial framing (32 KiB blocks, what Java clients write).
Status snappy_compress_xerial(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out);
// Appends `input` as one raw snappy block.
Status snappy_compress_raw(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out);

// Xerial framing or a raw block, told apart by the magic header.
Status snappy_decompress(std::span<const std::uint8_t> input, BoundedOutput& out);

}  // namespace sluice::protocol
