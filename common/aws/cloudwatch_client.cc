#include "common/aws/cloudwatch_client.h"

#include <utility>

#include "common/aws/query_call.h"
#include "common/aws/xml_reader.h"

namespace wharf::aws {
namespace {

const AwsService& CloudWatch() { return services::kCloudWatch; }

CloudWatchMetricAlarm ParseAlarm(const XmlReader& r) {
  CloudWatchMetricAlarm a;
  a.name = r.RequiredString("AlarmName");
  a.arn = r.String("AlarmArn");
  a.description = r.String("AlarmDescription");
  a.actions_enabled = r.Bool("ActionsEnabled", true);
  a.ok_actions = r.Strings("OKActions", "member");
  a.alarm_actions = r.Strings("AlarmActions", "member");
  a.insufficient_data_actions = r.Strings("InsufficientDataActions", "member");
  a.metric_name = r.String("MetricName");
  a.metric_namespace = r.String("Namespace");
  a.statistic = r.String("Statistic");
  a.extended_statistic = r.String("ExtendedStatistic");
  for (const XmlReader& d : r.Items("Dimensions", "member")) {
    a.dimensions.push_back({d.RequiredString("Name"), d.String("Value")});
  }
  a.period = r.Int("Period");
  a.evaluation_periods = r.Int("EvaluationPeriods");
  a.datapoints_to_alarm = r.OptionalInt("DatapointsToAlarm");
  a.threshold = r.Double("Threshold");
  a.comparison_operator = r.String("ComparisonOperator");
  a.treat_missing_data = r.String("TreatMissingData");
  a.unit = r.String("Unit");
  a.state_value = r.String("StateValue");
  a.state_reason = r.String("StateReason");
  a.state_updated_timestamp = r.String("StateUpdatedTimestamp");
  return a;
}

bool NoOutput(const XmlReader&) { return true; }

}  // namespace

CloudWatchClient::CloudWatchClient(AwsClient& client) : client_(client) {}

QueryParams CloudWatchClient::PutMetricAlarmParams(const CloudWatchMetricAlarm& alarm,
                                                   const std::map<std::string, std::string>& tags) {
  QueryParamsBuilder b(QueryParamsBuilder::ListStyle::kMember);
  b.Add("AlarmName", alarm.name);
  b.AddIfNotEmpty("AlarmDescription", alarm.description);
  b.AddBool("ActionsEnabled", alarm.actions_enabled);
  b.AddStrings("OKActions", alarm.ok_actions);
  b.AddStrings("AlarmActions", alarm.alarm_actions);
  b.AddStrings("InsufficientDataActions", alarm.insufficient_data_actions);
  b.Add("MetricName", alarm.metric_name);
  b.Add("Namespace", alarm.metric_namespace);
  b.AddIfNotEmpty("Statistic", alarm.statistic);
  b.AddIfNotEmpty("ExtendedStatistic", alarm.extended_statistic);
  for (size_t i = 0; i < alarm.dimensions.size(); ++i) {
    const std::string item = b.ListItem("Dimensions", i);
    b.Add(item + ".Name", alarm.dimensions[i].name);
    b.Add(item + ".Value", alarm.dimensions[i].value);
  }
  if (alarm.period > 0) b.AddInt("Period", alarm.period);
  b.AddIfNotEmpty("Unit", alarm.unit);
  b.AddInt("EvaluationPeriods", alarm.evaluation_periods);
  b.AddIfSet("DatapointsToAlarm", alarm.datapoints_to_alarm);
  b.AddDouble("Threshold", alarm.threshold);
  b.Add("ComparisonOperator", alarm.comparison_operator);
  b.AddIfNotEmpty("TreatMissingData", alarm.treat_missing_data);
  b.AddKeyValues("Tags", tags);
  return std::move(b).Take();
}

void CloudWatchClient::PutMetricAlarm(const CloudWatchMetricAlarm& alarm,
                                      const std::map<std::string, std::string>& tags,
                                      Callback<bool> done) {
  CallQueryOperation<bool>(client_, CloudWatch(), "PutMetricAlarm",
                           PutMetricAlarmParams(alarm, tags), &NoOutput, std::move(done));
}

void CloudWatchClient::DescribeAlarms(const CloudWatchDescribeAlarmsRequest& request,
                                      Callback<std::vector<CloudWatchMetricAlarm>> done) {
  QueryParamsBuilder b(QueryParamsBuilder::ListStyle::kMember);
  b.AddStrings("AlarmNames", request.names);
  b.AddIfNotEmpty("AlarmNamePrefix", request.name_prefix);
  b.AddIfNotEmpty("StateValue", request.state_value);
  if (request.page_size > 0) b.AddInt("MaxRecords", request.page_size);
  CallQueryPaged<CloudWatchMetricAlarm>(
      client_, CloudWatch(), "DescribeAlarms", std::move(b).Take(), "NextToken",
      [](const XmlReader& r) {
        QueryPage<CloudWatchMetricAlarm> page;
        for (const XmlReader& alarm : r.Items("MetricAlarms", "member")) {
          page.items.push_back(ParseAlarm(alarm));
        }
        page.next_token = r.String("NextToken");
        return page;
      },
      std::move(done));
}

void CloudWatchClient::DeleteAlarms(const std::vector<std::string>& names, Callback<bool> done) {
  QueryParamsBuilder b(QueryParamsBuilder::ListStyle::kMember);
  b.AddStrings("AlarmNames", names);
  CallQueryOperation<bool>(client_, CloudWatch(), "DeleteAlarms", std::move(b).Take(), &NoOutput,
                           std::move(done));
}

void CloudWatchClient::ListTagsForResource(const std::string& arn,
                                           Callback<std::map<std::string, std::string>> done) {
  CallQueryOperation<std::map<std::string, std::string>>(
      client_, CloudWatch(), "ListTagsForResource", {{"ResourceARN", arn}},
      [](const XmlReader& r) { return r.KeyValues("Tags", "member", "Key", "Value"); },
      std::move(done));
}

void CloudWatchClient::TagResource(const std::string& arn,
                                   const std::map<std::string, std::string>& tags,
                                   Callback<bool> done) {
  QueryParamsBuilder b(QueryParamsBuilder::ListStyle::kMember);
  b.Add("ResourceARN", arn);
  b.AddKeyValues("Tags", tags);
  CallQueryOperation<bool>(client_, CloudWatch(), "TagResource", std::move(b).Take(), &NoOutput,
                           std::move(done));
}

}  // namespace wharf::aws
