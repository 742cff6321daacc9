#include "executors/scalable_target_handler.h"

#include <utility>
#include <vector>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

std::string ResourceId(const v1::Resource& desired) {
  return GetString(desired.properties(), "resource_id", desired.ref().name());
}

std::string Dimension(const v1::Resource& desired) {
  return GetString(desired.properties(), "scalable_dimension", aws::kEcsDesiredCountDimension);
}

// Application Auto Scaling reports a missing target as a ValidationException
// or ObjectNotFoundException.
bool IsNotFound(const v1::Error& error) {
  return error.code() == "ObjectNotFoundException" ||
         (error.code() == "ValidationException" &&
          error.message().find("No scalable target") != std::string::npos);
}

}  // namespace

v1::Resource ScalableTargetHandler::ToResource(const aws::ScalableTarget& target,
                                               const v1::Resource& desired) {
  v1::Resource r = ObservedLike(desired);
  r.set_id(target.arn.empty() ? target.resource_id : target.arn);
  if (!target.arn.empty()) (*r.mutable_outputs())["arn"] = target.arn;
  auto* p = r.mutable_properties();
  SetString(p, "resource_id", target.resource_id);
  SetString(p, "scalable_dimension", target.scalable_dimension);
  SetNumber(p, "min_capacity", target.min_capacity);
  SetNumber(p, "max_capacity", target.max_capacity);
  return r;
}

void ScalableTargetHandler::Handle(const v1::Action& action, Done done) {
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

void ScalableTargetHandler::Find(
    const v1::Resource& desired,
    std::function<void(aws::Outcome<std::optional<aws::ScalableTarget>>)> done) {
  aws::DescribeScalableTargetsRequest request;
  request.resource_ids = {ResourceId(desired)};
  request.scalable_dimension = Dimension(desired);
  autoscaling_.DescribeScalableTargets(
      request, [id = ResourceId(desired), dimension = Dimension(desired),
                done = std::move(done)](aws::Outcome<std::vector<aws::ScalableTarget>> found) {
        if (!found.ok()) return done(found.error());
        for (const auto& t : found.value()) {
          if (t.resource_id == id && t.scalable_dimension == dimension) {
            return done(std::optional<aws::ScalableTarget>(t));
          }
        }
        done(std::optional<aws::ScalableTarget>());
      });
}

void ScalableTargetHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::ScalableTarget>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    const int min = GetInt(desired.properties(), "min_capacity");
    const int max = GetInt(desired.properties(), "max_capacity");
    if (found.value() && found.value()->min_capacity == min && found.value()->max_capacity == max) {
      return done(Succeeded(ToResource(*found.value(), desired), false));
    }
    aws::RegisterScalableTargetRequest request;
    request.resource_id = ResourceId(desired);
    request.scalable_dimension = Dimension(desired);
    request.min_capacity = min;
    request.max_capacity = max;
    autoscaling_.RegisterScalableTarget(request,
                                        [desired, request, done](aws::Outcome<std::string> arn) {
                                          if (!arn.ok()) return done(Failed(arn.error()));
                                          aws::ScalableTarget target;
                                          target.service_namespace = request.service_namespace;
                                          target.resource_id = request.resource_id;
                                          target.scalable_dimension = request.scalable_dimension;
                                          target.min_capacity = *request.min_capacity;
                                          target.max_capacity = *request.max_capacity;
                                          target.arn = arn.value();
                                          done(Succeeded(ToResource(target, desired), true));
                                        });
  });
}

void ScalableTargetHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  Find(desired,
       [desired, done = std::move(done)](aws::Outcome<std::optional<aws::ScalableTarget>> found) {
         if (!found.ok()) return done(Failed(found.error()));
         if (!found.value()) return done(Succeeded(Absent(desired), false));
         done(Succeeded(ToResource(*found.value(), desired), false));
       });
}

void ScalableTargetHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  autoscaling_.DeregisterScalableTarget(aws::kEcsServiceNamespace, ResourceId(desired),
                                        Dimension(desired),
                                        [desired, done = std::move(done)](aws::Outcome<bool> r) {
                                          if (!r.ok() && !IsNotFound(r.error()))
                                            return done(Failed(r.error()));
                                          done(Succeeded(Absent(desired), r.ok()));
                                        });
}

}  // namespace wharf::executors
