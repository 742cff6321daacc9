// CloudWatchClient (Query protocol) against the local cloud (localcloud/).
#include "common/aws/cloudwatch_client.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/common/aws/query_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

class CloudWatchClientLocalCloudTest : public test::QueryLocalCloudTest {
 protected:
  void SetUp() override {
    test::QueryLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    cloudwatch_ = std::make_unique<CloudWatchClient>(*client_);
  }

  void TearDown() override {
    cloudwatch_.reset();
    test::QueryLocalCloudTest::TearDown();
  }

  static CloudWatchMetricAlarm Alarm(const std::string& name, double threshold) {
    CloudWatchMetricAlarm a;
    a.name = name;
    a.description = "5xx from " + name;
    a.alarm_actions = {"arn:aws:sns:us-east-1:123456789012:alerts"};
    a.metric_name = "HTTPCode_Target_5XX_Count";
    a.metric_namespace = "AWS/ApplicationELB";
    a.statistic = "Sum";
    a.dimensions = {{"TargetGroup", "targetgroup/" + name + "/0123456789abcdef"},
                    {"LoadBalancer", "app/web/0123456789abcdef"}};
    a.period = 60;
    a.evaluation_periods = 3;
    a.datapoints_to_alarm = 2;
    a.threshold = threshold;
    a.comparison_operator = "GreaterThanThreshold";
    a.treat_missing_data = "notBreaching";
    return a;
  }

  Outcome<bool> Put(const CloudWatchMetricAlarm& alarm) {
    return Call<bool>([&](auto done) {
      cloudwatch_->PutMetricAlarm(alarm, {{"app", "shop"}}, done);
    });
  }

  Outcome<std::vector<CloudWatchMetricAlarm>> Describe(CloudWatchDescribeAlarmsRequest request) {
    return Call<std::vector<CloudWatchMetricAlarm>>(
        [&](auto done) { cloudwatch_->DescribeAlarms(request, done); });
  }

  std::unique_ptr<CloudWatchClient> cloudwatch_;
};

TEST_F(CloudWatchClientLocalCloudTest, PutDescribeUpdateDelete) {
  ASSERT_TRUE(Put(Alarm("web-blue-5xx", 5.5)).ok());
  ASSERT_TRUE(Put(Alarm("web-green-5xx", 0.1)).ok());
  CloudWatchMetricAlarm cpu = Alarm("other-cpu", 80);
  cpu.metric_name = "CPUUtilization";
  cpu.metric_namespace = "AWS/ECS";
  cpu.statistic = "Average";
  cpu.dimensions.clear();
  cpu.alarm_actions.clear();
  cpu.actions_enabled = false;
  cpu.datapoints_to_alarm.reset();
  cpu.treat_missing_data.clear();
  ASSERT_TRUE(Put(cpu).ok());

  auto web = Describe({.name_prefix = "web-", .page_size = 1});
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  ASSERT_EQ(web->size(), 2u);
  const CloudWatchMetricAlarm& blue = web.value()[0];
  const CloudWatchMetricAlarm want = Alarm("web-blue-5xx", 5.5);
  EXPECT_EQ(blue.name, want.name);
  EXPECT_EQ(blue.arn, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-blue-5xx");
  EXPECT_EQ(blue.description, want.description);
  EXPECT_TRUE(blue.actions_enabled);
  EXPECT_EQ(blue.alarm_actions, want.alarm_actions);
  EXPECT_EQ(blue.metric_name, want.metric_name);
  EXPECT_EQ(blue.metric_namespace, want.metric_namespace);
  EXPECT_EQ(blue.statistic, "Sum");
  EXPECT_EQ(blue.dimensions, want.dimensions);
  EXPECT_EQ(blue.period, 60);
  EXPECT_EQ(blue.evaluation_periods, 3);
  EXPECT_EQ(blue.datapoints_to_alarm, 2);
  EXPECT_DOUBLE_EQ(blue.threshold, 5.5);
  EXPECT_EQ(blue.comparison_operator, "GreaterThanThreshold");
  EXPECT_EQ(blue.treat_missing_data, "notBreaching");
  EXPECT_FALSE(blue.state_value.empty());
  EXPECT_DOUBLE_EQ(web.value()[1].threshold, 0.1);

  auto by_name = Describe({.names = {"other-cpu"}});
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  ASSERT_EQ(by_name->size(), 1u);
  EXPECT_FALSE(by_name.value()[0].actions_enabled);
  EXPECT_TRUE(by_name.value()[0].dimensions.empty());
  EXPECT_FALSE(by_name.value()[0].datapoints_to_alarm.has_value());
  EXPECT_DOUBLE_EQ(by_name.value()[0].threshold, 80);

  // PutMetricAlarm replaces the configuration.
  ASSERT_TRUE(Put(Alarm("web-blue-5xx", 10)).ok());
  auto updated = Describe({.names = {"web-blue-5xx"}});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  ASSERT_EQ(updated->size(), 1u);
  EXPECT_DOUBLE_EQ(updated.value()[0].threshold, 10);

  // The AWS CLI (CBOR today) sees the same alarms.
  auto cli = AwsCli("cloudwatch describe-alarms --alarm-name-prefix web-");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto parsed = nlohmann::json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  ASSERT_EQ(parsed["MetricAlarms"].size(), 2u) << cli.output;
  EXPECT_EQ(parsed["MetricAlarms"][0]["Threshold"], 10.0);

  ASSERT_TRUE(Call<bool>([&](auto done) {
                cloudwatch_->DeleteAlarms({"web-blue-5xx", "web-green-5xx", "never-existed"}, done);
              }).ok());
  auto left = Describe({});
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left.value()[0].name, "other-cpu");
  auto none = Describe({.names = {"web-blue-5xx"}});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TEST_F(CloudWatchClientLocalCloudTest, ValidationErrorsAreTerminal) {
  CloudWatchMetricAlarm bad = Alarm("bad", 1);
  bad.statistic.clear();
  bad.extended_statistic = "median";  // percentiles are "p99" and the like
  auto put = Put(bad);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().service(), "monitoring");
  EXPECT_EQ(put.error().operation(), "PutMetricAlarm");
  EXPECT_EQ(put.error().code(), "InvalidParameterValue");
  EXPECT_EQ(put.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(put.error().retryable());
  EXPECT_EQ(client_->attempts_sent(), 1);
}

TEST_F(CloudWatchClientLocalCloudTest, TagsByArn) {
  ASSERT_TRUE(Put(Alarm("tagged", 5)).ok());
  CloudWatchDescribeAlarmsRequest request;
  request.names = {"tagged"};
  auto alarms = Describe(request);
  ASSERT_TRUE(alarms.ok()) << alarms.status().ToString();
  ASSERT_EQ(alarms->size(), 1u);
  const std::string arn = alarms->front().arn;
  ASSERT_TRUE(Call<bool>([&](auto done) {
                cloudwatch_->TagResource(arn, {{"team", "web"}}, done);
              }).ok());
  auto tags = Call<std::map<std::string, std::string>>(
      [&](auto done) { cloudwatch_->ListTagsForResource(arn, done); });
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(tags.value(), (std::map<std::string, std::string>{{"app", "shop"}, {"team", "web"}}));
}

}  // namespace
}  // namespace wharf::aws
