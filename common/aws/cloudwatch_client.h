#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/cloudwatch_types.h"
#include "common/aws/outcome.h"
#include "common/aws/query_params_builder.h"

namespace wharf::aws {

// Typed Amazon CloudWatch alarm operations over AwsClient. CloudWatch also
// speaks CBOR and JSON (what boto3 uses today); this client uses the Query
// protocol (XML responses), which AWS still serves in every region and the
// local cloud's moto understands. A response of an unexpected shape becomes a
// "MalformedResponse" error, never an exception. Same threading as AwsClient:
// callable from any thread, callbacks on the io thread. `client` must outlive
// this object; callbacks of calls in flight do not need this object.
class CloudWatchClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit CloudWatchClient(AwsClient& client);

  // Creates the alarm or replaces its whole configuration (fields not given
  // return to their defaults). `tags` are applied on creation only (AWS
  // ignores them on an update). The value is always true.
  void PutMetricAlarm(const CloudWatchMetricAlarm& alarm,
                      const std::map<std::string, std::string>& tags, Callback<bool> done);
  // Metric alarms matching the request (follows NextToken).
  void DescribeAlarms(const CloudWatchDescribeAlarmsRequest& request,
                      Callback<std::vector<CloudWatchMetricAlarm>> done);
  // Deletes the alarms (at most 100 names). AWS documents that unknown names
  // do not keep the others from being deleted (the local cloud ignores
  // them); it may still answer ResourceNotFound. The value is always true.
  void DeleteAlarms(const std::vector<std::string>& names, Callback<bool> done);

  // The wire parameters of PutMetricAlarm (without Action and Version).
  // Exposed for tests.
  static QueryParams PutMetricAlarmParams(const CloudWatchMetricAlarm& alarm,
                                          const std::map<std::string, std::string>& tags);

  // The tags of the alarm `arn`.
  void ListTagsForResource(const std::string& arn,
                           Callback<std::map<std::string, std::string>> done);
  // Adds or overwrites `tags` on the alarm `arn` (tags not named are kept).
  // The value is always true.
  void TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                   Callback<bool> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
