#include "common/aws/sts_client.h"

#include <utility>

#include "common/aws/aws_errors.h"

namespace wharf::aws {

StsClient::StsClient(AwsClient& client) : client_(client) {}

void StsClient::GetCallerIdentity(Callback<CallerIdentity> done) {
  client_.CallQuery(
      services::kSts, "GetCallerIdentity", {},
      [done = std::move(done)](Outcome<AwsClient::XmlDocument> response) {
        if (!response.ok()) {
          done(response.error());
          return;
        }
        pugi::xml_node result =
            response.value()->child("GetCallerIdentityResponse").child("GetCallerIdentityResult");
        if (!result || result.child("Account").empty()) {
          done(ClientError(services::kSts, "GetCallerIdentity", "MalformedResponse",
                           "no GetCallerIdentityResult/Account in the response"));
          return;
        }
        CallerIdentity identity;
        identity.account = result.child("Account").text().get();
        identity.arn = result.child("Arn").text().get();
        identity.user_id = result.child("UserId").text().get();
        done(std::move(identity));
      });
}

}  // namespace wharf::aws
