#include "common/aws/chain_credentials_provider.h"

#include <utility>

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

Result<Credentials> ChainCredentialsProvider::GetCredentials() {
  std::string tried;
  for (const auto& provider : providers_) {
    auto creds = provider->GetCredentials();
    if (creds.ok()) return creds;
    if (creds.status().code() != Status::Code::kNotFound) return creds;
    if (!tried.empty()) tried += "; ";
    tried += creds.status().message();
  }
  return Status::NotFound("no AWS credentials found: " + (tried.empty() ? "no providers" : tried));
}

}  // namespace wharf::aws
