#include "executors/ecs_service_handler.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

using google::protobuf::Struct;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string Cluster(const v1::Resource& desired) {
  return GetString(desired.properties(), "cluster", desired.app());
}

std::string Name(const v1::Resource& desired) {
  return GetString(desired.properties(), "name", desired.ref().name());
}

// "shop" from "arn:aws:ecs:REGION:ACCOUNT:cluster/shop".
std::string ClusterName(const std::string& arn) {
  const size_t slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

uint64_t Fnv1a(const std::string& bytes, uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::optional<aws::EcsNetworkConfiguration> DesiredNetwork(const Struct& p) {
  if (!Has(p, "network.subnets")) return std::nullopt;
  aws::EcsNetworkConfiguration n;
  n.subnets = Sorted(GetStringList(p, "network.subnets"));
  n.security_groups = Sorted(GetStringList(p, "network.security_groups"));
  // "ENABLED" / "DISABLED" as ECS spells it (a bool is accepted too).
  n.assign_public_ip = GetString(p, "network.assign_public_ip") == "ENABLED" ||
                       GetBool(p, "network.assign_public_ip");
  return n;
}

std::vector<aws::EcsLoadBalancer> DesiredLoadBalancers(const Struct& p) {
  if (!Has(p, "load_balancer.target_group_arn")) return {};
  aws::EcsLoadBalancer lb;
  lb.target_group_arn = GetString(p, "load_balancer.target_group_arn");
  lb.container_name = GetString(p, "load_balancer.container_name", "app");
  lb.container_port = GetInt(p, "load_balancer.container_port");
  return {lb};
}

std::optional<aws::EcsDeploymentConfiguration> DesiredDeployment(const Struct& p) {
  if (!Has(p, "deployment")) return std::nullopt;
  aws::EcsDeploymentConfiguration d;
  if (Has(p, "deployment.maximum_percent"))
    d.maximum_percent = GetInt(p, "deployment.maximum_percent");
  if (Has(p, "deployment.minimum_healthy_percent")) {
    d.minimum_healthy_percent = GetInt(p, "deployment.minimum_healthy_percent");
  }
  if (Has(p, "deployment.circuit_breaker") || Has(p, "deployment.rollback")) {
    d.circuit_breaker = aws::EcsDeploymentCircuitBreaker{GetBool(p, "deployment.circuit_breaker"),
                                                         GetBool(p, "deployment.rollback")};
  }
  return d;
}

bool DeploymentDiffers(const aws::EcsDeploymentConfiguration& found,
                       const aws::EcsDeploymentConfiguration& wanted) {
  if (wanted.maximum_percent && found.maximum_percent.value_or(200) != *wanted.maximum_percent) {
    return true;
  }
  if (wanted.minimum_healthy_percent &&
      found.minimum_healthy_percent.value_or(100) != *wanted.minimum_healthy_percent) {
    return true;
  }
  return wanted.circuit_breaker &&
         found.circuit_breaker.value_or(aws::EcsDeploymentCircuitBreaker{}) !=
             *wanted.circuit_breaker;
}

}  // namespace

std::string EcsServiceHandler::ClientToken(const v1::Resource& desired) {
  std::string properties;
  {
    google::protobuf::io::StringOutputStream out(&properties);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    desired.properties().SerializeToCodedStream(&coded);
  }
  // 16 + 1 + 16 = 33 characters (ECS allows 36).
  return Hex16(Fnv1a(desired.app() + '\0' + Cluster(desired) + '\0' + Name(desired))) + "-" +
         Hex16(Fnv1a(properties));
}

aws::EcsCreateServiceRequest EcsServiceHandler::ToCreateRequest(const v1::Resource& desired) {
  const Struct& p = desired.properties();
  aws::EcsCreateServiceRequest r;
  r.cluster = Cluster(desired);
  r.service_name = Name(desired);
  r.task_definition = GetString(p, "task_definition_arn");
  r.desired_count = Has(p, "desired_count") ? GetInt(p, "desired_count")
                                            : GetInt(p, "create_only.desired_count", 1);
  r.launch_type = GetString(p, "launch_type", "FARGATE");
  r.network_configuration = DesiredNetwork(p);
  r.load_balancers = DesiredLoadBalancers(p);
  r.deployment_configuration = DesiredDeployment(p);
  if (Has(p, "health_check_grace_period_seconds")) {
    r.health_check_grace_period_seconds = GetInt(p, "health_check_grace_period_seconds");
  }
  r.tags = TagsOf(desired);
  r.client_token = ClientToken(desired);
  return r;
}

std::optional<aws::EcsUpdateServiceRequest> EcsServiceHandler::Corrections(
    const aws::EcsService& service, const v1::Resource& desired) {
  const Struct& p = desired.properties();
  aws::EcsUpdateServiceRequest u;
  u.cluster = Cluster(desired);
  u.service = Name(desired);
  bool differs = false;
  const std::string task_definition = GetString(p, "task_definition_arn");
  if (!task_definition.empty() && task_definition != service.task_definition) {
    u.task_definition = task_definition;
    differs = true;
  }
  if (Has(p, "desired_count") && GetInt(p, "desired_count") != service.desired_count) {
    u.desired_count = GetInt(p, "desired_count");
    differs = true;
  }
  if (auto wanted = DesiredDeployment(p);
      wanted && DeploymentDiffers(service.deployment_configuration, *wanted)) {
    u.deployment_configuration = wanted;
    differs = true;
  }
  if (auto wanted = DesiredNetwork(p)) {
    aws::EcsNetworkConfiguration found =
        service.network_configuration.value_or(aws::EcsNetworkConfiguration{});
    found.subnets = Sorted(found.subnets);
    found.security_groups = Sorted(found.security_groups);
    if (found != *wanted) {
      u.network_configuration = wanted;
      differs = true;
    }
  }
  if (Has(p, "load_balancer.target_group_arn")) {
    auto wanted = DesiredLoadBalancers(p);
    if (service.load_balancers != wanted) {
      u.load_balancers = wanted;
      differs = true;
    }
  }
  if (Has(p, "health_check_grace_period_seconds") &&
      service.health_check_grace_period_seconds.value_or(0) !=
          GetInt(p, "health_check_grace_period_seconds")) {
    u.health_check_grace_period_seconds = GetInt(p, "health_check_grace_period_seconds");
    differs = true;
  }
  if (!differs) return std::nullopt;
  return u;
}

v1::Resource EcsServiceHandler::ToResource(const aws::EcsService& service,
                                           const v1::Resource& desired) {
  v1::Resource r = ObservedLike(desired);
  r.set_id(service.arn);
  (*r.mutable_outputs())["arn"] = service.arn;
  Struct* p = r.mutable_properties();
  SetString(p, "name", service.name);
  SetString(p, "cluster", ClusterName(service.cluster_arn));
  SetString(p, "task_definition_arn", service.task_definition);
  SetNumber(p, "desired_count", static_cast<double>(service.desired_count));
  if (!service.launch_type.empty()) SetString(p, "launch_type", service.launch_type);
  if (!service.load_balancers.empty()) {
    const aws::EcsLoadBalancer& lb = service.load_balancers.front();
    SetString(p, "load_balancer.target_group_arn", lb.target_group_arn);
    SetString(p, "load_balancer.container_name", lb.container_name);
    SetNumber(p, "load_balancer.container_port", lb.container_port);
  }
  if (service.network_configuration) {
    SetStringList(p, "network.subnets", Sorted(service.network_configuration->subnets));
    SetStringList(p, "network.security_groups",
                  Sorted(service.network_configuration->security_groups));
    SetString(p, "network.assign_public_ip",
              service.network_configuration->assign_public_ip ? "ENABLED" : "DISABLED");
  }
  const aws::EcsDeploymentConfiguration& d = service.deployment_configuration;
  SetNumber(p, "deployment.minimum_healthy_percent", d.minimum_healthy_percent.value_or(100));
  SetNumber(p, "deployment.maximum_percent", d.maximum_percent.value_or(200));
  const auto breaker = d.circuit_breaker.value_or(aws::EcsDeploymentCircuitBreaker{});
  SetBool(p, "deployment.circuit_breaker", breaker.enable);
  SetBool(p, "deployment.rollback", breaker.rollback);
  if (service.health_check_grace_period_seconds) {
    SetNumber(p, "health_check_grace_period_seconds", *service.health_check_grace_period_seconds);
  }
  SetTags(&r, service.tags);
  return r;
}

void EcsServiceHandler::Handle(const v1::Action& action, Done done) {
  switch (action.verb()) {
    case v1::CREATE:
    case v1::UPDATE:
      return Ensure(action, std::move(done));
    case v1::DELETE:
      return Delete(action, std::move(done));
    case v1::OBSERVE:
      return Observe(action, std::move(done));
    default:
      return done(UnsupportedVerb(action));
  }
}

void EcsServiceHandler::Find(
    const v1::Resource& desired,
    std::function<void(aws::Outcome<std::optional<aws::EcsService>>)> done) {
  const std::string name = Name(desired);
  ecs_.DescribeServices(
      Cluster(desired), {name},
      [name, done = std::move(done)](aws::Outcome<aws::EcsDescribeServicesResult> found) {
        if (!found.ok()) return done(found.error());
        std::optional<aws::EcsService> service;
        for (auto& s : found->services) {
          if (s.name != name) continue;
          // Several INACTIVE ones may share the name; a live one wins.
          if (!service || s.status != "INACTIVE") service = std::move(s);
        }
        done(std::move(service));
      });
}

void EcsServiceHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::EcsService>> found) mutable {
    if (!found.ok()) return done(Failed(found.error()));
    const std::optional<aws::EcsService>& service = found.value();
    if (service && service->status == "DRAINING") {
      return done(InProgress("ServiceDraining",
                             "ECS service " + Name(desired) +
                                 " is still draining from a delete; it is created again once "
                                 "ECS reports it INACTIVE"));
    }
    if (service && service->status == "ACTIVE") {
      return Adopt(desired, *service, std::move(done));
    }
    ecs_.CreateService(ToCreateRequest(desired),
                       [desired, done](aws::Outcome<aws::EcsService> created) {
                         if (!created.ok()) return done(Failed(created.error()));
                         aws::EcsService s = created.value();
                         if (s.tags.empty()) s.tags = TagsOf(desired);
                         done(Succeeded(ToResource(s, desired), true));
                       });
  });
}

