#pragma once

#include <string>

namespace wharf::aws {

// AWS credentials for SigV4. The secret and the session token must never be
// logged: use DebugString() for log lines.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  // Empty for long-term credentials.
  std::string session_token;
  // Where they came from ("environment", "shared-file:<profile>").
  std::string source;

  // True when the access key id and the secret are both present.
  bool complete() const { return !access_key_id.empty() && !secret_access_key.empty(); }
  // "AKIA...MPLE from environment (session token: yes)"; no secret material.
  std::string DebugString() const;
};

}  // namespace wharf::aws
