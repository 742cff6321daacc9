#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/aws/aws_client.h"
#include "common/aws/outcome.h"
#include "common/aws/sensitive_string.h"

namespace wharf::aws {

// An SSM parameter as GetParameter returns it. `value` may be a secret (a
// SecureString read with decryption): it is a SensitiveString so that it
// cannot be logged by accident; this struct deliberately has no operator<<
// or formatter, and nothing that prints it may print `value`.
struct SsmParameter {
  std::string name;
  // "String", "StringList" or "SecureString".
  std::string type;
  SensitiveString value;
  int64_t version = 0;
  std::string arn;
  // "text", "aws:ec2:image", ...
  std::string data_type;
  int64_t last_modified_ms = 0;
};

// Typed AWS Systems Manager Parameter Store operations over AwsClient (JSON
// 1.1). A response of an unexpected shape becomes a "MalformedResponse"
// error, never an exception; no error or log line carries a parameter's
// value. Same threading as AwsClient. `client` must outlive this object.
class SsmClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit SsmClient(AwsClient& client);

  // `name`: the parameter's name ("/app/db-url") or ARN. With
  // `with_decryption` a SecureString's plaintext, else its ciphertext. An
  // unknown parameter is ParameterNotFound.
  void GetParameter(const std::string& name, bool with_decryption, Callback<SsmParameter> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