void EcsServiceHandler::Adopt(const v1::Resource& desired, aws::EcsService service, Done done) {
  const std::string wanted_launch = GetString(desired.properties(), "launch_type", "FARGATE");
  if (!service.launch_type.empty() && service.launch_type != wanted_launch) {
    return done(Incompatible(desired, "launch_type", service.launch_type, wanted_launch));
  }
  auto update = Corrections(service, desired);
  if (!update) return Tag(desired, std::move(service), false, std::move(done));
  ecs_.UpdateService(*update, [this, desired, tags = service.tags,
                               done = std::move(done)](aws::Outcome<aws::EcsService> updated) {
    if (!updated.ok()) return done(Failed(updated.error()));
    aws::EcsService s = updated.value();
    s.tags = tags;  // UpdateService does not return them
    Tag(desired, std::move(s), true, done);
  });
}

void EcsServiceHandler::Tag(const v1::Resource& desired, aws::EcsService service, bool mutated,
                            Done done) {
  std::map<std::string, std::string> missing;
  for (const auto& [k, v] : TagsOf(desired)) {
    auto it = service.tags.find(k);
    if (it == service.tags.end() || it->second != v) missing[k] = v;
  }
  if (missing.empty()) return done(Succeeded(ToResource(service, desired), mutated));
  ecs_.TagResource(
      service.arn, missing,
      [desired, service, missing, done = std::move(done)](aws::Outcome<bool> tagged) mutable {
        if (!tagged.ok()) return done(Failed(tagged.error()));
        for (const auto& [k, v] : missing) service.tags[k] = v;
        done(Succeeded(ToResource(service, desired), true));
      });
}

void EcsServiceHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired,
       [desired, done = std::move(done)](aws::Outcome<std::optional<aws::EcsService>> found) {
         if (!found.ok()) {
           if (found.error().code() == "ClusterNotFoundException") {
             return done(Succeeded(Absent(desired), false));
           }
           return done(Failed(found.error()));
         }
         if (!found.value() || found.value()->status == "INACTIVE") {
           return done(Succeeded(Absent(desired), false));
         }
         done(Succeeded(ToResource(*found.value(), desired), false));
       });
}

void EcsServiceHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::EcsService>> found) mutable {
    if (!found.ok()) {
      if (found.error().code() == "ClusterNotFoundException") {
        return done(Succeeded(Absent(desired), false));
      }
      return done(Failed(found.error()));
    }
    const std::optional<aws::EcsService>& service = found.value();
    if (!service || service->status == "INACTIVE") return done(Succeeded(Absent(desired), false));
    auto draining = [name = Name(desired)] {
      return InProgress("ServiceDraining", "ECS service " + name +
                                               " is draining; deleted once ECS reports it "
                                               "INACTIVE");
    };
    if (service->status == "DRAINING") return done(draining());

    auto delete_service = [this, desired, draining, done]() {
      ecs_.DeleteService(Cluster(desired), Name(desired), /*force=*/false,
                         [this, desired, draining, done](aws::Outcome<aws::EcsService> deleted) {
                           if (!deleted.ok()) {
                             const std::string& code = deleted.error().code();
                             if (code == "ServiceNotFoundException") {
                               return done(Succeeded(Absent(desired), true));
                             }
                             return done(Failed(deleted.error()));
                           }
                           Find(desired, [desired, draining, done](
                                             aws::Outcome<std::optional<aws::EcsService>> after) {
                             if (!after.ok()) return done(Failed(after.error()));
                             if (!after.value() || after.value()->status == "INACTIVE") {
                               return done(Succeeded(Absent(desired), true));
                             }
                             done(draining());
                           });
                         });
    };
    if (service->desired_count == 0) return delete_service();
    aws::EcsUpdateServiceRequest scale;
    scale.cluster = Cluster(desired);
    scale.service = Name(desired);
    scale.desired_count = 0;
    ecs_.UpdateService(scale, [delete_service, done](aws::Outcome<aws::EcsService> scaled) {
      if (!scaled.ok()) {
        if (scaled.error().code() == "ServiceNotFoundException") return delete_service();
        return done(Failed(scaled.error()));
      }
      delete_service();
    });
  });
}

}  // namespace wharf::executors
