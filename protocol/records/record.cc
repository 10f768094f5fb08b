#include "protocol/records/record.h"

#include <algorithm>

#include "protocol/varint.h"

namespace sluice::protocol {
namespace {

std::size_t nullable_size(const NullableBytes& b) {
  return b ? varint_size(static_cast<std::int32_t>(b->size())) + b->size() : 1;
}

void write_nullable(Writer& w, const NullableBytes& b) {
  if (!b) {
    w.varint(-1);
    return;
  }
  w.varint(static_cast<std::int32_t>(b->size()));
  w.raw(*b);
}

// A varint length, -1 for null when allowed; fails the reader otherwise.
bool read_length(Reader& r, bool nullable, std::int32_t& n) {
  n = r.varint();
  if (!r.ok()) return false;
  if (n < (nullable ? -1 : 0)) {
    r.fail("invalid record field length");
    return false;
  }
  if (static_cast<std::size_t>(std::max(n, 0)) > r.remaining()) {
    r.fail("record field past the end of the record");
    return false;
  }
  return true;
}

bool read_nullable(Reader& r, NullableBytes& out) {
  std::int32_t n = 0;
  if (!read_length(r, true, n)) return false;
  if (n < 0) {
    out.reset();
  } else {
    out = r.view(static_cast<std::size_t>(n));
  }
  return r.ok();
}

}  // namespace

bool same_bytes(const NullableBytes& a, const NullableBytes& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::ranges::equal(*a, *b);
}

bool RecordHeader::operator==(const RecordHeader& o) const { return key == o.key && same_bytes(value, o.value); }

std::size_t record_body_size(const Record& r) {
  std::size_t n = 1 + varlong_size(r.timestamp_delta) + varint_size(r.offset_delta);
  n += nullable_size(r.key) + nullable_size(r.value);
  n += varint_size(static_cast<std::int32_t>(r.headers.size()));
  for (const RecordHeader& h : r.headers) {
    n += varint_size(static_cast<std::int32_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
  }
  return n;
}

std::size_t record_size(const Record& r) {
  const std::size_t body = record_body_size(r);
  return varint_size(static_cast<std::int32_t>(body)) + body;
}

void write_record(Writer& w, const Record& r) {
  w.varint(static_cast<std::int32_t>(record_body_size(r)));
  w.i8(r.attributes);
  w.varlong(r.timestamp_delta);
  w.varint(r.offset_delta);
  write_nullable(w, r.key);
  write_nullable(w, r.value);
  w.varint(static_cast<std::int32_t>(r.headers.size()));
  for (const RecordHeader& h : r.headers) {
    w.varint(static_cast<std::int32_t>(h.key.size()));
    w.raw(std::span(reinterpret_cast<const std::uint8_t*>(h.key.data()), h.key.size()));
    write_nullable(w, h.value);
  }
}

bool read_record(Reader& r, Record& out) {
  std::int32_t length = 0;
  if (!read_length(r, false, length)) return false;
  Reader body = r.sub(static_cast<std::size_t>(length));
  out.attributes = body.i8();
  out.timestamp_delta = body.varlong();
  out.offset_delta = body.varint();
  if (!read_nullable(body, out.key) || !read_nullable(body, out.value)) {
    r.fail(body.error());
    return false;
  }
  std::int32_t header_count = 0;
  if (!read_length(body, false, header_count)) {
    r.fail(body.error());
    return false;
  }
  out.headers.clear();
  // Each header takes at least two bytes, so the count is checked against the
  // bytes left before anything is allocated.
  if (static_cast<std::size_t>(header_count) > body.remaining() / 2) {
    r.fail("record header count past the end of the record");
    return false;
  }
  out.headers.reserve(static_cast<std::size_t>(header_count));
  for (std::int32_t i = 0; i < header_count; ++i) {
    std::int32_t key_length = 0;
    if (!read_length(body, false, key_length)) break;
    Bytes key = body.view(static_cast<std::size_t>(key_length));
    RecordHeader& h = out.headers.emplace_back();
    h.key = std::string_view(reinterpret_cast<const char*>(key.data()), key.size());
    if (!read_nullable(body, h.value)) break;
  }
  if (!body.ok()) {
    r.fail(body.error());
    return false;
  }
  if (body.remaining() != 0) {
    r.fail("record body longer than its fields");
    return false;
  }
  return true;
}

Status read_records(std::span<const std::uint8_t> bytes, std::int32_t count, std::vector<Record>& records) {
  records.clear();
  if (count < 0) return {ErrorCode::CORRUPT_MESSAGE, "negative record count"};
  Reader r(bytes);
  // A record takes at least 7 bytes, which bounds what a claimed count may reserve.
  records.reserve(std::min<std::size_t>(static_cast<std::size_t>(count), bytes.size() / 7));
  for (std::int32_t i = 0; i < count; ++i) {
    if (!read_record(r, records.emplace_back())) {
      return {ErrorCode::CORRUPT_MESSAGE, std::string("record ") + std::to_string(i) + ": " + r.error()};
    }
  }
  if (r.remaining() != 0) return {ErrorCode::CORRUPT_MESSAGE, "bytes after the last record of the batch"};
  return {};
}

}  // namespace sluice::protocol
