#include "common/aws/env_credentials_provider.h"

#include <utility>

namespace wharf::aws {

EnvCredentialsProvider::EnvCredentialsProvider(Environment env) : env_(std::move(env)) {}

Result<Credentials> EnvCredentialsProvider::GetCredentials() {
  Credentials creds;
  creds.access_key_id = env_.GetOrEmpty("AWS_ACCESS_KEY_ID");
  creds.secret_access_key = env_.GetOrEmpty("AWS_SECRET_ACCESS_KEY");
  creds.session_token = env_.GetOrEmpty("AWS_SESSION_TOKEN");
  if (creds.session_token.empty()) creds.session_token = env_.GetOrEmpty("AWS_SECURITY_TOKEN");
  creds.source = "environment";
  if (creds.access_key_id.empty() && creds.secret_access_key.empty()) {
    return Status::NotFound("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  }
  if (!creds.complete()) {
    return Status::InvalidArgument(
        creds.access_key_id.empty() ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                                    : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  return creds;
}

}  // namespace wharf::aws
