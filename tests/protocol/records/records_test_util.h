// Helpers shared by the record format tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/records/record.h"
#include "tests/protocol/golden_files.h"

namespace sluice::protocol::testing {

inline Bytes as_bytes(std::string_view s) { return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

inline std::string as_string(const NullableBytes& b) {
  return b ? std::string(reinterpret_cast<const char*>(b->data()), b->size()) : std::string("<null>");
}

inline std::vector<std::uint8_t> record_data(const std::string& name) {
  return read_file(std::filesystem::path(SLUICE_SOURCE_DIR) / "tests/protocol/records/data" / name);
}

}  // namespace sluice::protocol::testing
