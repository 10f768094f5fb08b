// LZ4 (Kafka codec 3): the standard LZ4 frame format. Kafka's own writer
// (KafkaLZ4BlockOutputStream) emits 64 KiB independent blocks without content
// size or checksums, and its reader refuses linked blocks, so that is what we
// write.
//
// KAFKA-3160: before magic 1, Kafka computed the frame descriptor checksum
// (the HC byte) over the magic number as well as the descriptor. Magic 0
// message sets must carry that broken checksum for old consumers; magic 1 and
// 2 carry the standard one. Reading accepts either.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/compression/bounded_output.h"
#include "protocol/result.h"

namespace sluice::protocol {

enum class Lz4HeaderChecksum { kStandard, kKafka3160 };

// Appends one LZ4 frame. Level as LZ4F's: 0 (or empty) the fast default,
// 3 and up the high-compression modes.
Status lz4_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out,
                    std::optional<int> level = std::nullopt, Lz4HeaderChecksum checksum = Lz4HeaderChecksum::kStandard);

Status lz4_decompress(std::span<const std::uint8_t> input, BoundedOutput& out);

// The header checksum byte a frame beginning with `frame` should carry in the
// given flavour; nullopt if the frame header is incomplete or not LZ4.
std::optional<std::uint8_t> lz4_expected_header_checksum(std::span<const std::uint8_t> frame,
                                                         Lz4HeaderChecksum checksum);

}  // namespace sluice::protocol
