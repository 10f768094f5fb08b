// The value of a `records` field: a view on bytes owned elsewhere (the request
// buffer on decode, the log or a builder on encode), never a copy. Null and
// empty are different on the wire. An external view has a length but no
// bytes: the encoder writes its length prefix and leaves a gap that the
// caller fills from elsewhere (Fetch data sent with sendfile).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

namespace sluice::protocol {

class RecordsView {
 public:
  RecordsView() = default;  // null
  explicit RecordsView(std::span<const std::uint8_t> bytes) : bytes_(bytes), null_(false) {}

  static RecordsView external(std::size_t length) {
    RecordsView v;
    v.null_ = false;
    v.external_length_ = length;
    return v;
  }

  bool is_null() const { return null_; }
  bool is_external() const { return external_length_ > 0; }
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t size() const { return is_external() ? external_length_ : bytes_.size(); }

  bool operator==(const RecordsView& o) const {
    return null_ == o.null_ && external_length_ == o.external_length_ && std::ranges::equal(bytes_, o.bytes_);
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t external_length_ = 0;
  bool null_ = true;
};

}  // namespace sluice::protocol
