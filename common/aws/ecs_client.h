#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/ecs_types.h"
#include "common/aws/outcome.h"

namespace wharf::aws {

// Typed Amazon ECS operations over AwsClient (JSON 1.1). The adapter between
// ECS's JSON and Wharf's types: a response of an unexpected shape becomes a
// "MalformedResponse" error, never an exception. Same threading as AwsClient:
// callable from any thread, callbacks on the io thread. `client` must outlive
// this object; callbacks of calls in flight do not need this object (they run
// as long as `client` exists).
class EcsClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit EcsClient(AwsClient& client);

  // Creates (or, ECS being idempotent on the name, returns) the cluster.
  void CreateCluster(const std::string& name, const std::map<std::string, std::string>& tags,
                     Callback<EcsCluster> done);
  // Clusters by name or ARN (at most 100), with their tags. Unknown clusters
  // come back as failures, not as an error.
  void DescribeClusters(const std::vector<std::string>& clusters,
                        Callback<EcsDescribeClustersResult> done);
  // Every cluster ARN in the region (follows nextToken).
  void ListClusters(Callback<std::vector<std::string>> done);
  // Deletes the cluster (name or ARN); returns it as ECS last saw it. An
  // unknown cluster is a ClusterNotFoundException error (status kNotFound).
  void DeleteCluster(const std::string& cluster, Callback<EcsCluster> done);
  // Adds or overwrites `tags` on the resource `arn` (tags not named are kept).
  // The value is always true.
  void TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                   Callback<bool> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
