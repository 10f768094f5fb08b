// A coordinator's answer to a request once it comes: the callback to hand
// it, and the value, for tests that drive the coordinators synchronously.
#pragma once

#include <functional>
#include <memory>
#include <optional>

namespace sluice::coordinator::testing {

template <class T>
struct Pending {
  std::shared_ptr<std::optional<T>> result = std::make_shared<std::optional<T>>();
  std::function<void(T)> callback() {
    return [r = result](T value) { *r = std::move(value); };
  }
  bool done() const { return result->has_value(); }
  const T& operator*() const { return **result; }
  const T* operator->() const { return &**result; }
};

}  // namespace sluice::coordinator::testing
