#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "common/aws/aws_errors.h"
#include "common/base/status.h"
#include "wharf/v1/plan.pb.h"

namespace wharf::aws {

// The result of one AWS call: a value, or the AWS error (service, operation,
// code, message, request id, retryable, http status) ready to be put in an
// ActionResult. status() gives the same failure as a wharf::Status.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Outcome(v1::Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  // True when a later attempt may succeed. Precondition: !ok().
  bool retryable() const { return error_->retryable(); }

  // Preconditions: ok().
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  const v1::Error& error() const {
    assert(!ok());
    return *error_;
  }

  // OK, or the error as a Status (see aws_errors.h for the mapping).
  Status status() const { return ok() ? Status::Ok() : ErrorToStatus(*error_); }

 private:
  std::optional<T> value_;
  std::optional<v1::Error> error_;  // set iff value_ is not
};

}  // namespace wharf::aws
