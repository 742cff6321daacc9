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
// as long as `client` exists). List* operations follow nextToken to the last
// page; an error on any page fails the call.
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
  // Adds or overwrites `tags` on the resource `arn` (a cluster, service, task
  // definition, task or task set; tags not named are kept). The value is
  // always true.
  void TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                   Callback<bool> done);

  // Task definitions. `definition`'s registration members are sent (those
  // ECS sets, such as arn and revision, are ignored); the result is the new
  // revision as ECS stored it, with its tags.
  void RegisterTaskDefinition(const EcsTaskDefinition& definition,
                              Callback<EcsTaskDefinition> done);
  // `task_definition`: family (its latest ACTIVE revision), family:revision
  // or ARN. With its tags. An unknown one is a ClientException error.
  void DescribeTaskDefinition(const std::string& task_definition, Callback<EcsTaskDefinition> done);
  // Marks the revision INACTIVE (running tasks and services keep it); returns it.
  void DeregisterTaskDefinition(const std::string& task_definition,
                                Callback<EcsTaskDefinition> done);
  // Task definition ARNs matching `request`, every page.
  void ListTaskDefinitions(const EcsListTaskDefinitionsRequest& request,
                           Callback<std::vector<std::string>> done);

  // Services. The result is the service as ECS returns it (deployments,
  // events, counts). Errors: ClusterNotFoundException, ServiceNotFoundException
  // (UpdateService, DeleteService), ServiceNotActiveException,
  // InvalidParameterException (e.g. "Creation of service was not idempotent."
  // for an existing name without the same clientToken).
  void CreateService(const EcsCreateServiceRequest& request, Callback<EcsService> done);
  void UpdateService(const EcsUpdateServiceRequest& request, Callback<EcsService> done);
  // At most 10 services (names or ARNs) of `cluster`, with their tags; unknown
  // ones come back as failures ("MISSING").
  void DescribeServices(const std::string& cluster, const std::vector<std::string>& services,
                        Callback<EcsDescribeServicesResult> done);
  // ARNs of the cluster's ACTIVE and DRAINING services, every page.
  void ListServices(const std::string& cluster, Callback<std::vector<std::string>> done);
  // Needs desiredCount 0 or `force`; the service turns DRAINING, then INACTIVE.
  void DeleteService(const std::string& cluster, const std::string& service, bool force,
                     Callback<EcsService> done);

  // Tasks. RunTask's failures (e.g. capacity) are in the result, not an error.
  void RunTask(const EcsRunTaskRequest& request, Callback<EcsRunTaskResult> done);
  // At most 100 tasks (ids or ARNs) of `cluster`, with their tags; unknown ones
  // come back as failures ("MISSING").
  void DescribeTasks(const std::string& cluster, const std::vector<std::string>& tasks,
                     Callback<EcsDescribeTasksResult> done);
  // Task ARNs matching `request`, every page.
  void ListTasks(const EcsListTasksRequest& request, Callback<std::vector<std::string>> done);
  // Asks ECS to stop the task (stopCode UserInitiated); returns it as it was
  // at that moment. `reason` (up to 255 characters) becomes its stoppedReason.
  void StopTask(const std::string& cluster, const std::string& task, const std::string& reason,
                Callback<EcsTask> done);

  // Task sets, for services whose deploymentController is EXTERNAL.
  void CreateTaskSet(const EcsCreateTaskSetRequest& request, Callback<EcsTaskSet> done);
  void UpdateTaskSet(const std::string& cluster, const std::string& service,
                     const std::string& task_set, const EcsScale& scale, Callback<EcsTaskSet> done);
  // Without `force` the task set must not be PRIMARY and must be scaled to 0.
  void DeleteTaskSet(const std::string& cluster, const std::string& service,
                     const std::string& task_set, bool force, Callback<EcsTaskSet> done);
  // The given task sets (ids or ARNs), or every one of the service when
  // `task_sets` is empty; with their tags.
  void DescribeTaskSets(const std::string& cluster, const std::string& service,
                        const std::vector<std::string>& task_sets,
                        Callback<EcsDescribeTaskSetsResult> done);
  // Makes `primary_task_set` the service's PRIMARY; returns it.
  void UpdateServicePrimaryTaskSet(const std::string& cluster, const std::string& service,
                                   const std::string& primary_task_set, Callback<EcsTaskSet> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
