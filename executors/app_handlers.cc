#include "executors/app_handlers.h"

#include <memory>

#include "executors/ecr_repository_handler.h"
#include "executors/ecs_cluster_handler.h"
#include "executors/ecs_service_handler.h"
#include "executors/iam_role_handler.h"
#include "executors/log_group_handler.h"
#include "executors/metric_alarm_handler.h"
#include "executors/preflight_handler.h"
#include "executors/scalable_target_handler.h"
#include "executors/scaling_policy_handler.h"
#include "executors/task_definition_handler.h"

namespace wharf::executors {
namespace {

void RegisterAllVerbs(HandlerRegistry& registry, v1::ResourceKind kind,
                      const std::shared_ptr<ActionHandler>& handler) {
  for (v1::ActionVerb verb : {v1::CREATE, v1::UPDATE, v1::DELETE, v1::OBSERVE}) {
    registry.Register(kind, verb, handler);
  }
}

}  // namespace

void RegisterAppHandlers(HandlerRegistry& registry, AwsClients& clients) {
  RegisterAllVerbs(registry, v1::ECR_REPOSITORY,
                   std::make_shared<EcrRepositoryHandler>(clients.ecr));
  RegisterAllVerbs(registry, v1::LOG_GROUP, std::make_shared<LogGroupHandler>(clients.logs));
  RegisterAllVerbs(registry, v1::IAM_ROLE, std::make_shared<IamRoleHandler>(clients.iam));
  RegisterAllVerbs(registry, v1::TASK_DEFINITION,
                   std::make_shared<TaskDefinitionHandler>(clients.ecs));
  RegisterAllVerbs(registry, v1::ECS_SERVICE, std::make_shared<EcsServiceHandler>(clients.ecs));
  RegisterAllVerbs(registry, v1::SCALABLE_TARGET,
                   std::make_shared<ScalableTargetHandler>(clients.autoscaling));
  RegisterAllVerbs(registry, v1::SCALING_POLICY,
                   std::make_shared<ScalingPolicyHandler>(clients.autoscaling));
  // The cluster's CREATE/UPDATE/DELETE are registered by the executor's main.
  registry.Register(v1::ECS_CLUSTER, v1::OBSERVE, std::make_shared<EcsClusterHandler>(clients.ecs));
  RegisterAllVerbs(registry, v1::METRIC_ALARM,
                   std::make_shared<MetricAlarmHandler>(clients.cloudwatch));
  // Preflight only reads; it has nothing to delete or observe.
  auto preflight = std::make_shared<PreflightHandler>(clients);
  registry.Register(v1::PREFLIGHT, v1::CREATE, preflight);
  registry.Register(v1::PREFLIGHT, v1::UPDATE, preflight);
}

}  // namespace wharf::executors
