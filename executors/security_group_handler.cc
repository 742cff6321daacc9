#include "executors/security_group_handler.h"

#include "executors/handler_support.h"
#include "executors/network_support.h"

namespace wharf::executors {

v1::Resource SecurityGroupHandler::ToObserved(const v1::Resource& desired,
                                              const aws::Ec2SecurityGroup& group) {
  v1::Resource observed = ObservedLike(desired);
  observed.set_id(group.id);
  (*observed.mutable_outputs())["id"] = group.id;
  auto* props = observed.mutable_properties();
  SetString(props, "name", group.name);
  SetString(props, "description", group.description);
  SetString(props, "vpc_id", group.vpc_id);
  SetTags(&observed, group.tags);
  return observed;
}

void SecurityGroupHandler::Handle(const v1::Action& action, Done done) {
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

void SecurityGroupHandler::Find(const v1::Resource& desired, Found found) {
  const std::string name = GetString(desired.properties(), "name", desired.ref().name());
  const std::string vpc_id = GetString(desired.properties(), "vpc_id");
  aws::Ec2DescribeSecurityGroupsRequest request;
  request.filters = {{"group-name", {name}}};
  if (!vpc_id.empty()) request.filters.push_back({"vpc-id", {vpc_id}});
  ec2_.DescribeSecurityGroups(
      request, [found = std::move(found)](aws::Outcome<std::vector<aws::Ec2SecurityGroup>> groups) {
        if (!groups.ok()) return found(groups.error());
        if (groups->empty()) return found(std::optional<aws::Ec2SecurityGroup>());
        return found(std::optional<aws::Ec2SecurityGroup>(groups.value()[0]));
      });
}

void SecurityGroupHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Ec2SecurityGroup>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    const auto& props = desired.properties();
    const std::map<std::string, std::string> tags = TagsOf(desired);
    if (!found.value()) {
      aws::Ec2CreateSecurityGroupRequest request{
          .name = GetString(props, "name", desired.ref().name()),
          .description = GetString(props, "description"),
          .vpc_id = GetString(props, "vpc_id"),
          .tags = tags};
      ec2_.CreateSecurityGroup(
          request, [desired, request, done](aws::Outcome<aws::Ec2CreateSecurityGroupResult> made) {
            if (!made.ok()) return done(Failed(made.error()));
            aws::Ec2SecurityGroup group{.id = made->group_id,
                                        .name = request.name,
                                        .description = request.description,
                                        .vpc_id = request.vpc_id,
                                        .arn = made->arn,
                                        .tags = request.tags};
            done(Succeeded(ToObserved(desired, group), /*mutated=*/true));
          });
      return;
    }
    aws::Ec2SecurityGroup group = *found.value();
    const std::string description = GetString(props, "description");
    if (group.description != description) {
      return done(Incompatible(desired, "description", group.description, description));
    }
    std::map<std::string, std::string> missing = network::TagsToAdd(tags, group.tags);
    if (missing.empty()) return done(Succeeded(ToObserved(desired, group), /*mutated=*/false));
    ec2_.CreateTags({group.id}, missing,
                    [desired, group, missing, done](aws::Outcome<bool> tagged) mutable {
                      if (!tagged.ok()) return done(Failed(tagged.error()));
                      group.tags = network::WithTags(group.tags, missing);
                      done(Succeeded(ToObserved(desired, group), /*mutated=*/true));
                    });
  });
}

void SecurityGroupHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Ec2SecurityGroup>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    ec2_.DeleteSecurityGroup(found.value()->id, [desired, done](aws::Outcome<bool> deleted) {
      if (deleted.ok()) return done(Succeeded(Absent(desired), /*mutated=*/true));
      const std::string& code = deleted.error().code();
      if (code == "InvalidGroup.NotFound") return done(Succeeded(Absent(desired), false));
      if (code == "DependencyViolation") {
        v1::Error error = deleted.error();
        error.set_retryable(true);
        return done(Failed(error));
      }
      done(Failed(deleted.error()));
    });
  });
}

void SecurityGroupHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired,
       [desired, done = std::move(done)](aws::Outcome<std::optional<aws::Ec2SecurityGroup>> found) {
         if (!found.ok()) return done(Failed(found.error()));
         if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
         done(Succeeded(ToObserved(desired, *found.value()), /*mutated=*/false));
       });
}

}  // namespace wharf::executors
