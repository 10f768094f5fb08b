// Loads the request frames captured from real clients (tests/protocol/golden).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace sluice::protocol::testing {

inline std::filesystem::path golden_dir() { return std::filesystem::path(SLUICE_SOURCE_DIR) / "tests/protocol/golden"; }

inline std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// "kcat/006_Produce_v7_none.bin" -> its bytes.
inline std::vector<std::uint8_t> golden(const std::string& name) { return read_file(golden_dir() / name); }

// Every captured frame, as paths relative to golden_dir(), sorted.
inline std::vector<std::string> all_golden_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(golden_dir())) {
    if (e.path().extension() == ".bin") out.push_back(std::filesystem::relative(e.path(), golden_dir()).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sluice::protocol::testing
