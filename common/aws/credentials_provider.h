#pragma once

#include "common/aws/credentials.h"
#include "common/base/result.h"

namespace wharf::aws {

// Finds credentials for signing. GetCredentials() is called for every request
// attempt, on the caller's (io) thread, and must not block on the network:
// providers that fetch credentials remotely refresh them in the background and
// serve a cached copy.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Complete credentials, or kNotFound when this source has none, or another
  // error when the source exists but is broken (e.g. a profile without a
  // secret).
  virtual Result<Credentials> GetCredentials() = 0;
};

}  // namespace wharf::aws
