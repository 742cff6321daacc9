#include "common/aws/sts_client.h"

#include <utility>

#include "common/aws/query_call.h"
#include "common/aws/xml_reader.h"

namespace wharf::aws {

StsClient::StsClient(AwsClient& client) : client_(client) {}

void StsClient::GetCallerIdentity(Callback<CallerIdentity> done) {
  CallQueryOperation<CallerIdentity>(
      client_, services::kSts, "GetCallerIdentity", {},
      [](const XmlReader& result) {
        CallerIdentity identity;
        identity.account = result.RequiredString("Account");
        identity.arn = result.String("Arn");
        identity.user_id = result.String("UserId");
        return identity;
      },
      std::move(done));
}

}  // namespace wharf::aws
