#pragma once

#include <functional>
#include <string>

#include "common/aws/aws_client.h"
#include "common/aws/outcome.h"

namespace wharf::aws {

// Who the credentials belong to.
struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

// Typed AWS STS operations over AwsClient (Query protocol, XML responses). A
// response of an unexpected shape (no Account) becomes a "MalformedResponse"
// error. Same threading as AwsClient. `client` must outlive this object.
class StsClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit StsClient(AwsClient& client);

  void GetCallerIdentity(Callback<CallerIdentity> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
