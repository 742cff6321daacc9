#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/aws/environment.h"
#include "common/base/result.h"

namespace wharf::aws {

// One AWS shared file (~/.aws/credentials or ~/.aws/config) parsed into
// profiles, the way botocore reads them: "[name]" sections in the
// credentials file, "[default]" and "[profile name]" in the config file,
// "key = value" properties (keys lower-cased, values trimmed, no inline
// comments), '#' and ';' comment lines. Nested sub-properties (indented lines
// under an empty value) and other section kinds are skipped. Immutable after
// construction; thread-safe.
class ProfileFile {
 public:
  enum class Kind { kCredentials, kConfig };

  ProfileFile() = default;
  static ProfileFile Parse(std::string_view text, Kind kind);
  // kNotFound when the file does not exist; kPermissionDenied/kInternal when it
  // cannot be read.
  static Result<ProfileFile> Load(const std::string& path, Kind kind);

  // The property of `profile`, or nullptr.
  const std::string* Get(const std::string& profile, const std::string& key) const;
  bool HasProfile(const std::string& profile) const;

  // Where the files are: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE (with a
  // leading "~/" expanded), else ~/.aws/credentials and ~/.aws/config.
  static std::string CredentialsPath(const Environment& env);
  static std::string ConfigPath(const Environment& env);
  // The profile to use: `explicit_profile` when non-empty, else AWS_PROFILE,
  // else AWS_DEFAULT_PROFILE, else "default".
  static std::string ProfileName(const Environment& env, const std::string& explicit_profile);

 private:
  std::map<std::string, std::map<std::string, std::string>> profiles_;
};

}  // namespace wharf::aws
