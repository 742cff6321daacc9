#include "common/aws/ssm_client.h"

#include <utility>

#include "common/aws/json_call.h"

namespace wharf::aws {
namespace {

using json_call::String;
using nlohmann::json;

SsmParameter ParseParameter(const json& r) {
  const json& p = json_call::RequiredObject(r, "Parameter");
  SsmParameter out;
  out.name = String(p, "Name");
  out.type = String(p, "Type");
  out.value = SensitiveString(String(p, "Value"));
  out.version = json_call::Int(p, "Version");
  out.arn = String(p, "ARN");
  out.data_type = String(p, "DataType");
  out.last_modified_ms = json_call::TimestampMs(p, "LastModifiedDate");
  return out;
}

}  // namespace

SsmClient::SsmClient(AwsClient& client) : client_(client) {}

void SsmClient::GetParameter(const std::string& name, bool with_decryption,
                             Callback<SsmParameter> done) {
  json input = {{"Name", name}, {"WithDecryption", with_decryption}};
  json_call::Call<SsmParameter>(client_, services::kSsm, "GetParameter", std::move(input),
                                ParseParameter, std::move(done));
}

}  // namespace wharf::aws
