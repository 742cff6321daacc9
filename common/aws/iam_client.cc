#include "common/aws/iam_client.h"

#include <utility>

#include "common/aws/query_call.h"
#include "common/aws/xml_reader.h"

namespace wharf::aws {
namespace {

const AwsService& Iam() { return services::kIam; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (RFC 3986, as IAM encodes policy documents); '+' stays
// '+'. A '%' not followed by two hex digits is kept as is.
std::string PercentDecode(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

IamRole ParseRole(const XmlReader& result) {
  XmlReader r = result.RequiredChild("Role");
  IamRole role;
  role.name = r.RequiredString("RoleName");
  role.id = r.String("RoleId");
  role.arn = r.RequiredString("Arn");
  role.path = r.String("Path");
  role.assume_role_policy_document = PercentDecode(r.String("AssumeRolePolicyDocument"));
  role.description = r.String("Description");
  role.max_session_duration = r.OptionalInt("MaxSessionDuration");
  role.create_date = r.String("CreateDate");
  role.permissions_boundary_arn = r.Child("PermissionsBoundary").String("PermissionsBoundaryArn");
  role.tags = r.KeyValues("Tags", "member", "Key", "Value");
  return role;
}

bool NoOutput(const XmlReader&) { return true; }

}  // namespace

IamClient::IamClient(AwsClient& client) : client_(client) {}

QueryParams IamClient::CreateRoleParams(const IamCreateRoleRequest& request) {
  QueryParamsBuilder b(QueryParamsBuilder::ListStyle::kMember);
  b.AddIfNotEmpty("Path", request.path);
  b.Add("RoleName", request.name);
  b.Add("AssumeRolePolicyDocument", request.assume_role_policy_document);
  b.AddIfNotEmpty("Description", request.description);
  b.AddIfSet("MaxSessionDuration", request.max_session_duration);
  b.AddIfNotEmpty("PermissionsBoundary", request.permissions_boundary_arn);
  b.AddKeyValues("Tags", request.tags);
  return std::move(b).Take();
}

void IamClient::CreateRole(const IamCreateRoleRequest& request, Callback<IamRole> done) {
  CallQueryOperation<IamRole>(client_, Iam(), "CreateRole", CreateRoleParams(request), &ParseRole,
                              std::move(done));
}

void IamClient::GetRole(const std::string& name, Callback<IamRole> done) {
  CallQueryOperation<IamRole>(client_, Iam(), "GetRole", {{"RoleName", name}}, &ParseRole,
                              std::move(done));
}

void IamClient::DeleteRole(const std::string& name, Callback<bool> done) {
  CallQueryOperation<bool>(client_, Iam(), "DeleteRole", {{"RoleName", name}}, &NoOutput,
                           std::move(done));
}

void IamClient::AttachRolePolicy(const std::string& role_name, const std::string& policy_arn,
                                 Callback<bool> done) {
  CallQueryOperation<bool>(client_, Iam(), "AttachRolePolicy",
                           {{"RoleName", role_name}, {"PolicyArn", policy_arn}}, &NoOutput,
                           std::move(done));
}

void IamClient::DetachRolePolicy(const std::string& role_name, const std::string& policy_arn,
                                 Callback<bool> done) {
  CallQueryOperation<bool>(client_, Iam(), "DetachRolePolicy",
                           {{"RoleName", role_name}, {"PolicyArn", policy_arn}}, &NoOutput,
                           std::move(done));
}

void IamClient::ListAttachedRolePolicies(const std::string& role_name, int64_t page_size,
                                         Callback<std::vector<IamAttachedPolicy>> done) {
  QueryParamsBuilder b(QueryParamsBuilder::ListStyle::kMember);
  b.Add("RoleName", role_name);
  if (page_size > 0) b.AddInt("MaxItems", page_size);
  CallQueryPaged<IamAttachedPolicy>(
      client_, Iam(), "ListAttachedRolePolicies", std::move(b).Take(), "Marker",
      [](const XmlReader& r) {
        QueryPage<IamAttachedPolicy> page;
        for (const XmlReader& p : r.Items("AttachedPolicies", "member")) {
          page.items.push_back({p.String("PolicyName"), p.RequiredString("PolicyArn")});
        }
        if (r.Bool("IsTruncated")) {
          page.next_token = r.RequiredString("Marker");
        }
        return page;
      },
      std::move(done));
}

void IamClient::UpdateAssumeRolePolicy(const std::string& role_name,
                                       const std::string& policy_document, Callback<bool> done) {
  CallQueryOperation<bool>(client_, Iam(), "UpdateAssumeRolePolicy",
                           {{"RoleName", role_name}, {"PolicyDocument", policy_document}},
                           &NoOutput, std::move(done));
}

void IamClient::TagRole(const std::string& role_name,
                        const std::map<std::string, std::string>& tags, Callback<bool> done) {
  QueryParamsBuilder b(QueryParamsBuilder::ListStyle::kMember);
  b.Add("RoleName", role_name);
  b.AddKeyValues("Tags", tags);
  CallQueryOperation<bool>(client_, Iam(), "TagRole", std::move(b).Take(), &NoOutput,
                           std::move(done));
}

void IamClient::PutRolePolicy(const std::string& role_name, const std::string& policy_name,
                              const std::string& policy_document, Callback<bool> done) {
  CallQueryOperation<bool>(
      client_, Iam(), "PutRolePolicy",
      {{"RoleName", role_name}, {"PolicyName", policy_name}, {"PolicyDocument", policy_document}},
      &NoOutput, std::move(done));
}

void IamClient::GetRolePolicy(const std::string& role_name, const std::string& policy_name,
                              Callback<std::string> done) {
  CallQueryOperation<std::string>(
      client_, Iam(), "GetRolePolicy", {{"RoleName", role_name}, {"PolicyName", policy_name}},
      [](const XmlReader& r) { return PercentDecode(r.RequiredString("PolicyDocument")); },
      std::move(done));
}

void IamClient::DeleteRolePolicy(const std::string& role_name, const std::string& policy_name,
                                 Callback<bool> done) {
  CallQueryOperation<bool>(client_, Iam(), "DeleteRolePolicy",
                           {{"RoleName", role_name}, {"PolicyName", policy_name}}, &NoOutput,
                           std::move(done));
}

void IamClient::ListRolePolicies(const std::string& role_name,
                                 Callback<std::vector<std::string>> done) {
  CallQueryPaged<std::string>(
      client_, Iam(), "ListRolePolicies", {{"RoleName", role_name}}, "Marker",
      [](const XmlReader& r) {
        QueryPage<std::string> page;
        page.items = r.Strings("PolicyNames", "member");
        if (r.Bool("IsTruncated")) page.next_token = r.RequiredString("Marker");
        return page;
      },
      std::move(done));
}

}  // namespace wharf::aws
