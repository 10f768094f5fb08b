// One record of a RecordBatch v2 (KIP-98): varint-framed, offsets and
// timestamps as deltas from the batch header. Keys, values and header values
// are views into the batch (or its decompressed records), never copies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/reader.h"
#include "protocol/result.h"
#include "protocol/writer.h"

namespace sluice::protocol {

using Bytes = std::span<const std::uint8_t>;
using NullableBytes = std::optional<Bytes>;

struct RecordHeader {
  std::string_view key;
  NullableBytes value;
  bool operator==(const RecordHeader& o) const;
};

struct Record {
  std::int8_t attributes = 0;  // unused by Kafka so far, kept as read
  std::int64_t timestamp_delta = 0;
  std::int32_t offset_delta = 0;
  NullableBytes key;
  NullableBytes value;
  std::vector<RecordHeader> headers;
};

// Bytes of the record body (everything after its length varint).
std::size_t record_body_size(const Record& r);
// Bytes of the whole record, length varint included.
std::size_t record_size(const Record& r);

// Appends one record (length varint, then body).
void write_record(Writer& w, const Record& r);

// Reads one record, checking every length against the bytes present and that
// the body is exactly as long as its length says (Kafka's InvalidRecordException
// cases: negative header counts or key lengths, a size mismatch). Fails `r`
// and returns false on malformed input.
bool read_record(Reader& r, Record& out);

// Reads exactly `count` records filling `records` (which is cleared); bytes
// left over or missing are CORRUPT_MESSAGE. Records are views into `bytes`.
Status read_records(std::span<const std::uint8_t> bytes, std::int32_t count, std::vector<Record>& records);

// Equality of optional byte views by content.
bool same_bytes(const NullableBytes& a, const NullableBytes& b);

}  // namespace sluice::protocol
