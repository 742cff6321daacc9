#include "common/aws/logs_client.h"

#include <memory>
#include <utility>

#include "common/aws/json_call.h"

namespace wharf::aws {
namespace {

using json_call::Array;
using json_call::Int;
using json_call::String;
using nlohmann::json;

const AwsService& Logs() { return services::kLogs; }

LogGroup ParseLogGroup(const json& j) {
  LogGroup g;
  g.name = String(j, "logGroupName");
  g.arn = String(j, "logGroupArn");
  if (g.arn.empty()) {
    // Older answers have only "arn", which ends in ":*".
    g.arn = String(j, "arn");
    if (g.arn.size() >= 2 && g.arn.compare(g.arn.size() - 2, 2, ":*") == 0)
      g.arn.resize(g.arn.size() - 2);
  }
  g.creation_time_ms = Int(j, "creationTime");
  g.retention_in_days = json_call::OptionalInt32(j, "retentionInDays");
  g.stored_bytes = Int(j, "storedBytes");
  g.kms_key_id = String(j, "kmsKeyId");
  g.log_group_class = String(j, "logGroupClass");
  return g;
}

LogEvent ParseEvent(const json& j) {
  LogEvent e;
  e.timestamp_ms = Int(j, "timestamp");
  e.ingestion_time_ms = Int(j, "ingestionTime");
  e.message = String(j, "message");
  e.log_stream_name = String(j, "logStreamName");
  e.event_id = String(j, "eventId");
  return e;
}

void AppendEvents(const json& page, std::vector<LogEvent>& out) {
  for (const json& e : Array(page, "events")) out.push_back(ParseEvent(e));
}

}  // namespace

LogsClient::LogsClient(AwsClient& client) : client_(client) {}

void LogsClient::CreateLogGroup(const std::string& name,
                                const std::map<std::string, std::string>& tags,
                                Callback<bool> done) {
  json input = {{"logGroupName", name}};
  if (!tags.empty()) input["tags"] = tags;
  json_call::Call<bool>(
      client_, Logs(), "CreateLogGroup", std::move(input), [](const json&) { return true; },
      std::move(done));
}

void LogsClient::DescribeLogGroups(const std::string& prefix,
                                   Callback<std::vector<LogGroup>> done) {
  json input = json::object();
  if (!prefix.empty()) input["logGroupNamePrefix"] = prefix;
  json_call::CallPagedItems<LogGroup>(
      client_, Logs(), "DescribeLogGroups", std::move(input), {},
      [](const json& page, std::vector<LogGroup>& out) {
        for (const json& g : Array(page, "logGroups")) out.push_back(ParseLogGroup(g));
      },
      std::move(done));
}

void LogsClient::PutRetentionPolicy(const std::string& name, int days, Callback<bool> done) {
  json_call::Call<bool>(
      client_, Logs(), "PutRetentionPolicy",
      json{{"logGroupName", name}, {"retentionInDays", days}}, [](const json&) { return true; },
      std::move(done));
}

void LogsClient::GetLogEvents(const GetLogEventsRequest& request,
                              Callback<GetLogEventsResult> done) {
  json input = {{"logGroupName", request.log_group_name},
                {"logStreamName", request.log_stream_name},
                {"startFromHead", request.start_from_head}};
  if (request.start_time_ms) input["startTime"] = *request.start_time_ms;
  if (request.end_time_ms) input["endTime"] = *request.end_time_ms;
  if (request.limit) input["limit"] = *request.limit;
  if (!request.next_token.empty()) input["nextToken"] = request.next_token;
  // The first page's backward token, kept by the page parser.
  auto backward = std::make_shared<std::string>();
  auto first_page = std::make_shared<bool>(true);
  json_call::Paging paging;
  paging.response_token = "nextForwardToken";
  paging.max_items = request.max_events;
  json_call::CallPaged<LogEvent>(
      client_, Logs(), "GetLogEvents", std::move(input), paging,
      [backward, first_page](const json& page, std::vector<LogEvent>& out) {
        if (*first_page) {
          *backward = String(page, "nextBackwardToken");
          *first_page = false;
        }
        AppendEvents(page, out);
      },
      [backward, done = std::move(done)](Outcome<json_call::Pages<LogEvent>> pages) {
        if (!pages.ok()) {
          done(pages.error());
          return;
        }
        done(GetLogEventsResult{std::move(pages.value().items), std::move(pages.value().next_token),
                                std::move(*backward)});
      });
}

void LogsClient::FilterLogEvents(const FilterLogEventsRequest& request,
                                 Callback<FilterLogEventsResult> done) {
  json input = {{"logGroupName", request.log_group_name}};
  if (!request.log_stream_names.empty()) input["logStreamNames"] = request.log_stream_names;
  if (!request.log_stream_name_prefix.empty()) {
    input["logStreamNamePrefix"] = request.log_stream_name_prefix;
  }
  if (!request.filter_pattern.empty()) input["filterPattern"] = request.filter_pattern;
  if (request.start_time_ms) input["startTime"] = *request.start_time_ms;
  if (request.end_time_ms) input["endTime"] = *request.end_time_ms;
  if (request.limit) input["limit"] = *request.limit;
  json_call::Paging paging;
  paging.max_items = request.max_events;
  json_call::CallPaged<LogEvent>(
      client_, Logs(), "FilterLogEvents", std::move(input), paging, AppendEvents,
      [done = std::move(done)](Outcome<json_call::Pages<LogEvent>> pages) {
        if (!pages.ok()) {
          done(pages.error());
          return;
        }
        done(FilterLogEventsResult{std::move(pages.value().items),
                                   std::move(pages.value().next_token)});
      });
}

void LogsClient::DeleteLogGroup(const std::string& name, Callback<bool> done) {
  json_call::Call<bool>(
      client_, Logs(), "DeleteLogGroup", json{{"logGroupName", name}},
      [](const json&) { return true; }, std::move(done));
}

void LogsClient::ListTagsForResource(const std::string& arn,
                                     Callback<std::map<std::string, std::string>> done) {
  json_call::Call<std::map<std::string, std::string>>(
      client_, Logs(), "ListTagsForResource", json{{"resourceArn", arn}},
      [](const json& r) { return json_call::StringMap(r, "tags"); }, std::move(done));
}

void LogsClient::TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                             Callback<bool> done) {
  json_call::Call<bool>(
      client_, Logs(), "TagResource", json{{"resourceArn", arn}, {"tags", tags}},
      [](const json&) { return true; }, std::move(done));
}

}  // namespace wharf::aws
