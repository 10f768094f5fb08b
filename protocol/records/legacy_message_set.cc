#include "protocol/records/legacy_message_set.h"

#include <zlib.h>

#include <algorithm>
#include <string>

#include "protocol/compression/codec.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {
namespace {

constexpr std::size_t kCrcOffset = batch_layout::kLogOverhead;        // crc follows offset and size
constexpr std::size_t kMagicOffset = batch_layout::kLogOverhead + 4;  // what the crc covers starts here

std::uint32_t crc32_of(std::span<const std::uint8_t> bytes) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; messages are far below 4 GiB (the size is int32).
  crc = ::crc32(crc, bytes.data(), static_cast<uInt>(bytes.size()));
  return static_cast<std::uint32_t>(crc);
}

Status corrupt(const std::string& why) { return {ErrorCode::CORRUPT_MESSAGE, "legacy message: " + why}; }

bool read_bytes(Reader& r, NullableBytes& out) {
  const std::int32_t n = r.i32();
  if (!r.ok()) return false;
  if (n < -1) {
    r.fail("negative length");
    return false;
  }
  if (n == -1) {
    out.reset();
    return true;
  }
  out = r.view(static_cast<std::size_t>(n));
  return r.ok();
}

// Parses one message (without reading any inner set); checks its CRC.
Result<LegacyMessage> parse_message(std::span<const std::uint8_t> entry) {
  Reader r(entry);
  LegacyMessage m;
  m.offset = r.i64();
  r.i32();  // size, already checked by the iterator
  const std::uint32_t crc = r.u32();
  m.magic = r.i8();
  if (m.magic != 0 && m.magic != 1) return corrupt("magic " + std::to_string(m.magic));
  m.attributes = r.i8();
  if (m.magic == 1) m.timestamp = r.i64();
  if (!read_bytes(r, m.key) || !read_bytes(r, m.value)) return corrupt(r.error());
  if (r.remaining() != 0) return corrupt("message longer than its fields");
  if (crc32_of(entry.subspan(kMagicOffset)) != crc) return corrupt("CRC mismatch");
  return m;
}

void write_message(std::vector<std::uint8_t>& out, std::int8_t magic, std::int64_t offset, std::int8_t attributes,
                   std::int64_t timestamp, const NullableBytes& key, const NullableBytes& value) {
  const std::size_t body =
      4 + 1 + 1 + (magic == 1 ? 8 : 0) + 4 + (key ? key->size() : 0) + 4 + (value ? value->size() : 0);
  const std::size_t at = out.size();
  out.resize(at + batch_layout::kLogOverhead + body);
  Writer w(std::span<std::uint8_t>(out).subspan(at));
  w.i64(offset);
  w.i32(static_cast<std::int32_t>(body));
  w.u32(0);  // CRC, below
  w.i8(magic);
  w.i8(attributes);
  if (magic == 1) w.i64(timestamp);
  w.i32(key ? static_cast<std::int32_t>(key->size()) : -1);
  if (key) w.raw(*key);
  w.i32(value ? static_cast<std::int32_t>(value->size()) : -1);
  if (value) w.raw(*value);
  std::span<std::uint8_t> msg = std::span<std::uint8_t>(out).subspan(at);
  const std::uint32_t crc = crc32_of(msg.subspan(kMagicOffset));
  Writer cw(msg.subspan(kCrcOffset, 4));
  cw.u32(crc);
}

}  // namespace

