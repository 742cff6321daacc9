// LogsClient against the local cloud (localcloud/): one cloud per suite.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/ecs_client.h"
#include "common/aws/logs_client.h"
#include "tests/common/aws/json_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class LogsClientLocalCloudTest : public test::JsonLocalCloudTest {
 protected:
  void SetUp() override {
    test::JsonLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    logs_ = std::make_unique<LogsClient>(*client_);
  }
  void TearDown() override {
    logs_.reset();
    test::JsonLocalCloudTest::TearDown();
  }

  Outcome<std::vector<LogGroup>> Describe(const std::string& prefix) {
    return Call<std::vector<LogGroup>>(
        [&](auto done) { logs_->DescribeLogGroups(prefix, std::move(done)); });
  }

  // Writes `messages` to a new stream (CreateLogStream and PutLogEvents,
  // which Wharf never calls: containers write the lines).
  void Write(const std::string& group, const std::string& stream,
             const std::vector<std::string>& messages) {
    auto created = Call<json>([&](auto done) {
      client_->CallJson(services::kLogs, "CreateLogStream",
                        {{"logGroupName", group}, {"logStreamName", stream}}, std::move(done));
    });
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    json events = json::array();
    const int64_t now = clock_.NowUnixMs();
    for (size_t i = 0; i < messages.size(); ++i) {
      events.push_back({{"timestamp", now + static_cast<int64_t>(i)}, {"message", messages[i]}});
    }
    auto put = Call<json>([&](auto done) {
      client_->CallJson(services::kLogs, "PutLogEvents",
                        {{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", events}},
                        std::move(done));
    });
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }

  std::unique_ptr<LogsClient> logs_;
};

TEST_F(LogsClientLocalCloudTest, LogGroupCreateRetentionDescribeAndDelete) {
  auto created = Call<bool>([&](auto done) {
    logs_->CreateLogGroup("/wharf/shop", {{"wharf:app", "shop"}}, std::move(done));
  });
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_TRUE(
      Call<bool>([&](auto done) { logs_->CreateLogGroup("/other", {}, std::move(done)); }).ok());

  auto groups = Describe("/wharf");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ(groups.value()[0].name, "/wharf/shop");
  EXPECT_EQ(groups.value()[0].arn, "arn:aws:logs:us-east-1:123456789012:log-group:/wharf/shop");
  EXPECT_FALSE(groups.value()[0].retention_in_days.has_value());
  EXPECT_GT(groups.value()[0].creation_time_ms, 0);
  auto all = Describe("");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 2u);

  auto duplicate =
      Call<bool>([&](auto done) { logs_->CreateLogGroup("/wharf/shop", {}, std::move(done)); });
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code(), "ResourceAlreadyExistsException");
  EXPECT_EQ(duplicate.status().code(), Status::Code::kAlreadyExists);

  ASSERT_TRUE(Call<bool>([&](auto done) {
                logs_->PutRetentionPolicy("/wharf/shop", 14, std::move(done));
              }).ok());
  auto retained = Describe("/wharf/shop");
  ASSERT_TRUE(retained.ok()) << retained.status().ToString();
  ASSERT_EQ(retained->size(), 1u);
  EXPECT_EQ(retained.value()[0].retention_in_days, 14);

  ASSERT_TRUE(
      Call<bool>([&](auto done) { logs_->DeleteLogGroup("/wharf/shop", std::move(done)); }).ok());
  auto after = Describe("/wharf");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(after->empty());

  auto missing =
      Call<bool>([&](auto done) { logs_->DeleteLogGroup("/wharf/shop", std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ResourceNotFoundException");
  EXPECT_EQ(missing.error().http_status(), 400);
  EXPECT_EQ(missing.error().service(), "logs");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  auto no_retention =
      Call<bool>([&](auto done) { logs_->PutRetentionPolicy("/wharf/shop", 14, std::move(done)); });
  ASSERT_FALSE(no_retention.ok());
  EXPECT_EQ(no_retention.error().code(), "ResourceNotFoundException");
}

TEST_F(LogsClientLocalCloudTest, GetAndFilterLogEventsFollowTheirTokens) {
  ASSERT_TRUE(Call<bool>([&](auto done) {
                logs_->CreateLogGroup("/wharf/migrate", {}, std::move(done));
              }).ok());
  Write("/wharf/migrate", "a", {"line 0", "line 1", "line 2", "line 3", "line 4"});
  Write("/wharf/migrate", "b", {"exited with code 3"});

  GetLogEventsRequest get;
  get.log_group_name = "/wharf/migrate";
  get.log_stream_name = "a";
  get.limit = 2;
  const int64_t before = client_->attempts_sent();
  auto events =
      Call<GetLogEventsResult>([&](auto done) { logs_->GetLogEvents(get, std::move(done)); });
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->events.size(), 5u);
  EXPECT_GE(client_->attempts_sent() - before, 3) << "pages of 2";
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(events->events[i].message, "line " + std::to_string(i));
    EXPECT_GT(events->events[i].timestamp_ms, 0);
  }
  EXPECT_FALSE(events->next_forward_token.empty());

  // Tailing from the token: nothing new, then the new line.
  get.next_token = events->next_forward_token;
  auto nothing =
      Call<GetLogEventsResult>([&](auto done) { logs_->GetLogEvents(get, std::move(done)); });
  ASSERT_TRUE(nothing.ok()) << nothing.status().ToString();
  EXPECT_TRUE(nothing->events.empty());
  auto put = Call<json>([&](auto done) {
    client_->CallJson(
        services::kLogs, "PutLogEvents",
        {{"logGroupName", "/wharf/migrate"},
         {"logStreamName", "a"},
         {"logEvents", {{{"timestamp", clock_.NowUnixMs() + 10}, {"message", "late"}}}}},
        std::move(done));
  });
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  get.next_token = nothing->next_forward_token;
  auto late =
      Call<GetLogEventsResult>([&](auto done) { logs_->GetLogEvents(get, std::move(done)); });
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  ASSERT_EQ(late->events.size(), 1u);
  EXPECT_EQ(late->events[0].message, "late");

  FilterLogEventsRequest filter;
  filter.log_group_name = "/wharf/migrate";
  filter.filter_pattern = "line";
  filter.limit = 2;
  auto filtered = Call<FilterLogEventsResult>(
      [&](auto done) { logs_->FilterLogEvents(filter, std::move(done)); });
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  ASSERT_EQ(filtered->events.size(), 5u);
  EXPECT_EQ(filtered->events[0].log_stream_name, "a");
  EXPECT_FALSE(filtered->events[0].event_id.empty());
  filter.filter_pattern = "exited";
  filter.log_stream_names = {"a", "b"};
  auto exited = Call<FilterLogEventsResult>(
      [&](auto done) { logs_->FilterLogEvents(filter, std::move(done)); });
  ASSERT_TRUE(exited.ok()) << exited.status().ToString();
  ASSERT_EQ(exited->events.size(), 1u);
  EXPECT_EQ(exited->events[0].log_stream_name, "b");
  EXPECT_EQ(exited->events[0].message, "exited with code 3");

  get.log_group_name = "/wharf/none";
  get.next_token.clear();
  auto no_group =
      Call<GetLogEventsResult>([&](auto done) { logs_->GetLogEvents(get, std::move(done)); });
  ASSERT_FALSE(no_group.ok());
  EXPECT_EQ(no_group.error().code(), "ResourceNotFoundException");
  EXPECT_EQ(no_group.status().code(), Status::Code::kNotFound);
}

