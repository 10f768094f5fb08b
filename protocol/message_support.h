// Everything a generated message needs, and the typed entry points to decode
// and encode one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/field_codec.h"
#include "protocol/reader.h"
#include "protocol/records_view.h"
#include "protocol/result.h"
#include "protocol/uuid.h"
#include "protocol/writer.h"

namespace sluice::protocol {

template <class M>
constexpr bool version_in_range(std::int16_t version) {
  return version >= M::kLowestVersion && version <= M::kHighestVersion;
}

// Decodes a whole message; `records` fields are views into `bytes`, which must
// outlive the result. Trailing bytes are ignored, as Kafka does.
template <class M>
Result<M> decode(std::span<const std::uint8_t> bytes, std::int16_t version) {
  if (!version_in_range<M>(version)) {
    return {ErrorCode::UNSUPPORTED_VERSION, std::string(M::kName) + " has no version " + std::to_string(version)};
  }
  Reader r(bytes);
  M m;
  m.read_from(r, version);
  if (!r.ok()) return {ErrorCode::INVALID_REQUEST, std::string(M::kName) + ": " + r.error()};
  return m;
}

// Same, from a reader (a frame after its header); advances the reader.
template <class M>
Result<M> decode(Reader& r, std::int16_t version) {
  if (!version_in_range<M>(version)) {
    return {ErrorCode::UNSUPPORTED_VERSION, std::string(M::kName) + " has no version " + std::to_string(version)};
  }
  M m;
  m.read_from(r, version);
  if (!r.ok()) return {ErrorCode::INVALID_REQUEST, std::string(M::kName) + ": " + r.error()};
  return m;
}

// Where the gaps of external records fields are, and how many bytes they
// hold in all (known to the caller, which supplies those bytes).
struct ExternalSink {
  std::vector<ExternalRange>* ranges = nullptr;  // positions relative to the output vector
  std::size_t total_bytes = 0;
};

// Checks that `m` can be written at `version` (Kafka's UnsupportedVersionException
// for a field the version cannot carry), then appends its encoding to `out`.
// External records fields leave gaps, listed in `externals`.
template <class M>
Status encode_into(const M& m, std::int16_t version, std::vector<std::uint8_t>& out,
                   const ExternalSink& externals = {}) {
  if (!version_in_range<M>(version)) {
    return {ErrorCode::UNSUPPORTED_VERSION, std::string(M::kName) + " has no version " + std::to_string(version)};
  }
  if (Status s = m.check_version(version); !s.ok()) return s;
  const std::size_t at = out.size();
  const std::size_t n = m.wire_size(version);
  if (externals.total_bytes > n) return {ErrorCode::UNKNOWN_SERVER_ERROR, std::string(M::kName) + ": size mismatch"};
  out.resize(at + n - externals.total_bytes);
  Writer w(std::span<std::uint8_t>(out).subspan(at));
  const std::size_t first_range = externals.ranges ? externals.ranges->size() : 0;
  w.set_external_sink(externals.ranges);
  m.write_to(w, version);
  if (!w.ok() || w.written() + w.external_bytes() != n || w.external_bytes() != externals.total_bytes) {
    return {ErrorCode::UNKNOWN_SERVER_ERROR, std::string(M::kName) + ": size mismatch"};
  }
  if (externals.ranges) {
    for (std::size_t i = first_range; i < externals.ranges->size(); ++i) (*externals.ranges)[i].position += at;
  }
  return {};
}

template <class M>
Result<std::vector<std::uint8_t>> encode(const M& m, std::int16_t version) {
  std::vector<std::uint8_t> out;
  if (Status s = encode_into(m, version, out); !s.ok()) return s;
  return out;
}

}  // namespace sluice::protocol
