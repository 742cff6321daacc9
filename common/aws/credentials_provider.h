#pragma once

#include <functional>

#include "common/aws/credentials.h"
#include "common/base/result.h"

namespace wharf::aws {

// Finds credentials for signing. AwsClient asks for every request attempt,
// on its io thread, through GetCredentialsAsync(); nothing may block on the
// network: providers that fetch credentials remotely cache them, refresh
// them before they expire, and answer calls that arrive while nothing valid
// is cached once their fetch completes.
class CredentialsProvider {
 public:
  using Callback = std::function<void(Result<Credentials>)>;

  virtual ~CredentialsProvider() = default;
  // Complete credentials, or kNotFound when this source has none, or another
  // error when the source exists but is broken (e.g. a profile without a
  // secret). A remote provider answers from its cache: kUnavailable while it
  // holds nothing valid yet.
  virtual Result<Credentials> GetCredentials() = 0;
  // The same answer delivered to `done`: inside the call when it is at hand
  // (the default: done(GetCredentials())), else later on the io thread of the
  // provider, which must then be the caller's. A provider that is destroyed
  // drops pending callbacks without calling them.
  virtual void GetCredentialsAsync(Callback done) { done(GetCredentials()); }
};

}  // namespace wharf::aws
