// Shared by the fuzz targets: libFuzzer cannot forge a CRC, so an input's
// v2 batches get theirs made right, as a hostile client or a disk that
// corrupts whole batches would, and the fuzzer reaches the code behind the check.
#pragma once

#include <cstdint>
#include <span>

#include "protocol/records/record_batch.h"

namespace sluice::fuzz {

// Rewrites the CRC of each whole v2 batch from the start of `bytes`, up to
// the first entry that is not one.
inline void make_batch_crcs_right(std::span<std::uint8_t> bytes) {
  while (bytes.size() >= protocol::batch_layout::kHeaderSize) {
    auto h = protocol::parse_batch_header(bytes);
    if (!h || h->size_in_bytes() > bytes.size()) return;
    protocol::update_crc(bytes.first(h->size_in_bytes()));
    bytes = bytes.subspan(h->size_in_bytes());
  }
}

}  // namespace sluice::fuzz
