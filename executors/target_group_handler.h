#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/aws/elbv2_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// TARGET_GROUP actions (docs/RESOURCES.md "TARGET_GROUP"), found by name.
// - CREATE, UPDATE (ensure): adopt or create the group (protocol, port,
//   vpc_id, target_type, health check, tags). On an existing one: a different
//   port, protocol, vpc_id or target_type is incompatible; health check
//   fields that differ -> ModifyTargetGroup; another deregistration delay ->
//   ModifyTargetGroupAttributes; desired tags missing or different ->
//   AddTags. Nothing written when everything matches.
// - DELETE: delete it; not found counts as deleted; still used by a listener
//   (ResourceInUse) is retryable (the listener's delete comes first).
// - OBSERVE: describe only (with attributes and tags); absent = empty id.
// Observed: id = the ARN; outputs arn, arn_suffix
// ("targetgroup/<name>/<id>"); properties name, protocol, port, vpc_id,
// target_type, health_check {path, interval_seconds, timeout_seconds,
// healthy_threshold, unhealthy_threshold, matcher},
// deregistration_delay_seconds, tags. Called on the executor's io thread;
// `elbv2` must outlive the handler.
class TargetGroupHandler final : public ActionHandler {
 public:
  explicit TargetGroupHandler(aws::Elbv2Client& elbv2) : elbv2_(elbv2) {}
  void Handle(const v1::Action& action, Done done) override;

  // What the handler knows of one target group.
  struct State {
    aws::Elbv2TargetGroup group;
    std::map<std::string, std::string> tags;
    std::optional<int> deregistration_delay_seconds;
    bool mutated = false;
  };
  // The group as the observed resource of `desired` (pure).
  static v1::Resource ToObserved(const v1::Resource& desired, const State& state);
  // The health check fields `desired` sets that `actual` lacks or holds with
  // another value; nothing set when they match (pure).
  static aws::Elbv2HealthCheck HealthCheckChanges(const v1::Resource& desired,
                                                  const aws::Elbv2HealthCheck& actual);

 private:
  using Found = std::function<void(aws::Outcome<std::optional<aws::Elbv2TargetGroup>>)>;
  void Find(const v1::Resource& desired, Found found);
  void Ensure(const v1::Action& action, Done done);
  // Reads (and with `correct`, writes) attributes and tags, then answers.
  void Finish(const v1::Resource& desired, std::shared_ptr<State> state, bool correct, Done done);
  void Delete(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);

  aws::Elbv2Client& elbv2_;
};

}  // namespace wharf::executors
