#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace wharf {

// Outcome of anything the environment can break (network, AWS, bad input,
// the bus). Cheap to copy when OK. Not thread-safe to share while mutating.
class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad input: a spec, a flag, a malformed message
    kNotFound,
    kAlreadyExists,
    kFailedPrecondition,
    kUnavailable,  // transient: retry may succeed (throttling, 5xx, timeout)
    kDeadlineExceeded,
    kPermissionDenied,
    kInternal,  // a bug or an impossible state
    kCancelled,
  };

  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {Code::kFailedPrecondition, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) { return {Code::kDeadlineExceeded, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Status Cancelled(std::string m) { return {Code::kCancelled, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // True for failures a later attempt may not see (kUnavailable, kDeadlineExceeded).
  bool retryable() const { return code_ == Code::kUnavailable || code_ == Code::kDeadlineExceeded; }
  // "INVALID_ARGUMENT: message".
  std::string ToString() const;

  static std::string_view CodeName(Code code);

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace wharf

// Returns early from the enclosing function when `expr` is not OK.
#define WHARF_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::wharf::Status wharf_status_ = (expr);        \
    if (!wharf_status_.ok()) return wharf_status_; \
  } while (0)
