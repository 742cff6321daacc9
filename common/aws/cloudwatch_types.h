#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wharf::aws {

struct CloudWatchDimension {
  std::string name;
  std::string value;

  bool operator==(const CloudWatchDimension&) const = default;
};

// A metric alarm on one metric (metric math alarms are not modelled). What
// PutMetricAlarm sets and DescribeAlarms returns; the state fields are
// DescribeAlarms' only.
struct CloudWatchMetricAlarm {
  std::string name;
  std::string description;
  bool actions_enabled = true;
  std::vector<std::string> ok_actions;
  std::vector<std::string> alarm_actions;
  std::vector<std::string> insufficient_data_actions;
  std::string metric_name;         // "HTTPCode_Target_5XX_Count"
  std::string metric_namespace;    // "AWS/ApplicationELB"
  std::string statistic;           // "Sum", "Average", ...; or:
  std::string extended_statistic;  // "p99"
  std::vector<CloudWatchDimension> dimensions;
  int64_t period = 0;  // seconds
  int64_t evaluation_periods = 0;
  std::optional<int64_t> datapoints_to_alarm;
  double threshold = 0;
  // "GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", ...
  std::string comparison_operator;
  std::string treat_missing_data;  // "breaching", "notBreaching", "ignore", "missing"; optional
  std::string unit;                // optional

  // DescribeAlarms only.
  std::string arn;
  std::string state_value;  // "OK", "ALARM", "INSUFFICIENT_DATA"
  std::string state_reason;
  std::string state_updated_timestamp;  // ISO 8601, as sent
};

// Alarms by name, or by name prefix, optionally in one state; nothing set
// lists every metric alarm. `page_size`: MaxRecords per page (1..100; 0:
// AWS's default); every page is read.
struct CloudWatchDescribeAlarmsRequest {
  std::vector<std::string> names;
  std::string name_prefix;
  std::string state_value;
  int64_t page_size = 0;
};

}  // namespace wharf::aws
