#include "common/aws/chain_credentials_provider.h"

#include <utility>

#include "common/aws/container_credentials_provider.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/shared_file_credentials_provider.h"

namespace wharf::aws {

ChainCredentialsProvider::ChainCredentialsProvider(
    std::vector<std::unique_ptr<CredentialsProvider>> providers)
    : providers_(std::move(providers)) {}

std::unique_ptr<ChainCredentialsProvider> ChainCredentialsProvider::Default(
    const Environment& env, const std::string& profile) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<EnvCredentialsProvider>(env));
  providers.push_back(std::make_unique<SharedFileCredentialsProvider>(env, profile));
  return std::make_unique<ChainCredentialsProvider>(std::move(providers));
}

std::unique_ptr<ChainCredentialsProvider> ChainCredentialsProvider::Default(
    const Environment& env, const std::string& profile, const Remote& remote) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<EnvCredentialsProvider>(env));
  providers.push_back(std::make_unique<SharedFileCredentialsProvider>(env, profile));
  providers.push_back(std::make_unique<ContainerCredentialsProvider>(remote.io, remote.transport,
                                                                     remote.clock, env));
  return std::make_unique<ChainCredentialsProvider>(std::move(providers));
}

Result<Credentials> ChainCredentialsProvider::GetCredentials() {
  std::string tried;
  for (const auto& provider : providers_) {
    auto creds = provider->GetCredentials();
    if (creds.ok()) return creds;
    if (creds.status().code() != Status::Code::kNotFound) return creds;
    if (!tried.empty()) tried += "; ";
    tried += creds.status().message();
  }
  return NoneFound(tried);
}

void ChainCredentialsProvider::GetCredentialsAsync(Callback done) {
  AskFrom(0, "", std::move(done));
}

void ChainCredentialsProvider::AskFrom(size_t index, std::string tried, Callback done) {
  if (index >= providers_.size()) {
    done(NoneFound(tried));
    return;
  }
  providers_[index]->GetCredentialsAsync(
      [this, index, tried = std::move(tried),
       done = std::move(done)](Result<Credentials> creds) mutable {
        if (creds.ok() || creds.status().code() != Status::Code::kNotFound) {
          done(std::move(creds));
          return;
        }
        if (!tried.empty()) tried += "; ";
        tried += creds.status().message();
        AskFrom(index + 1, std::move(tried), std::move(done));
      });
}

Status ChainCredentialsProvider::NoneFound(const std::string& tried) {
  return Status::NotFound("no AWS credentials found: " + (tried.empty() ? "no providers" : tried));
}

}  // namespace wharf::aws
