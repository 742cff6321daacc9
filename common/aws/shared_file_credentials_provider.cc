#include "common/aws/shared_file_credentials_provider.h"

#include <utility>

#include "common/aws/profile_file.h"

namespace wharf::aws {
namespace {

// Credentials held by `profile` in `file`; nullopt when it has none.
std::optional<Result<Credentials>> FromProfile(const ProfileFile& file, const std::string& path,
                                               const std::string& profile) {
  const std::string* key_id = file.Get(profile, "aws_access_key_id");
  const std::string* secret = file.Get(profile, "aws_secret_access_key");
  if (key_id == nullptr && secret == nullptr) return std::nullopt;
  if (key_id == nullptr || secret == nullptr || key_id->empty() || secret->empty()) {
    return Result<Credentials>(
        Status::InvalidArgument("profile '" + profile + "' in " + path +
                                " needs both aws_access_key_id and aws_secret_access_key"));
  }
  Credentials creds;
  creds.access_key_id = *key_id;
  creds.secret_access_key = *secret;
  if (const std::string* token = file.Get(profile, "aws_session_token")) {
    creds.session_token = *token;
  } else if (const std::string* legacy = file.Get(profile, "aws_security_token")) {
    creds.session_token = *legacy;
  }
  creds.source = "shared-file:" + profile;
  return Result<Credentials>(std::move(creds));
}

// Loads `path`, treating a missing file as empty.
Result<ProfileFile> LoadOptional(const std::string& path, ProfileFile::Kind kind) {
  auto file = ProfileFile::Load(path, kind);
  if (!file.ok() && file.status().code() == Status::Code::kNotFound) return ProfileFile();
  return file;
}

}  // namespace

SharedFileCredentialsProvider::SharedFileCredentialsProvider(Environment env, std::string profile)
    : env_(std::move(env)), profile_(ProfileFile::ProfileName(env_, profile)) {}

Result<Credentials> SharedFileCredentialsProvider::GetCredentials() {
  std::lock_guard lock(mu_);
  if (cached_) return *cached_;
  auto loaded = Load();
  if (loaded.ok()) cached_ = loaded.value();
  return loaded;
}

void SharedFileCredentialsProvider::Invalidate() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

Result<Credentials> SharedFileCredentialsProvider::Load() const {
  const std::string credentials_path = ProfileFile::CredentialsPath(env_);
  const std::string config_path = ProfileFile::ConfigPath(env_);
  WHARF_ASSIGN_OR_RETURN(ProfileFile credentials,
                         LoadOptional(credentials_path, ProfileFile::Kind::kCredentials));
  if (auto found = FromProfile(credentials, credentials_path, profile_)) return *found;
  WHARF_ASSIGN_OR_RETURN(ProfileFile config, LoadOptional(config_path, ProfileFile::Kind::kConfig));
  if (auto found = FromProfile(config, config_path, profile_)) return *found;
  for (const char* key : {"role_arn", "sso_session", "sso_start_url", "credential_process",
                          "web_identity_token_file"}) {
    if (config.Get(profile_, key) != nullptr || credentials.Get(profile_, key) != nullptr) {
      return Status::FailedPrecondition("profile '" + profile_ + "' uses " + key +
                                        ", which Wharf does not support yet");
    }
  }
  return Status::NotFound("no credentials for profile '" + profile_ + "' in " + credentials_path +
                          " or " + config_path);
}

}  // namespace wharf::aws
