#pragma once

#include <cstring>
#include <iosfwd>
#include <string>
#include <utility>

namespace wharf::aws {

// A secret value (an SSM SecureString, a password) that must never reach a
// log, an error message or a plan. It cannot be streamed (operator<< is
// deleted) or formatted (no fmt::formatter), and converts to nothing; the
// one way to the characters is Reveal(), to be called where the value is
// handed on (to a container's environment, a signer) and nowhere else. The
// characters are overwritten when the object is destroyed or assigned over.
class SensitiveString {
 public:
  SensitiveString() = default;
  explicit SensitiveString(std::string value) : value_(std::move(value)) {}
  SensitiveString(const SensitiveString&) = default;
  SensitiveString(SensitiveString&& other) noexcept : value_(std::move(other.value_)) {
    other.Wipe();
  }
  SensitiveString& operator=(const SensitiveString& other) {
    if (this != &other) {
      Wipe();
      value_ = other.value_;
    }
    return *this;
  }
  SensitiveString& operator=(SensitiveString&& other) noexcept {
    if (this != &other) {
      Wipe();
      value_ = std::move(other.value_);
      other.Wipe();
    }
    return *this;
  }
  ~SensitiveString() { Wipe(); }

  // The secret. Do not log it, put it in an error, or keep copies around.
  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  size_t size() const { return value_.size(); }

  // Streaming a secret is a compile error, not a redaction to discover in
  // production logs.
  friend std::ostream& operator<<(std::ostream&, const SensitiveString&) = delete;

 private:
  void Wipe() {
    if (!value_.empty()) {
      volatile char* p = value_.data();
      for (size_t i = 0; i < value_.size(); ++i) p[i] = 0;
    }
    value_.clear();
  }

  std::string value_;
};

}  // namespace wharf::aws
