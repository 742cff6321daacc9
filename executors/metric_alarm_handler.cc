#include "executors/metric_alarm_handler.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

std::string AlarmName(const v1::Resource& desired) {
  return GetString(desired.properties(), "alarm_name", desired.ref().name());
}

std::vector<aws::CloudWatchDimension> Sorted(std::vector<aws::CloudWatchDimension> dimensions) {
  std::sort(dimensions.begin(), dimensions.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return dimensions;
}

}  // namespace

aws::CloudWatchMetricAlarm MetricAlarmHandler::ToAlarm(const v1::Resource& desired) {
  const auto& p = desired.properties();
  aws::CloudWatchMetricAlarm a;
  a.name = AlarmName(desired);
  a.metric_namespace = GetString(p, "namespace");
  a.metric_name = GetString(p, "metric_name");
  a.statistic = GetString(p, "statistic");
  for (const auto& [name, value] : GetStringMap(p, "dimensions")) {
    a.dimensions.push_back({name, value});
  }
  a.threshold = GetNumber(p, "threshold");
  a.period = GetInt(p, "period_seconds");
  a.evaluation_periods = GetInt(p, "evaluation_periods");
  a.comparison_operator = GetString(p, "comparison_operator");
  a.treat_missing_data = GetString(p, "treat_missing_data");
  return a;
}

bool MetricAlarmHandler::SameConfiguration(const aws::CloudWatchMetricAlarm& found,
                                           const aws::CloudWatchMetricAlarm& wanted) {
  return found.metric_namespace == wanted.metric_namespace &&
         found.metric_name == wanted.metric_name && found.statistic == wanted.statistic &&
         Sorted(found.dimensions) == Sorted(wanted.dimensions) &&
         found.threshold == wanted.threshold && found.period == wanted.period &&
         found.evaluation_periods == wanted.evaluation_periods &&
         found.comparison_operator == wanted.comparison_operator &&
         (wanted.treat_missing_data.empty() ||
          found.treat_missing_data == wanted.treat_missing_data);
}

v1::Resource MetricAlarmHandler::ToResource(const aws::CloudWatchMetricAlarm& alarm,
                                            const std::map<std::string, std::string>& tags,
                                            const v1::Resource& desired) {
  v1::Resource r = ObservedLike(desired);
  r.set_id(alarm.arn);
  (*r.mutable_outputs())["arn"] = alarm.arn;
  auto* p = r.mutable_properties();
  SetString(p, "alarm_name", alarm.name);
  SetString(p, "namespace", alarm.metric_namespace);
  SetString(p, "metric_name", alarm.metric_name);
  SetString(p, "statistic", alarm.statistic);
  std::map<std::string, std::string> dimensions;
  for (const auto& d : alarm.dimensions) dimensions[d.name] = d.value;
  SetStringMap(p, "dimensions", dimensions);
  SetNumber(p, "threshold", alarm.threshold);
  SetNumber(p, "period_seconds", static_cast<double>(alarm.period));
  SetNumber(p, "evaluation_periods", static_cast<double>(alarm.evaluation_periods));
  SetString(p, "comparison_operator", alarm.comparison_operator);
  if (!alarm.treat_missing_data.empty()) {
    SetString(p, "treat_missing_data", alarm.treat_missing_data);
  }
  SetTags(&r, tags);
  return r;
}

void MetricAlarmHandler::Handle(const v1::Action& action, Done done) {
  switch (action.verb()) {
    case v1::CREATE:
    case v1::UPDATE:
      return Ensure(action, std::move(done));
    case v1::DELETE:
      return Delete(action, std::move(done));
    case v1::OBSERVE:
      return Observe(action, std::move(done));
    default:
      return done(UnsupportedVerb(action));
  }
}

