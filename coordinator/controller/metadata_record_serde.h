// Kafka's MetadataRecordSerde: how a metadata record becomes the value of a
// record in __cluster_metadata (and in snapshots). The value is
//   unsigned varint frame version (always 1)
//   unsigned varint record type (the schema's apiKey)
//   unsigned varint record version
//   the record in its flexible encoding at that version
// and the record's key is null.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "coordinator/controller/metadata_record.h"
#include "protocol/result.h"

namespace sluice::coordinator {

inline constexpr std::uint32_t kMetadataFrameVersion = 1;

// Appends the framed record to `out`. UNSUPPORTED_VERSION when the record
// has no such version or holds a field the version cannot carry.
protocol::Status encode_metadata_record(const VersionedRecord& record, std::vector<std::uint8_t>& out);
protocol::Result<std::vector<std::uint8_t>> encode_metadata_record(const VersionedRecord& record);

// Reads one framed record, which must fill `value` exactly. CORRUPT_MESSAGE
// for a bad frame, truncation or trailing bytes; UNSUPPORTED_VERSION for a
// record type Sluice does not know or a version above the one it reads.
protocol::Result<VersionedRecord> decode_metadata_record(std::span<const std::uint8_t> value);

}  // namespace sluice::coordinator
