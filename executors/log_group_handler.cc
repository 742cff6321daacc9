#include "executors/log_group_handler.h"

#include <map>
#include <utility>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

bool IsNotFound(const v1::Error& error) { return error.code() == "ResourceNotFoundException"; }

}  // namespace

v1::Resource LogGroupHandler::ToResource(const aws::LogGroup& group,
                                         const std::map<std::string, std::string>& tags,
                                         const v1::Resource& desired) {
  v1::Resource r = ObservedLike(desired);
  r.set_id(group.arn);
  (*r.mutable_outputs())["arn"] = group.arn;
  SetString(r.mutable_properties(), "name", group.name);
  if (group.retention_in_days) {
    SetNumber(r.mutable_properties(), "retention_days", *group.retention_in_days);
  }
  SetTags(&r, tags);
  return r;
}

void LogGroupHandler::Handle(const v1::Action& action, Done done) {
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

void LogGroupHandler::Find(const std::string& name,
                           std::function<void(aws::Outcome<std::optional<aws::LogGroup>>)> done) {
  logs_.DescribeLogGroups(
      name, [name, done = std::move(done)](aws::Outcome<std::vector<aws::LogGroup>> groups) {
        if (!groups.ok()) return done(groups.error());
        for (const auto& g : groups.value()) {
          if (g.name == name) return done(std::optional<aws::LogGroup>(g));
        }
        done(std::optional<aws::LogGroup>());
      });
}

void LogGroupHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  const std::string name = desired.ref().name();
  Find(name, [this, desired, name,
              done = std::move(done)](aws::Outcome<std::optional<aws::LogGroup>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (found.value()) return Correct(desired, *found.value(), false, done);
    logs_.CreateLogGroup(name, TagsOf(desired), [this, desired, name, done](aws::Outcome<bool> r) {
      if (!r.ok() && r.error().code() != "ResourceAlreadyExistsException") {
        return done(Failed(r.error()));
      }
      Find(name, [this, desired, done](aws::Outcome<std::optional<aws::LogGroup>> created) {
        if (!created.ok()) return done(Failed(created.error()));
        if (!created.value()) {
          return done(FailedRetryable(
              "LogGroupNotVisible",
              "log group " + desired.ref().name() + " was created but is not listed yet"));
        }
        Correct(desired, *created.value(), true, done);
      });
    });
  });
}

void LogGroupHandler::Correct(const v1::Resource& desired, aws::LogGroup group, bool mutated,
                              Done done) {
  auto tag = [this, desired, done](aws::LogGroup group, bool mutated) {
    logs_.ListTagsForResource(
        group.arn, [this, desired, group, mutated,
                    done](aws::Outcome<std::map<std::string, std::string>> tags) {
          if (!tags.ok()) return done(Failed(tags.error()));
          std::map<std::string, std::string> have = tags.value();
          std::map<std::string, std::string> missing;
          for (const auto& [k, v] : TagsOf(desired)) {
            auto it = have.find(k);
            if (it == have.end() || it->second != v) missing[k] = v;
          }
          if (missing.empty()) return done(Succeeded(ToResource(group, have, desired), mutated));
          logs_.TagResource(group.arn, missing,
                            [desired, group, have, missing, done](aws::Outcome<bool> r) mutable {
                              if (!r.ok()) return done(Failed(r.error()));
                              for (const auto& [k, v] : missing) have[k] = v;
                              done(Succeeded(ToResource(group, have, desired), true));
                            });
        });
  };
  if (!Has(desired.properties(), "retention_days")) return tag(std::move(group), mutated);
  const int days = GetInt(desired.properties(), "retention_days");
  if (group.retention_in_days == days) return tag(std::move(group), mutated);
  logs_.PutRetentionPolicy(group.name, days,
                           [group, days, tag, done](aws::Outcome<bool> r) mutable {
                             if (!r.ok()) return done(Failed(r.error()));
                             group.retention_in_days = days;
                             tag(std::move(group), true);
                           });
}

void LogGroupHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  Find(desired.ref().name(), [this, desired, done = std::move(done)](
                                 aws::Outcome<std::optional<aws::LogGroup>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), false));
    const aws::LogGroup group = *found.value();
    logs_.ListTagsForResource(
        group.arn, [desired, group, done](aws::Outcome<std::map<std::string, std::string>> tags) {
          if (!tags.ok()) return done(Failed(tags.error()));
          done(Succeeded(ToResource(group, tags.value(), desired), false));
        });
  });
}

void LogGroupHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  logs_.DeleteLogGroup(desired.ref().name(),
                       [desired, done = std::move(done)](aws::Outcome<bool> r) {
                         if (!r.ok() && !IsNotFound(r.error())) return done(Failed(r.error()));
                         done(Succeeded(Absent(desired), r.ok()));
                       });
}

}  // namespace wharf::executors
