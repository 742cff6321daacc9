#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wharf::aws {

// A token bucket's size: `burst` tokens at most, refilled at `per_second`.
struct RateLimit {
  double burst = 0;
  double per_second = 0;
  bool operator==(const RateLimit&) const = default;
};

// One bucket a call takes a token from. `name` is unique within the service
// ("cluster-read", "account", or the operation for per-action buckets).
struct RateBucket {
  std::string name;
  RateLimit limit;
  bool operator==(const RateBucket&) const = default;
};

// AWS's published API request rates, as token buckets per (service,
// bucket); the one place Wharf keeps them. The numbers and the way calls map
// to buckets are the local cloud's (localcloud/ratelimits.py, which names the
// AWS pages they come from), so a client that keeps to this table is never
// throttled by the local cloud's rate mode:
//   ECS    one bucket per action category ("Request throttling for the Amazon
//          ECS API"): RegisterTaskDefinition 20/1, DescribeClusters 50/20,
//          DescribeServices 100/20, Create/Update/DeleteService 50/5,
//          RunTask 100/40 and also Fargate's 20/20, ...;
//   EC2    one bucket per action ("Request throttling for the Amazon EC2
//          API"): Describe*/List*/Search*/Get* 100/20, mutating 50/5,
//          resource-intensive 50/5, some actions their own (CreateTags
//          100/10, ...);
//   ELBv2  every call also takes from the account bucket 40/10 ("Request
//          throttling for the ELB API"); Describe* 40/10, mutating 20/3,
//          Register/DeregisterTargets 20/4, CreateLoadBalancer 10/0.2;
//   others (IAM, STS, Logs, ECR, CloudWatch, ...): not published as buckets;
//          one bucket per operation of default_limit (50/20).
// Services are named by their SigV4 signing name ("ecs",
// "elasticloadbalancing"). Immutable after set-up; thread-safe to read.
class ApiRateTable {
 public:
  // The default for services and operations AWS publishes no rate for.
  static constexpr RateLimit kDefaultLimit{50, 20};

  ApiRateTable() = default;
  explicit ApiRateTable(RateLimit default_limit) : default_limit_(default_limit) {}

  // Replaces the limit of bucket `bucket` of `service` (e.g. to follow a
  // raised account quota, or in tests).
  void Override(std::string service, std::string bucket, RateLimit limit);

  // The buckets a call of `operation` takes one token from each (one or
  // two), in a fixed order.
  std::vector<RateBucket> BucketsFor(std::string_view service, std::string_view operation) const;

 private:
  RateLimit default_limit_ = kDefaultLimit;
  std::map<std::pair<std::string, std::string>, RateLimit, std::less<>> overrides_;
};

}  // namespace wharf::aws