Result<LegacyMessageSet> read_legacy_message_set(std::span<const std::uint8_t> bytes, std::size_t max_decompressed) {
  LegacyMessageSet set;
  std::size_t inflated_total = 0;
  EntryIterator it(bytes);
  while (std::optional<std::span<const std::uint8_t>> entry = it.next()) {
    Result<LegacyMessage> outer = parse_message(*entry);
    if (!outer) return outer.status();
    const std::optional<CompressionType> codec = compression_from_attributes(outer->attributes);
    if (!codec) return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown compression codec"};
    if (*codec == CompressionType::kNone) {
      set.messages.push_back(*outer);
      continue;
    }
    if (*codec == CompressionType::kZstd) {
      return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "zstd needs record batch magic 2"};
    }
    if (set.source_compression == CompressionType::kNone) set.source_compression = *codec;
    if (!outer->value) return corrupt("compressed wrapper without a value");
    Result<std::vector<std::uint8_t>> inner_bytes =
        decompress(*codec, *outer->value, max_decompressed - inflated_total);
    if (!inner_bytes) return inner_bytes.status();
    inflated_total += inner_bytes->size();
    std::span<const std::uint8_t> inner_view = set.scratch.emplace_back(std::move(inner_bytes).value());

    std::vector<LegacyMessage> inner;
    EntryIterator inner_it(inner_view);
    while (std::optional<std::span<const std::uint8_t>> e = inner_it.next()) {
      Result<LegacyMessage> m = parse_message(*e);
      if (!m) return m.status();
      if (m->attributes & kCompressionTypeMask) return corrupt("nested compression");
      inner.push_back(*m);
    }
    if (!inner_it.error().ok()) return inner_it.error();
    if (inner_it.remaining() != 0) return corrupt("inner message set cut short");
    if (inner.empty()) return corrupt("compressed wrapper with no messages");
    // KIP-31: magic 1 inner offsets are relative; the wrapper has the last
    // absolute offset. A LogAppendTime wrapper's timestamp applies to all.
    // Offsets past int64's range are corrupt input (found by the fuzzer).
    std::int64_t base = 0;
    if (outer->magic == 1 && __builtin_sub_overflow(outer->offset, inner.back().offset, &base)) {
      return corrupt("inner offset out of range");
    }
    for (LegacyMessage& m : inner) {
      if (outer->magic == 1 && __builtin_add_overflow(base, m.offset, &m.offset)) {
        return corrupt("inner offset out of range");
      }
      if (outer->timestamp_type() == TimestampType::kLogAppendTime) {
        m.timestamp = outer->timestamp;
        m.attributes = static_cast<std::int8_t>(m.attributes | legacy_attributes::kTimestampType);
      }
      set.messages.push_back(m);
    }
  }
  if (!it.error().ok()) return it.error();
  if (it.remaining() != 0) return corrupt("message set cut short");
  return set;
}

LegacyMessageSetBuilder::LegacyMessageSetBuilder(std::int8_t magic, CompressionType compression,
                                                 TimestampType timestamp_type, std::int64_t log_append_time)
    : magic_(magic), compression_(compression), timestamp_type_(timestamp_type), log_append_time_(log_append_time) {}

void LegacyMessageSetBuilder::append(std::int64_t offset, std::int64_t timestamp, NullableBytes key,
                                     NullableBytes value) {
  entries_.push_back(Entry{offset, timestamp, key, value});
}

Result<std::vector<std::uint8_t>> LegacyMessageSetBuilder::build() const {
  if (magic_ != 0 && magic_ != 1) return {ErrorCode::INVALID_REQUEST, "legacy magic must be 0 or 1"};
  if (compression_ == CompressionType::kZstd) {
    return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "zstd needs record batch magic 2"};
  }
  const bool log_append = magic_ == 1 && timestamp_type_ == TimestampType::kLogAppendTime;
  const std::int8_t type_bit = log_append ? legacy_attributes::kTimestampType : std::int8_t{0};
  auto timestamp_of = [&](const Entry& e) { return log_append ? log_append_time_ : e.timestamp; };

  std::vector<std::uint8_t> out;
  if (compression_ == CompressionType::kNone) {
    for (const Entry& e : entries_) write_message(out, magic_, e.offset, type_bit, timestamp_of(e), e.key, e.value);
    return out;
  }
  if (entries_.empty()) return out;
  std::vector<std::uint8_t> inner;
  std::int64_t max_timestamp = kNoTimestamp;
  for (const Entry& e : entries_) {
    const std::int64_t inner_offset = magic_ == 1 ? e.offset - entries_.front().offset : e.offset;
    write_message(inner, magic_, inner_offset, type_bit, timestamp_of(e), e.key, e.value);
    max_timestamp = std::max(max_timestamp, timestamp_of(e));
  }
  std::vector<std::uint8_t> compressed;
  if (Status s = compress(compression_, inner, compressed, CompressOptions::for_magic(magic_)); !s.ok()) return s;
  const auto attributes = static_cast<std::int8_t>(static_cast<std::int8_t>(compression_) | type_bit);
  write_message(out, magic_, entries_.back().offset, attributes, max_timestamp, std::nullopt, Bytes(compressed));
  return out;
}

}  // namespace sluice::protocol
