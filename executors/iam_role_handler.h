#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/aws/iam_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// IAM_ROLE actions on the role named like the resource; docs/RESOURCES.md is
// the contract.
// - CREATE / UPDATE (ensure): a missing role is created with the trust policy
//   letting `trusted_service` sts:AssumeRole, and the resource's tags. An
//   existing role whose trust policy does not let `trusted_service` assume it
//   gets that trust policy (UpdateAssumeRolePolicy: Wharf owns the role by its
//   name, and the trust policy is not an identity AWS fixes at creation).
//   Missing or different tags are added (TagRole); missing
//   `managed_policies` are attached, extra ones attached by others are left
//   alone. The inline policy "wharf-secrets" allows
//   secretsmanager:GetSecretValue / ssm:GetParameters on exactly
//   `secret_arns` (by the ARN's service); it is put when missing or
//   different, deleted when `secret_arns` is empty. mutated = false when
//   nothing was written.
// - DELETE: detaches every managed policy, deletes every inline policy, then
//   the role; a missing role counts as deleted.
// - OBSERVE: reads only; Absent when the role does not exist.
// The observed resource: id = outputs["arn"] = the role ARN; properties name,
// trusted_service (when trusted), managed_policies (the desired ones that are
// attached, sorted: extras are not Wharf's), secret_arns (from
// "wharf-secrets", sorted), tags. Called on the executor's io thread; `done`
// once.
class IamRoleHandler final : public ActionHandler {
 public:
  static constexpr char kSecretsPolicyName[] = "wharf-secrets";

  explicit IamRoleHandler(aws::IamClient& iam) : iam_(iam) {}
  void Handle(const v1::Action& action, Done done) override;

  // The trust policy letting `service` assume the role (JSON text, pure).
  static std::string TrustPolicy(const std::string& service);
  // Whether the trust policy `document` lets `service` sts:AssumeRole (pure).
  static bool Trusts(const std::string& document, const std::string& service);
  // The "wharf-secrets" document for `secret_arns` (JSON text, pure).
  static std::string SecretsPolicy(const std::vector<std::string>& secret_arns);
  // The resources `document` grants those actions on, sorted (pure).
  static std::vector<std::string> SecretArnsOf(const std::string& document);

 private:
  struct Run;
  void Ensure(const v1::Action& action, Done done);
  void EnsureTrust(std::shared_ptr<Run> run);
  void EnsureTags(std::shared_ptr<Run> run);
  void EnsurePolicies(std::shared_ptr<Run> run);
  void EnsureSecrets(std::shared_ptr<Run> run);
  void Finish(std::shared_ptr<Run> run);
  void Observe(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  // Reads the role's attached policies and secrets policy into `run`, then
  // reports it (OBSERVE).
  void Describe(std::shared_ptr<Run> run);

  aws::IamClient& iam_;
};

}  // namespace wharf::executors
