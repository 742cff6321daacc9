#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/aws/credentials_provider.h"
#include "common/aws/environment.h"
#include "common/aws/http_transport.h"
#include "common/base/asio.h"
#include "common/base/clock.h"

namespace wharf::aws {

// Asks each provider in order and returns the first credentials found. A
// provider answering kNotFound passes to the next; any other error stops the
// chain (a half-configured source is reported, not skipped). Thread-safe if
// the providers are; GetCredentialsAsync() calls back on the thread its
// providers do.
class ChainCredentialsProvider final : public CredentialsProvider {
 public:
  // What remote providers (ECS container credentials) fetch with. Each must
  // outlive the chain.
  struct Remote {
    asio::io_context& io;
    HttpTransport& transport;
    const Clock& clock;
  };

  explicit ChainCredentialsProvider(std::vector<std::unique_ptr<CredentialsProvider>> providers);

  // The standard chain, in botocore's order for the sources Wharf supports:
  // environment, the shared credentials and config files for `profile`
  // (empty: AWS_PROFILE / "default"), then (with `remote`) ECS container
  // credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI).
  static std::unique_ptr<ChainCredentialsProvider> Default(const Environment& env,
                                                           const std::string& profile = "");
  static std::unique_ptr<ChainCredentialsProvider> Default(const Environment& env,
                                                           const std::string& profile,
                                                           const Remote& remote);

  Result<Credentials> GetCredentials() override;
  void GetCredentialsAsync(Callback done) override;

  size_t size() const { return providers_.size(); }

 private:
  void AskFrom(size_t index, std::string tried, Callback done);
  static Status NoneFound(const std::string& tried);

  const std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

}  // namespace wharf::aws
