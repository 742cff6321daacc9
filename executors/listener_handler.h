#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/aws/elbv2_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// LISTENER actions (docs/RESOURCES.md "LISTENER"), found among the load
// balancer's (`load_balancer_arn`) listeners by `port`.
// - CREATE, UPDATE (ensure): adopt or create the listener (protocol,
//   certificate for HTTPS, default action forward to
//   `default_target_group_arn`). A different protocol, certificate or default
//   action -> ModifyListener. Desired tags (Resource.tags, when any) missing
//   or different -> AddTags. Nothing written when everything matches.
// - DELETE: delete it; a missing listener or load balancer counts as
//   deleted.
// - OBSERVE: describe only; absent = empty id.
// Observed: id and outputs["arn"] = the listener's ARN; properties
// load_balancer_arn, port, protocol, certificate_arn (when it has one),
// default_target_group_arn (when the default action forwards to exactly one
// group), tags (when desired has any). Called on the executor's io thread;
// `elbv2` must outlive the handler.
class ListenerHandler final : public ActionHandler {
 public:
  explicit ListenerHandler(aws::Elbv2Client& elbv2) : elbv2_(elbv2) {}
  void Handle(const v1::Action& action, Done done) override;

  // The target group of `actions` when they are one forward to exactly one
  // group (TargetGroupArn, or a ForwardConfig of one group); "" otherwise.
  // Pure.
  static std::string ForwardTarget(const std::vector<aws::Elbv2Action>& actions);
  // The listener as the observed resource of `desired` (pure).
  static v1::Resource ToObserved(const v1::Resource& desired, const aws::Elbv2Listener& listener,
                                 const std::optional<std::map<std::string, std::string>>& tags);

 private:
  using Found = std::function<void(aws::Outcome<std::optional<aws::Elbv2Listener>>)>;
  void Find(const v1::Resource& desired, Found found);
  void Ensure(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);
  // Reads (and with `correct`, adds) the desired tags, then answers.
  void FinishTags(const v1::Resource& desired, aws::Elbv2Listener listener, bool mutated,
                  bool correct, Done done);

  aws::Elbv2Client& elbv2_;
};

}  // namespace wharf::executors
