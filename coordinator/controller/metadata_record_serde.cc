#include "coordinator/controller/metadata_record_serde.h"

#include <limits>
#include <string>
#include <utility>

#include "protocol/message_support.h"

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Reader;
using protocol::Result;
using protocol::Status;

namespace {

void append_uvarint(std::uint32_t value, std::vector<std::uint8_t>& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

// Kafka reads each header varint as an int and refuses what a short cannot hold.
Result<std::int16_t> read_header_field(Reader& r, const char* entity) {
  const std::uint32_t value = r.uvarint();
  if (!r.ok()) return Status{ErrorCode::CORRUPT_MESSAGE, std::string("Error while reading ") + entity};
  if (value > static_cast<std::uint32_t>(std::numeric_limits<std::int16_t>::max())) {
    return Status{ErrorCode::CORRUPT_MESSAGE, std::string("Value for ") + entity + " was too large."};
  }
  return static_cast<std::int16_t>(value);
}

// Decodes the alternative of MetadataRecord whose apiKey is `type`.
template <std::size_t I = 0>
Result<MetadataRecord> decode_body(std::int16_t type, Reader& r, std::int16_t version) {
  if constexpr (I == std::variant_size_v<MetadataRecord>) {
    (void)r;
    (void)version;
    return Status{ErrorCode::UNSUPPORTED_VERSION, "Unknown metadata id " + std::to_string(type)};
  } else {
    using M = std::variant_alternative_t<I, MetadataRecord>;
    if (M::kApiKey != type) return decode_body<I + 1>(type, r, version);
    auto decoded = protocol::decode<M>(r, version);
    if (decoded.ok()) return MetadataRecord(std::move(decoded).value());
    if (decoded.code() == ErrorCode::UNSUPPORTED_VERSION) return decoded.status();
    return Status{ErrorCode::CORRUPT_MESSAGE,
                  "Failed to deserialize record with type " + std::to_string(type) + ": " + decoded.status().detail};
  }
}

}  // namespace

Status encode_metadata_record(const VersionedRecord& record, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  append_uvarint(kMetadataFrameVersion, out);
  append_uvarint(static_cast<std::uint16_t>(api_key_of(record.record)), out);
  append_uvarint(static_cast<std::uint16_t>(record.version), out);
  Status s = std::visit([&](const auto& m) { return protocol::encode_into(m, record.version, out); }, record.record);
  if (!s.ok()) out.resize(start);
  return s;
}

Result<std::vector<std::uint8_t>> encode_metadata_record(const VersionedRecord& record) {
  std::vector<std::uint8_t> out;
  if (Status s = encode_metadata_record(record, out); !s.ok()) return s;
  return out;
}

Result<VersionedRecord> decode_metadata_record(std::span<const std::uint8_t> value) {
  Reader r(value);
  auto frame = read_header_field(r, "frame version");
  if (!frame.ok()) return frame.status();
  if (*frame == 0) {
    // The KRaft preview of Kafka 2.8 wrote frame version 0; Kafka refuses it too.
    return Status{ErrorCode::CORRUPT_MESSAGE, "Could not deserialize metadata record with frame version 0."};
  }
  if (static_cast<std::uint32_t>(*frame) != kMetadataFrameVersion) {
    return Status{ErrorCode::CORRUPT_MESSAGE, "Could not deserialize metadata record due to unknown frame version " +
                                                  std::to_string(*frame) + "(only frame version 1 is supported)"};
  }
  auto type = read_header_field(r, "type");
  if (!type.ok()) return type.status();
  auto version = read_header_field(r, "version");
  if (!version.ok()) return version.status();
  auto body = decode_body(*type, r, *version);
  if (!body.ok()) return body.status();
  if (r.remaining() > 0) {
    return Status{ErrorCode::CORRUPT_MESSAGE,
                  "Found " + std::to_string(r.remaining()) + " byte(s) of garbage after " + std::to_string(*type)};
  }
  return VersionedRecord{std::move(body).value(), *version};
}

}  // namespace sluice::coordinator
