#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wharf::aws {

// An ECS cluster as DescribeClusters/CreateCluster/DeleteCluster return it.
struct EcsCluster {
  std::string arn;
  std::string name;
  // "ACTIVE", "PROVISIONING", "DEPROVISIONING", "FAILED", "INACTIVE".
  std::string status;
  int64_t active_services_count = 0;
  int64_t running_tasks_count = 0;
  int64_t pending_tasks_count = 0;
  std::map<std::string, std::string> tags;
};

// One entry of an ECS "failures" list ("MISSING" for an unknown cluster).
struct EcsFailure {
  std::string arn;
  std::string reason;
  std::string detail;
};

struct EcsDescribeClustersResult {
  std::vector<EcsCluster> clusters;
  std::vector<EcsFailure> failures;
};

}  // namespace wharf::aws
