// LogsClient's request encoding and response parsing, on canned JSON.
#include "common/aws/logs_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/json_client_test_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class LogsClientTest : public test::JsonClientTest {
 protected:
  LogsClient logs_{*client_};
};

TEST_F(LogsClientTest, CreateRetentionAndDeleteRequests) {
  Respond("");
  Respond("");
  Respond("");
  ASSERT_TRUE(Call<bool>([&](auto done) {
                logs_.CreateLogGroup("/wharf/shop", {{"wharf:app", "shop"}}, std::move(done));
              }).ok());
  EXPECT_EQ(Target(0), "Logs_20140328.CreateLogGroup");
  EXPECT_EQ(Body(0), json::parse(R"({"logGroupName": "/wharf/shop",
      "tags": {"wharf:app": "shop"}})"));
  ASSERT_TRUE(Call<bool>([&](auto done) {
                logs_.PutRetentionPolicy("/wharf/shop", 30, std::move(done));
              }).ok());
  EXPECT_EQ(Body(1), json::parse(R"({"logGroupName": "/wharf/shop", "retentionInDays": 30})"));
  ASSERT_TRUE(
      Call<bool>([&](auto done) { logs_.DeleteLogGroup("/wharf/shop", std::move(done)); }).ok());
  EXPECT_EQ(Body(2), json::parse(R"({"logGroupName": "/wharf/shop"})"));

  Respond(R"({"__type": "ResourceNotFoundException",
      "message": "The specified log group does not exist."})",
          400);
  auto missing =
      Call<bool>([&](auto done) { logs_.DeleteLogGroup("/wharf/none", std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ResourceNotFoundException");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_F(LogsClientTest, DescribeLogGroupsPagesAndParses) {
  Respond(R"({"logGroups": [{"logGroupName": "/wharf/a",
      "arn": "arn:aws:logs:eu-west-1:1:log-group:/wharf/a:*", "creationTime": 1700000000123,
      "retentionInDays": 7, "storedBytes": 10, "metricFilterCount": 0}], "nextToken": "n"})");
  Respond(R"({"logGroups": [{"logGroupName": "/wharf/b",
      "arn": "arn:aws:logs:eu-west-1:1:log-group:/wharf/b:*",
      "logGroupArn": "arn:aws:logs:eu-west-1:1:log-group:/wharf/b",
      "logGroupClass": "STANDARD"}], "nextToken": null})");
  auto got = Call<std::vector<LogGroup>>(
      [&](auto done) { logs_.DescribeLogGroups("/wharf", std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ(got.value()[0].name, "/wharf/a");
  EXPECT_EQ(got.value()[0].arn, "arn:aws:logs:eu-west-1:1:log-group:/wharf/a");
  EXPECT_EQ(got.value()[0].creation_time_ms, 1700000000123);
  EXPECT_EQ(got.value()[0].retention_in_days, 7);
  EXPECT_EQ(got.value()[0].stored_bytes, 10);
  EXPECT_EQ(got.value()[1].arn, "arn:aws:logs:eu-west-1:1:log-group:/wharf/b");
  EXPECT_FALSE(got.value()[1].retention_in_days.has_value());
  EXPECT_EQ(got.value()[1].log_group_class, "STANDARD");
  EXPECT_EQ(Body(0), json::parse(R"({"logGroupNamePrefix": "/wharf"})"));
  EXPECT_EQ(Body(1), json::parse(R"({"logGroupNamePrefix": "/wharf", "nextToken": "n"})"));

  Respond(R"({"logGroups": [{"retentionInDays": "7"}]})");
  auto bad =
      Call<std::vector<LogGroup>>([&](auto done) { logs_.DescribeLogGroups("", std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
  EXPECT_EQ(Body(2), json::object());
}

TEST_F(LogsClientTest, GetLogEventsFollowsTheForwardTokenUntilItRepeats) {
  Respond(R"({"events": [{"timestamp": 1, "message": "a", "ingestionTime": 2}],
      "nextForwardToken": "f/1", "nextBackwardToken": "b/0"})");
  Respond(R"({"events": [{"timestamp": 3, "message": "b", "ingestionTime": 4}],
      "nextForwardToken": "f/2", "nextBackwardToken": "b/1"})");
  Respond(R"({"events": [], "nextForwardToken": "f/2", "nextBackwardToken": "b/2"})");
  GetLogEventsRequest r;
  r.log_group_name = "/wharf/migrate";
  r.log_stream_name = "migrate/migrate/abc";
  r.start_time_ms = 100;
  r.end_time_ms = 200;
  r.limit = 1;
  auto got = Call<GetLogEventsResult>([&](auto done) { logs_.GetLogEvents(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->events.size(), 2u);
  EXPECT_EQ(got->events[0].message, "a");
  EXPECT_EQ(got->events[0].timestamp_ms, 1);
  EXPECT_EQ(got->events[0].ingestion_time_ms, 2);
  EXPECT_EQ(got->events[1].message, "b");
  EXPECT_EQ(got->next_forward_token, "f/2");
  EXPECT_EQ(got->next_backward_token, "b/0");
  EXPECT_EQ(Body(0), json::parse(R"({"logGroupName": "/wharf/migrate",
      "logStreamName": "migrate/migrate/abc", "startFromHead": true, "startTime": 100,
      "endTime": 200, "limit": 1})"));
  EXPECT_EQ(Body(2)["nextToken"], "f/2");

  // Tailing: resume from the token; nothing new ends at once.
  Respond(R"({"events": [], "nextForwardToken": "f/2", "nextBackwardToken": "b/2"})");
  GetLogEventsRequest tail;
  tail.log_group_name = "/wharf/migrate";
  tail.log_stream_name = "s";
  tail.next_token = "f/2";
  auto tailed =
      Call<GetLogEventsResult>([&](auto done) { logs_.GetLogEvents(tail, std::move(done)); });
  ASSERT_TRUE(tailed.ok()) << tailed.status().ToString();
  EXPECT_TRUE(tailed->events.empty());
  EXPECT_EQ(tailed->next_forward_token, "f/2");
  EXPECT_EQ(transport_.request_count(), 4u);

  Respond(R"({"events": [{"message": 5}]})");
  auto bad =
      Call<GetLogEventsResult>([&](auto done) { logs_.GetLogEvents(tail, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
}

TEST_F(LogsClientTest, GetLogEventsStopsAtMaxEvents) {
  Respond(R"({"events": [{"message": "a"}, {"message": "b"}], "nextForwardToken": "f/1"})");
  GetLogEventsRequest r;
  r.log_group_name = "g";
  r.log_stream_name = "s";
  r.max_events = 2;
  auto got = Call<GetLogEventsResult>([&](auto done) { logs_.GetLogEvents(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->events.size(), 2u);
  EXPECT_EQ(got->next_forward_token, "f/1");
  EXPECT_EQ(transport_.request_count(), 1u);
}

TEST_F(LogsClientTest, FilterLogEventsPagesWithEveryFilter) {
  Respond(R"({"events": [{"logStreamName": "s1", "timestamp": 5, "message": "exited 3",
      "ingestionTime": 6, "eventId": "e1"}], "nextToken": "n",
      "searchedLogStreams": [{"logStreamName": "s1", "searchedCompletely": true}]})");
  Respond(R"({"events": [{"logStreamName": "s2", "timestamp": 7, "message": "exited 0",
      "eventId": "e2"}]})");
  FilterLogEventsRequest r;
  r.log_group_name = "/wharf/migrate";
  r.log_stream_names = {"s1", "s2"};
  r.filter_pattern = "exited";
  r.start_time_ms = 1;
  r.end_time_ms = 10;
  r.limit = 1;
  auto got =
      Call<FilterLogEventsResult>([&](auto done) { logs_.FilterLogEvents(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->events.size(), 2u);
  EXPECT_EQ(got->events[0].log_stream_name, "s1");
  EXPECT_EQ(got->events[0].event_id, "e1");
  EXPECT_EQ(got->events[1].message, "exited 0");
  EXPECT_EQ(got->next_token, "");
  EXPECT_EQ(Body(1), json::parse(R"({"logGroupName": "/wharf/migrate",
      "logStreamNames": ["s1", "s2"], "filterPattern": "exited", "startTime": 1, "endTime": 10,
      "limit": 1, "nextToken": "n"})"));

  Respond(R"({"events": []})");
  FilterLogEventsRequest prefix;
  prefix.log_group_name = "g";
  prefix.log_stream_name_prefix = "migrate/";
  ASSERT_TRUE(Call<FilterLogEventsResult>([&](auto done) {
                logs_.FilterLogEvents(prefix, std::move(done));
              }).ok());
  EXPECT_EQ(Body(2), json::parse(R"({"logGroupName": "g", "logStreamNamePrefix": "migrate/"})"));
}

}  // namespace
}  // namespace wharf::aws
