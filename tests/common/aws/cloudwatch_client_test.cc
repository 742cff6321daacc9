// CloudWatchClient's request encoding and response parsing, against canned
// XML.
#include "common/aws/cloudwatch_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/query_client_test_fixture.h"

namespace wharf::aws {
namespace {

using test::QueryClientTest;
using test::Sorted;

std::string CwResponse(const std::string& operation, const std::string& result) {
  return "<" + operation + "Response xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><" +
         operation + "Result>" + result + "</" + operation +
         "Result><ResponseMetadata><RequestId>cw-req</RequestId></ResponseMetadata></" + operation +
         "Response>";
}

class CloudWatchClientTest : public QueryClientTest {
 protected:
  CloudWatchClient cloudwatch_{*client_};
};

CloudWatchMetricAlarm FiveXxAlarm() {
  CloudWatchMetricAlarm alarm;
  alarm.name = "web-5xx";
  alarm.description = "5xx";
  alarm.alarm_actions = {"arn:sns"};
  alarm.metric_name = "HTTPCode_Target_5XX_Count";
  alarm.metric_namespace = "AWS/ApplicationELB";
  alarm.statistic = "Sum";
  alarm.dimensions = {{"TargetGroup", "targetgroup/blue/1"}, {"LoadBalancer", "app/web/2"}};
  alarm.period = 60;
  alarm.evaluation_periods = 3;
  alarm.datapoints_to_alarm = 2;
  alarm.threshold = 0.1;
  alarm.comparison_operator = "GreaterThanThreshold";
  alarm.treat_missing_data = "notBreaching";
  return alarm;
}

// The expected parameters are what botocore's Query serializer gives for the
// same request.
TEST_F(CloudWatchClientTest, PutMetricAlarmEncoding) {
  EXPECT_EQ(Sorted(CloudWatchClient::PutMetricAlarmParams(FiveXxAlarm(), {{"app", "shop"}})),
            Sorted({{"AlarmName", "web-5xx"},
                    {"AlarmDescription", "5xx"},
                    {"ActionsEnabled", "true"},
                    {"AlarmActions.member.1", "arn:sns"},
                    {"MetricName", "HTTPCode_Target_5XX_Count"},
                    {"Namespace", "AWS/ApplicationELB"},
                    {"Statistic", "Sum"},
                    {"Dimensions.member.1.Name", "TargetGroup"},
                    {"Dimensions.member.1.Value", "targetgroup/blue/1"},
                    {"Dimensions.member.2.Name", "LoadBalancer"},
                    {"Dimensions.member.2.Value", "app/web/2"},
                    {"Period", "60"},
                    {"EvaluationPeriods", "3"},
                    {"DatapointsToAlarm", "2"},
                    {"Threshold", "0.1"},
                    {"ComparisonOperator", "GreaterThanThreshold"},
                    {"TreatMissingData", "notBreaching"},
                    {"Tags.member.1.Key", "app"},
                    {"Tags.member.1.Value", "shop"}}));

  Respond(
      "<PutMetricAlarmResponse><ResponseMetadata><RequestId>r</RequestId>"
      "</ResponseMetadata></PutMetricAlarmResponse>");
  auto put = Call<bool>([&](auto done) { cloudwatch_.PutMetricAlarm(FiveXxAlarm(), {}, done); });
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(SentAction(), "PutMetricAlarm");
  EXPECT_EQ(transport_.requests()[0].Url(), "https://monitoring.eu-west-1.amazonaws.com/");
}

TEST_F(CloudWatchClientTest, DescribeAlarmsParsesAndPages) {
  Respond(CwResponse("DescribeAlarms", R"(<CompositeAlarms/><MetricAlarms>
      <member><AlarmName>web-5xx</AlarmName>
        <AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx</AlarmArn>
        <ActionsEnabled>false</ActionsEnabled><OKActions/>
        <AlarmActions><member>arn:sns</member></AlarmActions>
        <StateValue>ALARM</StateValue><StateReason>Threshold Crossed</StateReason>
        <MetricName>HTTPCode_Target_5XX_Count</MetricName><Namespace>AWS/ApplicationELB</Namespace>
        <Statistic>Sum</Statistic>
        <Dimensions><member><Name>TargetGroup</Name><Value>targetgroup/blue/1</Value></member></Dimensions>
        <Period>60</Period><EvaluationPeriods>3</EvaluationPeriods><Threshold>5.5</Threshold>
        <ComparisonOperator>GreaterThanThreshold</ComparisonOperator></member>
    </MetricAlarms><NextToken>t2</NextToken>)"));
  Respond(CwResponse("DescribeAlarms",
                     "<MetricAlarms><member><AlarmName>web-cpu</AlarmName>"
                     "<Threshold>80.0</Threshold></member></MetricAlarms>"));
  auto alarms = Call<std::vector<CloudWatchMetricAlarm>>([&](auto done) {
    cloudwatch_.DescribeAlarms({.name_prefix = "web-", .page_size = 1}, done);
  });
  ASSERT_TRUE(alarms.ok()) << alarms.status().ToString();
  ASSERT_EQ(alarms->size(), 2u);
  const CloudWatchMetricAlarm& a = alarms.value()[0];
  EXPECT_EQ(a.name, "web-5xx");
  EXPECT_FALSE(a.actions_enabled);
  EXPECT_EQ(a.alarm_actions, std::vector<std::string>{"arn:sns"});
  EXPECT_TRUE(a.ok_actions.empty());
  EXPECT_EQ(a.state_value, "ALARM");
  EXPECT_EQ(a.dimensions,
            (std::vector<CloudWatchDimension>{{"TargetGroup", "targetgroup/blue/1"}}));
  EXPECT_EQ(a.period, 60);
  EXPECT_DOUBLE_EQ(a.threshold, 5.5);
  EXPECT_FALSE(a.datapoints_to_alarm.has_value());
  const CloudWatchMetricAlarm& b = alarms.value()[1];
  EXPECT_EQ(b.name, "web-cpu");
  EXPECT_TRUE(b.actions_enabled);  // absent: AWS's default
  EXPECT_DOUBLE_EQ(b.threshold, 80);
  EXPECT_EQ(SentArguments(0), (QueryParams{{"AlarmNamePrefix", "web-"}, {"MaxRecords", "1"}}));
  EXPECT_EQ(SentArguments(1),
            (QueryParams{{"AlarmNamePrefix", "web-"}, {"MaxRecords", "1"}, {"NextToken", "t2"}}));

  // Nothing matches: empty lists.
  Respond(CwResponse("DescribeAlarms", "<CompositeAlarms/><MetricAlarms/>"));
  auto none = Call<std::vector<CloudWatchMetricAlarm>>(
      [&](auto done) { cloudwatch_.DescribeAlarms({.names = {"nope"}}, done); });
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(SentArguments(2), (QueryParams{{"AlarmNames.member.1", "nope"}}));
}

TEST_F(CloudWatchClientTest, BadNumbersAreMalformed) {
  Respond(CwResponse("DescribeAlarms",
                     "<MetricAlarms><member><AlarmName>x</AlarmName><Threshold>high</Threshold>"
                     "</member></MetricAlarms>"));
  auto alarms = Call<std::vector<CloudWatchMetricAlarm>>(
      [&](auto done) { cloudwatch_.DescribeAlarms({}, done); });
  ASSERT_FALSE(alarms.ok());
  EXPECT_EQ(alarms.error().code(), "MalformedResponse");
  EXPECT_EQ(alarms.error().service(), "monitoring");
}

TEST_F(CloudWatchClientTest, DeleteAlarmsEncoding) {
  Respond(
      "<DeleteAlarmsResponse><ResponseMetadata><RequestId>r</RequestId>"
      "</ResponseMetadata></DeleteAlarmsResponse>");
  auto deleted = Call<bool>([&](auto done) { cloudwatch_.DeleteAlarms({"a", "b"}, done); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(Sent(), (QueryParams{{"Action", "DeleteAlarms"},
                                 {"Version", "2010-08-01"},
                                 {"AlarmNames.member.1", "a"},
                                 {"AlarmNames.member.2", "b"}}));
}

}  // namespace
}  // namespace wharf::aws
