#include "protocol/compression/bounded_output.h"

#include <algorithm>
#include <limits>
#include <string>

namespace sluice::protocol {
namespace {
constexpr std::size_t kMinAllocation = 4096;
}  // namespace

BoundedOutput::BoundedOutput(std::size_t limit, std::size_t expected_size)
    : limit_(limit), cap_(limit == std::numeric_limits<std::size_t>::max() ? limit : limit + 1) {
  grow_to_at_least(std::min(std::max(expected_size, kMinAllocation), cap_));
}

void BoundedOutput::grow_to_at_least(std::size_t n) {
  if (n <= buffer_.size()) return;
  // Doubling keeps the number of reallocations logarithmic; reserve() first
  // so the vector's own growth policy cannot overshoot the cap.
  const std::size_t doubled = buffer_.size() > cap_ / 2 ? cap_ : buffer_.size() * 2;
  const std::size_t target = std::min(cap_, std::max(n, doubled));
  buffer_.reserve(target);
  buffer_.resize(target);
}

std::span<std::uint8_t> BoundedOutput::room() {
  if (size_ == buffer_.size()) grow_to_at_least(std::min(cap_, size_ + kMinAllocation));
  return std::span<std::uint8_t>(buffer_).subspan(size_);
}

std::span<std::uint8_t> BoundedOutput::extend(std::size_t n) {
  if (n > limit_ - std::min(size_, limit_) || size_ > limit_) return {};
  grow_to_at_least(size_ + n);
  std::span<std::uint8_t> out = std::span<std::uint8_t>(buffer_).subspan(size_, n);
  size_ += n;
  return out;
}

Status BoundedOutput::too_large() const {
  return {ErrorCode::RECORD_LIST_TOO_LARGE,
          "decompressed records exceed the limit of " + std::to_string(limit_) + " bytes"};
}

std::vector<std::uint8_t> BoundedOutput::take() && {
  buffer_.resize(std::min(size_, buffer_.size()));
  return std::move(buffer_);
}

}  // namespace sluice::protocol
