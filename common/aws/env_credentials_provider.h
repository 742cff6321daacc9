#pragma once

#include "common/aws/credentials_provider.h"
#include "common/aws/environment.h"

namespace wharf::aws {

// Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optional
// AWS_SESSION_TOKEN (AWS_SECURITY_TOKEN is accepted as an older name).
// Thread-safe.
class EnvCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvCredentialsProvider(Environment env);
  // kNotFound when neither key variable is set; kInvalidArgument when only one
  // of the two is.
  Result<Credentials> GetCredentials() override;

 private:
  const Environment env_;
};

}  // namespace wharf::aws
