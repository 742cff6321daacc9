#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/logs_types.h"
#include "common/aws/outcome.h"

namespace wharf::aws {

// Typed CloudWatch Logs operations over AwsClient (JSON 1.1). A response of
// an unexpected shape becomes a "MalformedResponse" error, never an
// exception. Same threading as AwsClient: callable from any thread, callbacks
// on the io thread. `client` must outlive this object; callbacks of calls in
// flight do not need it.
//
// Errors worth handling: ResourceNotFoundException (no such group or
// stream), ResourceAlreadyExistsException (CreateLogGroup),
// InvalidParameterException (e.g. a retention not in the allowed list).
class LogsClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit LogsClient(AwsClient& client);

  // The value is always true.
  void CreateLogGroup(const std::string& name, const std::map<std::string, std::string>& tags,
                      Callback<bool> done);
  // Log groups whose names start with `prefix` ("" for all), every page.
  void DescribeLogGroups(const std::string& prefix, Callback<std::vector<LogGroup>> done);
  // `days` one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
  // 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653. The value is always true.
  void PutRetentionPolicy(const std::string& name, int days, Callback<bool> done);
  // Events of one stream, following nextForwardToken until it stops
  // changing (the end of the stream) or max_events.
  void GetLogEvents(const GetLogEventsRequest& request, Callback<GetLogEventsResult> done);
  // Matching events of a group's streams, following nextToken to the last
  // page or max_events.
  void FilterLogEvents(const FilterLogEventsRequest& request, Callback<FilterLogEventsResult> done);
  // Deletes the group and its events. The value is always true.
  void DeleteLogGroup(const std::string& name, Callback<bool> done);

  // The tags of the log group `arn` (LogGroup::arn, without ":*").
  void ListTagsForResource(const std::string& arn,
                           Callback<std::map<std::string, std::string>> done);
  // Adds or overwrites `tags` on the log group `arn` (tags not named are
  // kept). The value is always true.
  void TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                   Callback<bool> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
