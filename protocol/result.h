// Errors as values: every decode, encode and validation path returns a Status
// or a Result<T> carrying a Kafka error code, never an exception.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "protocol/generated/error_code.h"

namespace sluice::protocol {

struct [[nodiscard]] Status {
  ErrorCode code = ErrorCode::NONE;
  std::string detail;

  Status() = default;
  Status(ErrorCode c, std::string d = {}) : code(c), detail(std::move(d)) {}  // NOLINT: implicit by design

  bool ok() const { return code == ErrorCode::NONE; }
  static Status Ok() { return {}; }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design
  Result(ErrorCode code, std::string detail = {}) : v_(Status{code, std::move(detail)}) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The failure; on success a Status with code NONE.
  Status status() const { return ok() ? Status{} : std::get<1>(v_); }
  ErrorCode code() const { return ok() ? ErrorCode::NONE : std::get<1>(v_).code; }

 private:
  std::variant<T, Status> v_;
};

}  // namespace sluice::protocol
