// The value of a `records` field: a view on bytes owned elsewhere (the request
// buffer on decode, the log or a builder on encode), never a copy. Null and
// empty are different on the wire.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

namespace sluice::protocol {

class RecordsView {
 public:
  RecordsView() = default;  // null
  explicit RecordsView(std::span<const std::uint8_t> bytes) : bytes_(bytes), null_(false) {}

  bool is_null() const { return null_; }
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }

  bool operator==(const RecordsView& o) const { return null_ == o.null_ && std::ranges::equal(bytes_, o.bytes_); }

 private:
  std::span<const std::uint8_t> bytes_;
  bool null_ = true;
};

}  // namespace sluice::protocol
