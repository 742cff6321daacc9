#pragma once

#include <string>
#include <vector>

#include "common/aws/ecs_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// TASK_DEFINITION actions on the family named by properties.family (else the
// resource's name); docs/RESOURCES.md is the contract.
// - CREATE / UPDATE (ensure): the family's newest ACTIVE revision is adopted
//   when its tag `wharf:content-hash` equals the resource's content_hash;
//   otherwise one revision is registered from the properties (Fargate,
//   awsvpc, one container) with the resource's tags plus that tag. Then the
//   ACTIVE revisions beyond the newest `keep_revisions` are deregistered
//   (never the one adopted or just registered). mutated = false when nothing
//   was registered or deregistered. An empty content_hash is a terminal
//   "MissingContentHash".
// - DELETE: deregisters every ACTIVE revision of the family (none left is
//   success).
// - OBSERVE: the newest ACTIVE revision (no write); Absent when there is none.
// The observed resource: id = the revision's ARN, outputs arn and revision,
// content_hash = its `wharf:content-hash` tag, properties in the desired
// shape (Diff compares task definitions by content_hash only).
// Container properties read: name, image, port, command, entrypoint,
// environment (struct), secrets (struct name -> ARN), health_check {command,
// interval_seconds, timeout_seconds, retries, start_period_seconds},
// working_directory, user, stop_timeout_seconds, log_group, log_region,
// log_stream_prefix. Called on the executor's io thread; `done` once.
class TaskDefinitionHandler final : public ActionHandler {
 public:
  static constexpr char kContentHashTag[] = "wharf:content-hash";
  static constexpr int kDefaultKeepRevisions = 5;

  explicit TaskDefinitionHandler(aws::EcsClient& ecs) : ecs_(ecs) {}
  void Handle(const v1::Action& action, Done done) override;

  // The registration `desired` asks for, tags included (pure).
  static aws::EcsTaskDefinition ToTaskDefinition(const v1::Resource& desired);
  // The revision as an observed resource like `desired` (pure).
  static v1::Resource ToResource(const aws::EcsTaskDefinition& definition,
                                 const v1::Resource& desired);
  // The ACTIVE revision ARNs of exactly `family` among `arns` (ListTaskDefinitions
  // matches a prefix), newest first (pure).
  static std::vector<std::string> RevisionsOfFamily(const std::vector<std::string>& arns,
                                                    const std::string& family);

 private:
  void Ensure(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  // ACTIVE revisions of the resource's family, newest first.
  void ListActive(const v1::Resource& desired,
                  std::function<void(aws::Outcome<std::vector<std::string>>)> done);
  // Deregisters `active` beyond the newest `keep` (keeping `current`), then
  // reports `observed` with mutated = `mutated` or anything deregistered.
  void Prune(std::vector<std::string> active, const std::string& current, int keep,
             v1::Resource observed, bool mutated, Done done);

  aws::EcsClient& ecs_;
};

}  // namespace wharf::executors
