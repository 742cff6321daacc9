#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/aws/logs_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// LOG_GROUP actions on the group named like the resource; docs/RESOURCES.md
// is the contract.
// - CREATE / UPDATE (ensure): a missing group is created with the resource's
//   tags; then `retention_days` is put when it differs (PutRetentionPolicy)
//   and missing or different tags are added (TagResource). mutated = false
//   when nothing was written.
// - DELETE: deletes the group (its events too); a missing one counts as
//   deleted.
// - OBSERVE: reads only; Absent when the group does not exist.
// The observed resource: id = outputs["arn"] = the group's ARN (without
// ":*"); properties name, retention_days (when the group expires events),
// tags. Called on the executor's io thread; `done` once.
class LogGroupHandler final : public ActionHandler {
 public:
  explicit LogGroupHandler(aws::LogsClient& logs) : logs_(logs) {}
  void Handle(const v1::Action& action, Done done) override;

  // The group as an observed resource like `desired` (pure).
  static v1::Resource ToResource(const aws::LogGroup& group,
                                 const std::map<std::string, std::string>& tags,
                                 const v1::Resource& desired);

 private:
  void Ensure(const v1::Action& action, Done done);
  void Correct(const v1::Resource& desired, aws::LogGroup group, bool mutated, Done done);
  void Observe(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  // The group named `name` exactly; nullopt when there is none.
  void Find(const std::string& name,
            std::function<void(aws::Outcome<std::optional<aws::LogGroup>>)> done);

  aws::LogsClient& logs_;
};

}  // namespace wharf::executors
