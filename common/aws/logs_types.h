#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Wharf's view of CloudWatch Logs' log groups and events, named after the
// service's members (botocore's logs service-2.json). Times are Unix
// milliseconds, as CloudWatch Logs writes them.
namespace wharf::aws {

struct LogGroup {
  std::string name;
  // Without the ":*" suffix of the legacy "arn" member.
  std::string arn;
  int64_t creation_time_ms = 0;
  // Unset: events never expire.
  std::optional<int> retention_in_days;
  int64_t stored_bytes = 0;
  std::string kms_key_id;
  // "STANDARD", "INFREQUENT_ACCESS", "DELIVERY".
  std::string log_group_class;
};

struct LogEvent {
  int64_t timestamp_ms = 0;
  int64_t ingestion_time_ms = 0;
  std::string message;
  // FilterLogEvents only.
  std::string log_stream_name;
  std::string event_id;
};

struct GetLogEventsRequest {
  std::string log_group_name;
  std::string log_stream_name;
  std::optional<int64_t> start_time_ms;
  std::optional<int64_t> end_time_ms;
  // Read from the oldest event (true) or the newest page (false) when no
  // next_token is given.
  bool start_from_head = true;
  // Resume from a previous result's next_forward_token (tailing).
  std::string next_token;
  // Events per page (1-10000); unset: the service's (up to 1 MB).
  std::optional<int> limit;
  // Stop reading pages once this many events are collected (0: read to the
  // end of the stream).
  size_t max_events = 0;
};

struct GetLogEventsResult {
  std::vector<LogEvent> events;
  // Pass as next_token to read what is written after these events.
  std::string next_forward_token;
  // The first page's backward token.
  std::string next_backward_token;
};

struct FilterLogEventsRequest {
  std::string log_group_name;
  // Empty: every stream (or those starting with log_stream_name_prefix).
  std::vector<std::string> log_stream_names;
  std::string log_stream_name_prefix;
  // CloudWatch Logs filter syntax ("ERROR", "?exited ?killed"); empty: all.
  std::string filter_pattern;
  std::optional<int64_t> start_time_ms;
  std::optional<int64_t> end_time_ms;
  // Events per page; unset: the service's.
  std::optional<int> limit;
  // Stop once this many events are collected (0: every page).
  size_t max_events = 0;
};

struct FilterLogEventsResult {
  std::vector<LogEvent> events;
  // Non-empty when max_events stopped the reading before the last page.
  std::string next_token;
};

}  // namespace wharf::aws
