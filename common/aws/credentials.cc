#include "common/aws/credentials.h"

namespace wharf::aws {

std::string Credentials::DebugString() const {
  // Access key ids are not secret, but only a prefix and suffix are shown so
  // log lines cannot be used to reconstruct them either.
  std::string key = access_key_id.size() > 8 ? access_key_id.substr(0, 4) + "..." +
                                                   access_key_id.substr(access_key_id.size() - 4)
                                             : std::string("****");
  return key + " from " + (source.empty() ? "unknown" : source) +
         " (session token: " + (session_token.empty() ? "no" : "yes") + ")";
}

}  // namespace wharf::aws
