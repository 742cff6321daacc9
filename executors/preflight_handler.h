#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "executors/action_handler.h"
#include "executors/aws_clients.h"

namespace wharf::executors {

// PREFLIGHT actions: verify before mutating (docs/RESOURCES.md, "Preflight").
// CREATE / UPDATE run every check at once and only read:
// - `image.repository` + `image.tag` / `image.digest`: the image is in ECR
//   (DescribeImages); a missing repository is reported too;
// - `secret_arns`: each Secrets Manager secret exists and is not scheduled for
//   deletion (DescribeSecret), each SSM parameter exists (GetParameter without
//   decryption; the value is neither logged nor kept);
// - `role_arns`: each role exists (GetRole) and its trust policy lets
//   ecs-tasks.amazonaws.com assume it;
// - `target_groups` ("<name>:<port>"): a target group that already exists
//   under that name serves that port (not found is fine).
// Every problem found is reported in one terminal error, code
// "PreflightFailed", one line per problem naming it and the fix. When no
// problem was found but a check could not run (throttling, 5xx), that
// retryable error is returned instead. Success: observed id "ok", no
// outputs, mutated = false. Makes no mutating call. Other verbs:
// UnsupportedVerb. Called on the executor's io thread; `done` once.
class PreflightHandler final : public ActionHandler {
 public:
  explicit PreflightHandler(AwsClients& clients) : clients_(clients) {}
  void Handle(const v1::Action& action, Done done) override;

  // Whether the trust policy (JSON text) allows `service` to call
  // sts:AssumeRole (pure; false for text that is not a policy).
  static bool TrustsService(const std::string& policy_document, const std::string& service);

 private:
  struct Run;
  // What one check found: nothing (passed), a problem with its fix, or an
  // error that kept it from running.
  struct Finding {
    std::optional<std::string> problem;
    std::optional<v1::Error> error;
  };
  using Report = std::function<void(Finding)>;

  void CheckImage(const v1::Resource& desired, Report report);
  void CheckSecret(const std::string& arn, Report report);
  void CheckRole(const std::string& arn, Report report);
  void CheckTargetGroup(const std::string& name_port, Report report);
  static void Finish(std::shared_ptr<Run> run);

  AwsClients& clients_;
};

}  // namespace wharf::executors
