// Deterministic pseudo-random values for the generated fillers, which set every
// field a version carries so that round trips exercise the whole schema.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "protocol/records_view.h"
#include "protocol/uuid.h"

namespace sluice::protocol::testing {

class Filler {
 public:
  explicit Filler(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}

  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::int64_t integer() {
    // Mix small values (common on the wire) with full-width ones.
    std::uint64_t r = next();
    return (r & 1) ? static_cast<std::int64_t>(r >> 1) : static_cast<std::int64_t>(r % 7) - 2;
  }
  bool flip() { return (next() & 1) != 0; }
  double real() { return static_cast<double>(next() % 1000000) / 8.0; }
  bool null() { return next() % 4 == 0; }
  std::size_t count() { return next() % 3; }

  std::string text() {
    std::string s(next() % 12, 'a');
    for (char& c : s) c = static_cast<char>('a' + next() % 26);
    return s;
  }
  std::vector<std::uint8_t> blob() {
    std::vector<std::uint8_t> b(next() % 16);
    for (auto& x : b) x = static_cast<std::uint8_t>(next());
    return b;
  }
  Uuid uuid() { return {next(), next()}; }
  RecordsView records() {
    // The view must outlive the message: keep the bytes here (a deque never moves them).
    auto& b = records_.emplace_back(blob());
    return RecordsView(b);
  }

 private:
  std::uint64_t state_;
  std::deque<std::vector<std::uint8_t>> records_;
};

}  // namespace sluice::protocol::testing
