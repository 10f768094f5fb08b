// Encodings shared by every generated message: length-prefixed strings, bytes,
// records and arrays in their classic (int16/int32 length) and compact
// (unsigned varint length + 1) forms, and tagged-field sections. Each reader
// checks a claimed length against the bytes actually present before it
// allocates anything.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reader.h"
#include "protocol/records_view.h"
#include "protocol/varint.h"
#include "protocol/writer.h"

namespace sluice::protocol {

// A tagged field this code does not know, kept so it survives a re-encode.
struct UnknownTaggedField {
  std::uint32_t tag = 0;
  std::vector<std::uint8_t> data;
  bool operator==(const UnknownTaggedField&) const = default;
};
using UnknownTaggedFields = std::vector<UnknownTaggedField>;

namespace codec {

// Classic strings carry an int16 length; bytes, records and arrays an int32.
enum class Prefix { kInt16, kInt32 };

// Returns the length, -1 for null, or -2 after failing the reader.
inline std::int64_t read_length(Reader& r, bool compact, Prefix prefix) {
  std::int64_t n;
  if (compact) {
    n = static_cast<std::int64_t>(r.uvarint()) - 1;
  } else {
    n = prefix == Prefix::kInt16 ? r.i16() : r.i32();
  }
  if (!r.ok()) return -2;
  if (n < -1) {
    r.fail("negative length");
    return -2;
  }
  return n;
}

inline void write_length(Writer& w, bool compact, Prefix prefix, std::int64_t n) {
  if (compact) {
    w.uvarint(static_cast<std::uint64_t>(n + 1));
  } else if (prefix == Prefix::kInt16) {
    w.i16(static_cast<std::int16_t>(n));
  } else {
    w.i32(static_cast<std::int32_t>(n));
  }
}

inline std::size_t length_size(bool compact, Prefix prefix, std::int64_t n) {
  if (compact) return uvarint_size(static_cast<std::uint64_t>(n + 1));
  return prefix == Prefix::kInt16 ? 2 : 4;
}

// ---- strings and bytes ----------------------------------------------------

// Reads a length-prefixed byte run; returns false for null (already failed
// unless `nullable`).
inline bool read_run(Reader& r, bool compact, Prefix prefix, bool nullable, std::span<const std::uint8_t>& out) {
  std::int64_t n = read_length(r, compact, prefix);
  if (n == -2) return false;
  if (n == -1) {
    if (!nullable) r.fail("null value for a non-nullable field");
    return false;
  }
  out = r.view(static_cast<std::size_t>(n));
  return r.ok();
}

inline void read_string(Reader& r, bool compact, std::string& out) {
  std::span<const std::uint8_t> run;
  if (read_run(r, compact, Prefix::kInt16, false, run)) out.assign(run.begin(), run.end());
}
inline void read_nullable_string(Reader& r, bool compact, bool nullable, std::optional<std::string>& out) {
  std::span<const std::uint8_t> run;
  if (read_run(r, compact, Prefix::kInt16, nullable, run)) {
    out.emplace(run.begin(), run.end());
  } else {
    out.reset();
  }
}
inline void read_bytes(Reader& r, bool compact, std::vector<std::uint8_t>& out) {
  std::span<const std::uint8_t> run;
  if (read_run(r, compact, Prefix::kInt32, false, run)) out.assign(run.begin(), run.end());
}
inline void read_nullable_bytes(Reader& r, bool compact, bool nullable, std::optional<std::vector<std::uint8_t>>& out) {
  std::span<const std::uint8_t> run;
  if (read_run(r, compact, Prefix::kInt32, nullable, run)) {
    out.emplace(run.begin(), run.end());
  } else {
    out.reset();
  }
}
inline void read_records(Reader& r, bool compact, bool nullable, RecordsView& out) {
  std::span<const std::uint8_t> run;
  out = read_run(r, compact, Prefix::kInt32, nullable, run) ? RecordsView(run) : RecordsView();
}

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline void write_string(Writer& w, bool compact, std::string_view s) {
  write_length(w, compact, Prefix::kInt16, static_cast<std::int64_t>(s.size()));
  w.raw(as_bytes(s));
}
inline void write_nullable_string(Writer& w, bool compact, const std::optional<std::string>& s) {
  if (!s) return write_length(w, compact, Prefix::kInt16, -1);
  write_string(w, compact, *s);
}
inline void write_bytes(Writer& w, bool compact, std::span<const std::uint8_t> b) {
  write_length(w, compact, Prefix::kInt32, static_cast<std::int64_t>(b.size()));
  w.raw(b);
}
inline void write_nullable_bytes(Writer& w, bool compact, const std::optional<std::vector<std::uint8_t>>& b) {
  if (!b) return write_length(w, compact, Prefix::kInt32, -1);
  write_bytes(w, compact, *b);
}
inline void write_records(Writer& w, bool compact, const RecordsView& rv) {
  if (rv.is_null()) return write_length(w, compact, Prefix::kInt32, -1);
  if (rv.is_external()) {
    write_length(w, compact, Prefix::kInt32, static_cast<std::int64_t>(rv.size()));
    return w.external(rv.size());
  }
  write_bytes(w, compact, rv.bytes());
}

inline std::size_t string_size(bool compact, std::string_view s) {
  return length_size(compact, Prefix::kInt16, static_cast<std::int64_t>(s.size())) + s.size();
}
inline std::size_t nullable_string_size(bool compact, const std::optional<std::string>& s) {
  return s ? string_size(compact, *s) : length_size(compact, Prefix::kInt16, -1);
}
inline std::size_t bytes_size(bool compact, std::span<const std::uint8_t> b) {
  return length_size(compact, Prefix::kInt32, static_cast<std::int64_t>(b.size())) + b.size();
}
inline std::size_t nullable_bytes_size(bool compact, const std::optional<std::vector<std::uint8_t>>& b) {
  return b ? bytes_size(compact, *b) : length_size(compact, Prefix::kInt32, -1);
}
inline std::size_t records_size(bool compact, const RecordsView& rv) {
  if (rv.is_null()) return length_size(compact, Prefix::kInt32, -1);
  return length_size(compact, Prefix::kInt32, static_cast<std::int64_t>(rv.size())) + rv.size();
}

// ---- arrays ---------------------------------------------------------------

// Returns the element count, or -1 for null / failure. A count larger than the
// remaining bytes cannot be honest (every element takes at least one byte), so
// it is rejected before anything is allocated, as Kafka does.
inline std::int32_t read_array_length(Reader& r, bool compact, bool nullable) {
  std::int64_t n = read_length(r, compact, Prefix::kInt32);
  if (n == -2) return -1;
  if (n == -1) {
    if (!nullable) r.fail("null array for a non-nullable field");
    return -1;
  }
  if (static_cast<std::uint64_t>(n) > r.remaining()) {
    r.fail("array count exceeds the remaining bytes");
    return -1;
  }
  return static_cast<std::int32_t>(n);
}

inline void write_array_length(Writer& w, bool compact, std::int64_t n) { write_length(w, compact, Prefix::kInt32, n); }
inline std::size_t array_length_size(bool compact, std::int64_t n) { return length_size(compact, Prefix::kInt32, n); }

// ---- tagged fields --------------------------------------------------------

inline void write_unknown_tags(Writer& w, const UnknownTaggedFields& tags) {
  for (const auto& t : tags) {
    w.uvarint(t.tag);
    w.uvarint(t.data.size());
    w.raw(t.data);
  }
}
inline std::size_t unknown_tags_size(const UnknownTaggedFields& tags) {
  std::size_t n = 0;
  for (const auto& t : tags) n += uvarint_size(t.tag) + uvarint_size(t.data.size()) + t.data.size();
  return n;
}
inline void keep_unknown_tag(UnknownTaggedFields& tags, std::uint32_t tag, Reader& field) {
  auto bytes = field.view(field.remaining());
  tags.push_back({tag, {bytes.begin(), bytes.end()}});
}

}  // namespace codec
}  // namespace sluice::protocol
