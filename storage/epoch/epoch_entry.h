// One leader epoch and the first offset written in it (Kafka's EpochEntry).
#pragma once

#include <cstdint>

namespace sluice::storage {

struct EpochEntry {
  std::int32_t epoch = 0;
  std::int64_t start_offset = 0;
  bool operator==(const EpochEntry&) const = default;
};

}  // namespace sluice::storage