void MetricAlarmHandler::Find(
    const std::string& name,
    std::function<void(aws::Outcome<std::optional<aws::CloudWatchMetricAlarm>>)> done) {
  aws::CloudWatchDescribeAlarmsRequest request;
  request.names = {name};
  cloudwatch_.DescribeAlarms(
      request,
      [name, done = std::move(done)](aws::Outcome<std::vector<aws::CloudWatchMetricAlarm>> found) {
        if (!found.ok()) return done(found.error());
        for (const auto& alarm : found.value()) {
          if (alarm.name == name) return done(std::optional<aws::CloudWatchMetricAlarm>(alarm));
        }
        done(std::optional<aws::CloudWatchMetricAlarm>());
      });
}

void MetricAlarmHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  const std::string name = AlarmName(desired);
  Find(name, [this, desired, name, done = std::move(done)](
                 aws::Outcome<std::optional<aws::CloudWatchMetricAlarm>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    const aws::CloudWatchMetricAlarm wanted = ToAlarm(desired);
    if (found.value() && SameConfiguration(*found.value(), wanted)) {
      return EnsureTags(desired, *found.value(), false, done);
    }
    cloudwatch_.PutMetricAlarm(
        wanted, TagsOf(desired), [this, desired, name, done](aws::Outcome<bool> put) {
          if (!put.ok()) return done(Failed(put.error()));
          // Read it back for its ARN; tags of a replaced alarm are
          // checked there.
          Find(name, [this, desired,
                      done](aws::Outcome<std::optional<aws::CloudWatchMetricAlarm>> after) {
            if (!after.ok()) return done(Failed(after.error()));
            if (!after.value()) {
              return done(FailedRetryable("AlarmNotVisible", "alarm " + AlarmName(desired) +
                                                                 " was put but is not listed yet"));
            }
            EnsureTags(desired, *after.value(), true, done);
          });
        });
  });
}

void MetricAlarmHandler::EnsureTags(const v1::Resource& desired, aws::CloudWatchMetricAlarm alarm,
                                    bool mutated, Done done) {
  cloudwatch_.ListTagsForResource(
      alarm.arn, [this, desired, alarm, mutated,
                  done = std::move(done)](aws::Outcome<std::map<std::string, std::string>> tags) {
        if (!tags.ok()) return done(Failed(tags.error()));
        std::map<std::string, std::string> have = tags.value();
        std::map<std::string, std::string> missing;
        for (const auto& [k, v] : TagsOf(desired)) {
          auto it = have.find(k);
          if (it == have.end() || it->second != v) missing[k] = v;
        }
        if (missing.empty()) return done(Succeeded(ToResource(alarm, have, desired), mutated));
        cloudwatch_.TagResource(
            alarm.arn, missing,
            [desired, alarm, have, missing, done](aws::Outcome<bool> r) mutable {
              if (!r.ok()) return done(Failed(r.error()));
              for (const auto& [k, v] : missing) have[k] = v;
              done(Succeeded(ToResource(alarm, have, desired), true));
            });
      });
}

void MetricAlarmHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  Find(AlarmName(desired), [this, desired, done = std::move(done)](
                               aws::Outcome<std::optional<aws::CloudWatchMetricAlarm>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), false));
    const aws::CloudWatchMetricAlarm alarm = *found.value();
    cloudwatch_.ListTagsForResource(
        alarm.arn, [desired, alarm, done](aws::Outcome<std::map<std::string, std::string>> tags) {
          if (!tags.ok()) return done(Failed(tags.error()));
          done(Succeeded(ToResource(alarm, tags.value(), desired), false));
        });
  });
}

void MetricAlarmHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  const std::string name = AlarmName(desired);
  // DeleteAlarms may succeed for an unknown name, so look first to report
  // `mutated` truthfully.
  Find(name, [this, desired, name, done = std::move(done)](
                 aws::Outcome<std::optional<aws::CloudWatchMetricAlarm>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), false));
    cloudwatch_.DeleteAlarms({name}, [desired, done](aws::Outcome<bool> r) {
      if (!r.ok() && r.error().code() != "ResourceNotFound") return done(Failed(r.error()));
      done(Succeeded(Absent(desired), true));
    });
  });
}

}  // namespace wharf::executors
