#include "executors/network_handlers.h"

#include <memory>

#include "executors/listener_handler.h"
#include "executors/load_balancer_handler.h"
#include "executors/security_group_handler.h"
#include "executors/security_group_ingress_handler.h"
#include "executors/target_group_handler.h"
#include "executors/vpc_lookup_handler.h"

namespace wharf::executors {
namespace {

void RegisterAllVerbs(HandlerRegistry& registry, v1::ResourceKind kind,
                      std::shared_ptr<ActionHandler> handler) {
  for (v1::ActionVerb verb : {v1::CREATE, v1::UPDATE, v1::DELETE, v1::OBSERVE}) {
    registry.Register(kind, verb, handler);
  }
}

}  // namespace

void RegisterNetworkHandlers(HandlerRegistry& registry, AwsClients& clients) {
  RegisterAllVerbs(registry, v1::VPC, std::make_shared<VpcLookupHandler>(clients.ec2));
  RegisterAllVerbs(registry, v1::SECURITY_GROUP,
                   std::make_shared<SecurityGroupHandler>(clients.ec2));
  RegisterAllVerbs(registry, v1::SECURITY_GROUP_INGRESS,
                   std::make_shared<SecurityGroupIngressHandler>(clients.ec2));
  RegisterAllVerbs(registry, v1::LOAD_BALANCER,
                   std::make_shared<LoadBalancerHandler>(clients.elbv2));
  RegisterAllVerbs(registry, v1::TARGET_GROUP, std::make_shared<TargetGroupHandler>(clients.elbv2));
  RegisterAllVerbs(registry, v1::LISTENER, std::make_shared<ListenerHandler>(clients.elbv2));
}

}  // namespace wharf::executors
