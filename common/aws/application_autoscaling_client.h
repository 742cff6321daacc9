#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/aws/application_autoscaling_types.h"
#include "common/aws/aws_client.h"
#include "common/aws/outcome.h"

namespace wharf::aws {

// Typed Application Auto Scaling operations over AwsClient (JSON 1.1). A
// response of an unexpected shape becomes a "MalformedResponse" error, never
// an exception. Describe* operations follow NextToken to the last page. Same
// threading as AwsClient: callable from any thread, callbacks on the io
// thread. `client` must outlive this object; callbacks of calls in flight do
// not need it.
//
// The service reports a missing target or resource as ValidationException
// (e.g. "No scalable target found ..."), and a missing policy as
// ObjectNotFoundException.
class ApplicationAutoScalingClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit ApplicationAutoScalingClient(AwsClient& client);

  // Creates or updates the target; the value is its ARN.
  void RegisterScalableTarget(const RegisterScalableTargetRequest& request,
                              Callback<std::string> done);
  // Also deletes the target's scaling policies. The value is always true.
  void DeregisterScalableTarget(const std::string& service_namespace,
                                const std::string& resource_id,
                                const std::string& scalable_dimension, Callback<bool> done);
  // Creates or replaces a target-tracking policy.
  void PutScalingPolicy(const PutScalingPolicyRequest& request,
                        Callback<PutScalingPolicyResult> done);
  void DescribeScalableTargets(const DescribeScalableTargetsRequest& request,
                               Callback<std::vector<ScalableTarget>> done);
  void DescribeScalingPolicies(const DescribeScalingPoliciesRequest& request,
                               Callback<std::vector<ScalingPolicy>> done);

  // Deletes the policy (and the alarms the service made for it). A missing
  // policy is ObjectNotFoundException. The value is always true.
  void DeleteScalingPolicy(const std::string& policy_name, const std::string& service_namespace,
                           const std::string& resource_id, const std::string& scalable_dimension,
                           Callback<bool> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
