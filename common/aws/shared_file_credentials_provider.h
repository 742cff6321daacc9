#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "common/aws/credentials_provider.h"
#include "common/aws/environment.h"

namespace wharf::aws {

// Static credentials of one profile from the shared credentials file, then
// the shared config file (see ProfileFile for paths and the profile name).
// Files are read on the first call and the answer is cached; a successful
// answer is served until Invalidate(). Thread-safe.
class SharedFileCredentialsProvider final : public CredentialsProvider {
 public:
  // `profile` empty: AWS_PROFILE, AWS_DEFAULT_PROFILE, "default".
  explicit SharedFileCredentialsProvider(Environment env, std::string profile = "");

  // kNotFound when neither file has keys for the profile;
  // kInvalidArgument when the profile has a key id without a secret;
  // kFailedPrecondition when the profile needs a mechanism not implemented
  // yet (role_arn, sso, credential_process).
  Result<Credentials> GetCredentials() override;
  // Forget the cached answer; the next call re-reads the files.
  void Invalidate();

  const std::string& profile() const { return profile_; }

 private:
  Result<Credentials> Load() const;

  const Environment env_;
  const std::string profile_;
  std::mutex mu_;
  std::optional<Credentials> cached_;  // guarded by mu_
};

}  // namespace wharf::aws
