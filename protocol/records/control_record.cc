#include "protocol/records/control_record.h"

#include <array>

#include "protocol/reader.h"
#include "protocol/records/record_batch_builder.h"
#include "protocol/writer.h"

namespace sluice::protocol {
namespace {
constexpr std::int16_t kControlKeyVersion = 0;
constexpr std::int16_t kMarkerValueVersion = 0;
}  // namespace

Result<std::vector<std::uint8_t>> build_marker_batch(const EndTxnMarker& marker, const MarkerBatchOptions& options) {
  std::array<std::uint8_t, 4> key{};
  Writer kw(key);
  kw.i16(kControlKeyVersion);
  kw.i16(static_cast<std::int16_t>(marker.type));
  std::array<std::uint8_t, 6> value{};
  Writer vw(value);
  vw.i16(kMarkerValueVersion);
  vw.i32(marker.coordinator_epoch);

  BatchOptions o;
  o.base_offset = options.base_offset;
  o.partition_leader_epoch = options.partition_leader_epoch;
  o.producer_id = options.producer_id;
  o.producer_epoch = options.producer_epoch;
  o.transactional = true;
  o.control = true;
  RecordBatchBuilder b(o);
  b.append(options.timestamp, Bytes(key), Bytes(value));
  return b.build();
}

std::optional<ControlType> parse_control_type(const NullableBytes& key) {
  if (!key || key->size() < 4) return std::nullopt;
  Reader r(*key);
  r.i16();  // version: newer versions keep the type at the same place
  const std::int16_t type = r.i16();
  if (type == static_cast<std::int16_t>(ControlType::kAbort)) return ControlType::kAbort;
  if (type == static_cast<std::int16_t>(ControlType::kCommit)) return ControlType::kCommit;
  return std::nullopt;
}

Result<EndTxnMarker> parse_end_txn_marker(const Record& record) {
  std::optional<ControlType> type = parse_control_type(record.key);
  if (!type) return {ErrorCode::CORRUPT_MESSAGE, "control record is not a transaction marker"};
  if (!record.value || record.value->size() < 6)
    return {ErrorCode::CORRUPT_MESSAGE, "transaction marker value cut short"};
  Reader r(*record.value);
  const std::int16_t version = r.i16();
  if (version < 0) return {ErrorCode::CORRUPT_MESSAGE, "invalid transaction marker version"};
  EndTxnMarker m;
  m.type = *type;
  m.coordinator_epoch = r.i32();
  return m;
}

}  // namespace sluice::protocol
