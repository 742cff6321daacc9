#include "executors/ecs_cluster_handler.h"

#include <map>

namespace wharf::executors {
namespace {

std::map<std::string, std::string> DesiredTags(const v1::Action& action) {
  return {action.resource().tags().begin(), action.resource().tags().end()};
}

v1::ActionResult Failed(const v1::Error& error) {
  v1::ActionResult result;
  result.set_outcome(error.retryable() ? v1::FAILED_RETRYABLE : v1::FAILED_TERMINAL);
  *result.mutable_error() = error;
  return result;
}

v1::ActionResult Succeeded(v1::Resource observed, bool mutated) {
  v1::ActionResult result;
  result.set_outcome(v1::SUCCEEDED);
  *result.mutable_observed() = std::move(observed);
  result.set_mutated(mutated);
  return result;
}

}  // namespace

v1::Resource EcsClusterHandler::ToResource(const aws::EcsCluster& cluster, const std::string& app) {
  v1::Resource r;
  r.mutable_ref()->set_kind(v1::ECS_CLUSTER);
  r.mutable_ref()->set_name(cluster.name);
  r.set_app(app);
  r.set_id(cluster.arn);
  (*r.mutable_outputs())["arn"] = cluster.arn;
  auto& fields = *r.mutable_properties()->mutable_fields();
  fields["name"].set_string_value(cluster.name);
  fields["status"].set_string_value(cluster.status);
  auto* tags = fields["tags"].mutable_struct_value()->mutable_fields();
  for (const auto& [k, v] : cluster.tags) {
    (*tags)[k].set_string_value(v);
    (*r.mutable_tags())[k] = v;
  }
  return r;
}

void EcsClusterHandler::Handle(const v1::Action& action, Done done) {
  switch (action.verb()) {
    case v1::CREATE:
      return Create(action, std::move(done));
    case v1::UPDATE:
      return Update(action, std::move(done));
    case v1::DELETE:
      return Delete(action, std::move(done));
    case v1::OBSERVE:
      return Observe(action, std::move(done));
    default: {
      v1::Error error;
      error.set_code("UnsupportedVerb");
      error.set_message("ECS_CLUSTER has no " + v1::ActionVerb_Name(action.verb()));
      done(Failed(error));
    }
  }
}

void EcsClusterHandler::Create(const v1::Action& action, Done done) {
  const std::string name = action.resource().ref().name();
  ecs_.DescribeClusters({name}, [this, action, name, done = std::move(done)](
                                    aws::Outcome<aws::EcsDescribeClustersResult> found) {
    if (!found.ok()) return done(Failed(found.error()));
    for (const auto& cluster : found->clusters) {
      if (cluster.name == name && cluster.status == "ACTIVE") {
        return done(Succeeded(ToResource(cluster, action.app()), /*mutated=*/false));
      }
    }
    ecs_.CreateCluster(name, DesiredTags(action),
                       [action, done](aws::Outcome<aws::EcsCluster> created) {
                         if (!created.ok()) return done(Failed(created.error()));
                         done(Succeeded(ToResource(created.value(), action.app()), true));
                       });
  });
}

void EcsClusterHandler::Update(const v1::Action& action, Done done) {
  const std::string name = action.resource().ref().name();
  ecs_.DescribeClusters({name}, [this, action, name, done = std::move(done)](
                                    aws::Outcome<aws::EcsDescribeClustersResult> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (found->clusters.empty() || found->clusters[0].status != "ACTIVE") {
      v1::Error error;
      error.set_service("ECS");
      error.set_operation("DescribeClusters");
      error.set_code("ClusterNotFoundException");
      error.set_message("cluster " + name + " disappeared; it will be created again");
      error.set_retryable(true);
      return done(Failed(error));
    }
    aws::EcsCluster cluster = found->clusters[0];
    ecs_.TagResource(cluster.arn, DesiredTags(action),
                     [action, cluster, done](aws::Outcome<bool> tagged) mutable {
                       if (!tagged.ok()) return done(Failed(tagged.error()));
                       for (const auto& [k, v] : DesiredTags(action)) cluster.tags[k] = v;
                       done(Succeeded(ToResource(cluster, action.app()), true));
                     });
  });
}

void EcsClusterHandler::Delete(const v1::Action& action, Done done) {
  const std::string name = action.resource().ref().name();
  ecs_.DeleteCluster(name, [action, done = std::move(done)](aws::Outcome<aws::EcsCluster> deleted) {
    if (!deleted.ok() && deleted.error().code() != "ClusterNotFoundException") {
      return done(Failed(deleted.error()));
    }
    v1::Resource gone;
    *gone.mutable_ref() = action.resource().ref();
    gone.set_app(action.app());
    done(Succeeded(gone, deleted.ok()));
  });
}

void EcsClusterHandler::Observe(const v1::Action& action, Done done) {
  const std::string name = action.resource().ref().name();
  ecs_.DescribeClusters({name}, [action, name, done = std::move(done)](
                                    aws::Outcome<aws::EcsDescribeClustersResult> found) {
    if (!found.ok()) return done(Failed(found.error()));
    for (const auto& cluster : found->clusters) {
      if (cluster.name == name && cluster.status == "ACTIVE") {
        return done(Succeeded(ToResource(cluster, action.app()), /*mutated=*/false));
      }
    }
    v1::Resource absent;
    *absent.mutable_ref() = action.resource().ref();
    absent.set_app(action.app());
    done(Succeeded(absent, false));
  });
}

}  // namespace wharf::executors
