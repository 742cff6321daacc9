#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/aws/cloudwatch_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// METRIC_ALARM actions on the CloudWatch alarm properties.alarm_name (else
// the resource's name); docs/RESOURCES.md is the contract.
// - CREATE / UPDATE (ensure): puts the alarm (PutMetricAlarm, with the
//   resource's tags) when it is missing or any of namespace, metric_name,
//   statistic, dimensions, threshold, period_seconds, evaluation_periods,
//   comparison_operator, treat_missing_data differs; missing or different
//   tags of an existing alarm are added (TagResource). mutated = false when
//   nothing was written.
// - DELETE: deletes the alarm; a missing one counts as deleted.
// - OBSERVE: reads only; Absent when there is no such alarm.
// The observed resource: id = outputs["arn"] = the alarm ARN; the properties
// above (dimensions a struct name -> value) and tags. Called on the
// executor's io thread; `done` once.
class MetricAlarmHandler final : public ActionHandler {
 public:
  explicit MetricAlarmHandler(aws::CloudWatchClient& cloudwatch) : cloudwatch_(cloudwatch) {}
  void Handle(const v1::Action& action, Done done) override;

  // The alarm `desired` asks for (pure).
  static aws::CloudWatchMetricAlarm ToAlarm(const v1::Resource& desired);
  // Whether `found` is configured as `wanted` (the members Wharf sets; pure).
  static bool SameConfiguration(const aws::CloudWatchMetricAlarm& found,
                                const aws::CloudWatchMetricAlarm& wanted);
  // The alarm as an observed resource like `desired` (pure).
  static v1::Resource ToResource(const aws::CloudWatchMetricAlarm& alarm,
                                 const std::map<std::string, std::string>& tags,
                                 const v1::Resource& desired);

 private:
  void Ensure(const v1::Action& action, Done done);
  void EnsureTags(const v1::Resource& desired, aws::CloudWatchMetricAlarm alarm, bool mutated,
                  Done done);
  void Observe(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  void Find(const std::string& name,
            std::function<void(aws::Outcome<std::optional<aws::CloudWatchMetricAlarm>>)> done);

  aws::CloudWatchClient& cloudwatch_;
};

}  // namespace wharf::executors
