// CRC-32C (Castagnoli), the checksum of RecordBatch v2. Uses the SSE4.2 crc32
// instruction on three interleaved streams where the CPU has it, a
// slicing-by-8 table otherwise.
#pragma once

#include <cstdint>
#include <span>

namespace sluice::protocol {

// CRC-32C of `bytes`, continuing from `crc` (the result of a previous call,
// or 0 to start).
std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0);

// The portable path, exposed so tests can check both paths agree.
std::uint32_t crc32c_portable(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0);

// Whether crc32c() uses the hardware instruction on this CPU.
bool crc32c_is_hardware();

}  // namespace sluice::protocol