// A one-off ECS task's awslogs lines, read back as Wharf reads a migration's.
TEST_F(LogsClientLocalCloudTest, AnEcsTaskWritesItsExitToItsLogGroup) {
  ControlOk("clock", {{"speed", 60}});
  ControlOk("scenarios", {{"match", {{"command", "migrate"}}}, {"effect", {{"exit_code", 3}}}});
  EcsClient ecs(*client_);
  ASSERT_TRUE(
      Call<EcsCluster>([&](auto done) { ecs.CreateCluster("app", {}, std::move(done)); }).ok());
  ASSERT_TRUE(Call<bool>([&](auto done) {
                logs_->CreateLogGroup("/wharf/migrate", {}, std::move(done));
              }).ok());
  EcsTaskDefinition d;
  d.family = "migrate";
  d.cpu = "256";
  d.memory = "512";
  d.network_mode = "awsvpc";
  d.requires_compatibilities = {"FARGATE"};
  EcsContainerDefinition c;
  c.name = "migrate";
  c.image = "app:v7";
  c.command = {"python", "manage.py", "migrate"};
  c.log_configuration = EcsLogConfiguration{"awslogs",
                                            {{"awslogs-group", "/wharf/migrate"},
                                             {"awslogs-region", "us-east-1"},
                                             {"awslogs-stream-prefix", "migrate"}}};
  d.containers = {c};
  ASSERT_TRUE(Call<EcsTaskDefinition>([&](auto done) {
                ecs.RegisterTaskDefinition(d, std::move(done));
              }).ok());
  EcsRunTaskRequest run;
  run.cluster = "app";
  run.task_definition = "migrate";
  run.network_configuration = EcsNetworkConfiguration{.subnets = {DefaultSubnets().at(0)}};
  auto started = Call<EcsRunTaskResult>([&](auto done) { ecs.RunTask(run, std::move(done)); });
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  ASSERT_EQ(started->tasks.size(), 1u);
  const std::string task_arn = started->tasks[0].arn;
  const std::string task_id = task_arn.substr(task_arn.rfind('/') + 1);

  auto stopped = PollUntil<EcsDescribeTasksResult>(
      [&](auto done) { ecs.DescribeTasks("app", {task_arn}, std::move(done)); },
      [](const EcsDescribeTasksResult& r) {
        return r.tasks.size() == 1 && r.tasks[0].last_status == "STOPPED";
      },
      seconds(30));
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  ASSERT_EQ(stopped->tasks.at(0).last_status, "STOPPED");

  GetLogEventsRequest get;
  get.log_group_name = "/wharf/migrate";
  get.log_stream_name = "migrate/migrate/" + task_id;
  auto lines =
      Call<GetLogEventsResult>([&](auto done) { logs_->GetLogEvents(get, std::move(done)); });
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_FALSE(lines->events.empty());
  EXPECT_NE(lines->events.back().message.find("exited with code 3"), std::string::npos)
      << lines->events.back().message;

  FilterLogEventsRequest filter;
  filter.log_group_name = "/wharf/migrate";
  filter.log_stream_name_prefix = "migrate/migrate/";
  filter.filter_pattern = "exited";
  auto exited = Call<FilterLogEventsResult>(
      [&](auto done) { logs_->FilterLogEvents(filter, std::move(done)); });
  ASSERT_TRUE(exited.ok()) << exited.status().ToString();
  ASSERT_EQ(exited->events.size(), 1u);
  EXPECT_EQ(exited->events[0].log_stream_name, get.log_stream_name);
}

TEST_F(LogsClientLocalCloudTest, TagsByArn) {
  ASSERT_TRUE(Call<bool>([&](auto done) {
                logs_->CreateLogGroup("/ecs/tagged", {{"app", "shop"}}, done);
              }).ok());
  auto groups = Describe("/ecs/tagged");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 1u);
  const std::string arn = groups->front().arn;
  ASSERT_TRUE(Call<bool>([&](auto done) {
                logs_->TagResource(arn, {{"team", "web"}}, done);
              }).ok());
  auto tags = Call<std::map<std::string, std::string>>(
      [&](auto done) { logs_->ListTagsForResource(arn, done); });
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(tags.value(), (std::map<std::string, std::string>{{"app", "shop"}, {"team", "web"}}));
}

}  // namespace
}  // namespace wharf::aws
