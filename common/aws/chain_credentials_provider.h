#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/aws/credentials_provider.h"
#include "common/aws/environment.h"

namespace wharf::aws {

// Asks each provider in order and returns the first credentials found. A
// provider answering kNotFound passes to the next; any other error stops the
// chain (a half-configured source is reported, not skipped). Thread-safe if
// the providers are.
class ChainCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ChainCredentialsProvider(std::vector<std::unique_ptr<CredentialsProvider>> providers);

  // The standard chain: environment, then the shared files for `profile`
  // (empty: AWS_PROFILE / "default").
  static std::unique_ptr<ChainCredentialsProvider> Default(const Environment& env,
                                                           const std::string& profile = "");

  Result<Credentials> GetCredentials() override;

 private:
  const std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

}  // namespace wharf::aws
