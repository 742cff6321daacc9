#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/aws/ecr_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// ECR_REPOSITORY actions on the repository named like the resource;
// docs/RESOURCES.md is the contract.
// - CREATE / UPDATE (ensure): a missing repository is created with
//   `image_tag_mutability` and the resource's tags; an existing one gets the
//   mutability when it differs (PutImageTagMutability) and missing or
//   different tags (TagResource). With `keep_images`, the lifecycle policy
//   expiring all but the newest N images is put when missing or different.
//   mutated = false when nothing was written.
// - DELETE: deletes the repository with its images; a missing one counts as
//   deleted.
// - OBSERVE: reads only; Absent when the repository does not exist.
// The observed resource: id = outputs["arn"], outputs["uri"]; properties
// name, image_tag_mutability, keep_images (read back from the lifecycle
// policy, when it is Wharf's rule), tags. Called on the executor's io thread;
// `done` once.
class EcrRepositoryHandler final : public ActionHandler {
 public:
  explicit EcrRepositoryHandler(aws::EcrClient& ecr) : ecr_(ecr) {}
  void Handle(const v1::Action& action, Done done) override;

  // The lifecycle policy keeping the newest `keep_images` images (JSON text, pure).
  static std::string LifecyclePolicy(int keep_images);
  // N of a policy made by LifecyclePolicy(N); nullopt for any other policy (pure).
  static std::optional<int> KeepImagesOf(const std::string& policy_text);

 private:
  struct Run;
  void Ensure(const v1::Action& action, Done done);
  void EnsureMutability(std::shared_ptr<Run> run);
  void EnsureTags(std::shared_ptr<Run> run);
  void EnsureLifecycle(std::shared_ptr<Run> run);
  void Observe(const v1::Action& action, Done done);
  // Reads tags and lifecycle policy into `run` (no write), then Finish.
  void Describe(std::shared_ptr<Run> run);
  void Finish(std::shared_ptr<Run> run);
  void Delete(const v1::Action& action, Done done);

  aws::EcrClient& ecr_;
};

}  // namespace wharf::executors
