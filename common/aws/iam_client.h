#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/iam_types.h"
#include "common/aws/outcome.h"
#include "common/aws/query_params_builder.h"

namespace wharf::aws {

// Typed AWS IAM operations on roles over AwsClient (Query protocol, XML
// responses). IAM is global: requests go to iam.amazonaws.com and are signed
// for us-east-1 whatever the client's region (services::kIam). A response of
// an unexpected shape becomes a "MalformedResponse" error, never an
// exception. Same threading as AwsClient: callable from any thread, callbacks
// on the io thread. `client` must outlive this object; callbacks of calls in
// flight do not need this object.
//
// Errors worth knowing: an unknown role or policy is NoSuchEntity (status
// kNotFound), an existing role name EntityAlreadyExists (kAlreadyExists),
// deleting a role with policies attached DeleteConflict (kFailedPrecondition),
// a malformed policy document MalformedPolicyDocument (kInvalidArgument).
class IamClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit IamClient(AwsClient& client);

  void CreateRole(const IamCreateRoleRequest& request, Callback<IamRole> done);
  void GetRole(const std::string& name, Callback<IamRole> done);
  // Precondition for success: no policies attached (detach them first). The
  // value is always true.
  void DeleteRole(const std::string& name, Callback<bool> done);
  // Attaching a policy already attached succeeds.
  void AttachRolePolicy(const std::string& role_name, const std::string& policy_arn,
                        Callback<bool> done);
  void DetachRolePolicy(const std::string& role_name, const std::string& policy_arn,
                        Callback<bool> done);
  // Every managed policy attached to the role (follows Marker while
  // IsTruncated). `page_size`: MaxItems per page (1..1000; 0: IAM's default).
  void ListAttachedRolePolicies(const std::string& role_name, int64_t page_size,
                                Callback<std::vector<IamAttachedPolicy>> done);
  // Replaces the role's trust policy (`policy_document`: JSON text). The
  // value is always true.
  void UpdateAssumeRolePolicy(const std::string& role_name, const std::string& policy_document,
                              Callback<bool> done);
  // Adds or overwrites `tags` on the role (tags not named are kept). The
  // value is always true.
  void TagRole(const std::string& role_name, const std::map<std::string, std::string>& tags,
               Callback<bool> done);

  // Inline policies. PutRolePolicy creates or replaces the policy
  // `policy_name` (`policy_document`: JSON text); the value is always true.
  void PutRolePolicy(const std::string& role_name, const std::string& policy_name,
                     const std::string& policy_document, Callback<bool> done);
  // The policy's document as JSON text (decoded). An unknown policy is
  // NoSuchEntity.
  void GetRolePolicy(const std::string& role_name, const std::string& policy_name,
                     Callback<std::string> done);
  // The value is always true. An unknown policy is NoSuchEntity.
  void DeleteRolePolicy(const std::string& role_name, const std::string& policy_name,
                        Callback<bool> done);
  // The names of the role's inline policies (follows Marker while
  // IsTruncated).
  void ListRolePolicies(const std::string& role_name, Callback<std::vector<std::string>> done);

  // The wire parameters of CreateRole (without Action and Version). Exposed
  // for tests.
  static QueryParams CreateRoleParams(const IamCreateRoleRequest& request);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
