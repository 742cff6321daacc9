#include "executors/target_group_handler.h"

#include <memory>

#include "executors/handler_support.h"
#include "executors/network_support.h"
#include "executors/step_chain.h"

namespace wharf::executors {
namespace {

constexpr char kDeregistrationDelay[] = "deregistration_delay.timeout_seconds";

bool HealthCheckDiffers(const aws::Elbv2HealthCheck& changes) {
  return changes.path || changes.interval_seconds || changes.timeout_seconds ||
         changes.healthy_threshold_count || changes.unhealthy_threshold_count ||
         changes.matcher_http_code;
}

void Apply(const aws::Elbv2HealthCheck& changes, aws::Elbv2HealthCheck* actual) {
  if (changes.path) actual->path = changes.path;
  if (changes.interval_seconds) actual->interval_seconds = changes.interval_seconds;
  if (changes.timeout_seconds) actual->timeout_seconds = changes.timeout_seconds;
  if (changes.healthy_threshold_count) {
    actual->healthy_threshold_count = changes.healthy_threshold_count;
  }
  if (changes.unhealthy_threshold_count) {
    actual->unhealthy_threshold_count = changes.unhealthy_threshold_count;
  }
  if (changes.matcher_http_code) actual->matcher_http_code = changes.matcher_http_code;
}

std::optional<int> DelayOf(const std::map<std::string, std::string>& attributes) {
  auto it = attributes.find(kDeregistrationDelay);
  if (it == attributes.end() || it->second.empty()) return std::nullopt;
  try {
    return std::stoi(it->second);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

aws::Elbv2HealthCheck TargetGroupHandler::HealthCheckChanges(const v1::Resource& desired,
                                                             const aws::Elbv2HealthCheck& actual) {
  const auto& props = desired.properties();
  aws::Elbv2HealthCheck changes;
  auto text = [&](const char* key, const std::optional<std::string>& have,
                  std::optional<std::string>* change) {
    const std::string path = std::string("health_check.") + key;
    if (!Has(props, path)) return;
    const std::string want = GetString(props, path);
    if (have.value_or("") != want) *change = want;
  };
  auto number = [&](const char* key, const std::optional<int64_t>& have,
                    std::optional<int64_t>* change) {
    const std::string path = std::string("health_check.") + key;
    if (!Has(props, path)) return;
    const int64_t want = GetInt(props, path);
    if (have.value_or(-1) != want) *change = want;
  };
  text("path", actual.path, &changes.path);
  number("interval_seconds", actual.interval_seconds, &changes.interval_seconds);
  number("timeout_seconds", actual.timeout_seconds, &changes.timeout_seconds);
  number("healthy_threshold", actual.healthy_threshold_count, &changes.healthy_threshold_count);
  number("unhealthy_threshold", actual.unhealthy_threshold_count,
         &changes.unhealthy_threshold_count);
  text("matcher", actual.matcher_http_code, &changes.matcher_http_code);
  return changes;
}

v1::Resource TargetGroupHandler::ToObserved(const v1::Resource& desired, const State& state) {
  const aws::Elbv2TargetGroup& g = state.group;
  v1::Resource observed = ObservedLike(desired);
  observed.set_id(g.arn);
  auto& outputs = *observed.mutable_outputs();
  outputs["arn"] = g.arn;
  outputs["arn_suffix"] = network::TargetGroupArnSuffix(g.arn);
  auto* props = observed.mutable_properties();
  SetString(props, "name", g.name);
  SetString(props, "protocol", g.protocol);
  if (g.port) SetNumber(props, "port", static_cast<double>(*g.port));
  SetString(props, "vpc_id", g.vpc_id);
  SetString(props, "target_type", g.target_type);
  const aws::Elbv2HealthCheck& h = g.health_check;
  if (h.path) SetString(props, "health_check.path", *h.path);
  if (h.interval_seconds) {
    SetNumber(props, "health_check.interval_seconds", static_cast<double>(*h.interval_seconds));
  }
  if (h.timeout_seconds) {
    SetNumber(props, "health_check.timeout_seconds", static_cast<double>(*h.timeout_seconds));
  }
  if (h.healthy_threshold_count) {
    SetNumber(props, "health_check.healthy_threshold",
              static_cast<double>(*h.healthy_threshold_count));
  }
  if (h.unhealthy_threshold_count) {
    SetNumber(props, "health_check.unhealthy_threshold",
              static_cast<double>(*h.unhealthy_threshold_count));
  }
  if (h.matcher_http_code) SetString(props, "health_check.matcher", *h.matcher_http_code);
  if (state.deregistration_delay_seconds) {
    SetNumber(props, "deregistration_delay_seconds", *state.deregistration_delay_seconds);
  }
  SetTags(&observed, state.tags);
  return observed;
}

void TargetGroupHandler::Handle(const v1::Action& action, Done done) {
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

void TargetGroupHandler::Find(const v1::Resource& desired, Found found) {
  const std::string name = GetString(desired.properties(), "name", desired.ref().name());
  elbv2_.DescribeTargetGroups(
      {.names = {name}},
      [found = std::move(found)](aws::Outcome<std::vector<aws::Elbv2TargetGroup>> groups) {
        if (!groups.ok()) {
          if (groups.error().code() == "TargetGroupNotFound") {
            return found(std::optional<aws::Elbv2TargetGroup>());
          }
          return found(groups.error());
        }
        if (groups->empty()) return found(std::optional<aws::Elbv2TargetGroup>());
        found(std::optional<aws::Elbv2TargetGroup>(groups.value()[0]));
      });
}

void TargetGroupHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Elbv2TargetGroup>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    const auto& props = desired.properties();
    if (!found.value()) {
      aws::Elbv2CreateTargetGroupRequest request{
          .name = GetString(props, "name", desired.ref().name()),
          .protocol = GetString(props, "protocol"),
          .port = GetInt(props, "port"),
          .vpc_id = GetString(props, "vpc_id"),
          .target_type = GetString(props, "target_type"),
          .health_check = HealthCheckChanges(desired, {}),
          .tags = TagsOf(desired)};
      elbv2_.CreateTargetGroup(
          request, [this, desired, done](aws::Outcome<aws::Elbv2TargetGroup> made) {
            if (!made.ok()) return done(Failed(made.error()));
            auto state = std::make_shared<State>(State{made.value(), {}, std::nullopt, true});
            Finish(desired, state, /*correct=*/true, done);
          });
      return;
    }
    const aws::Elbv2TargetGroup& g = *found.value();
    const std::string port = g.port ? std::to_string(*g.port) : "";
    const std::vector<std::pair<std::string, std::string>> immutable = {
        {"port", port},
        {"protocol", g.protocol},
        {"vpc_id", g.vpc_id},
        {"target_type", g.target_type}};
    for (const auto& [field, actual] : immutable) {
      if (!Has(props, field)) continue;
      const std::string wanted = GetString(props, field);
      if (actual != wanted) return done(Incompatible(desired, field, actual, wanted));
    }
    auto state = std::make_shared<State>(State{g, {}, std::nullopt, false});
    const aws::Elbv2HealthCheck changes = HealthCheckChanges(desired, g.health_check);
    if (!HealthCheckDiffers(changes)) return Finish(desired, state, /*correct=*/true, done);
    elbv2_.ModifyTargetGroup(
        g.arn, changes,
        [this, desired, state, changes, done](aws::Outcome<aws::Elbv2TargetGroup> modified) {
          if (!modified.ok()) return done(Failed(modified.error()));
          Apply(changes, &state->group.health_check);
          state->mutated = true;
          Finish(desired, state, /*correct=*/true, done);
        });
  });
}

void TargetGroupHandler::Finish(const v1::Resource& desired, std::shared_ptr<State> state,
                                bool correct, Done done) {
  const auto& props = desired.properties();
  StepChain chain;
  if (Has(props, "deregistration_delay_seconds")) {
    const int wanted = GetInt(props, "deregistration_delay_seconds");
    chain.Then([this, state, wanted, correct](StepChain::Next next) {
      elbv2_.DescribeTargetGroupAttributes(
          state->group.arn, [this, state, wanted, correct,
                             next](aws::Outcome<std::map<std::string, std::string>> got) {
            if (!got.ok()) return next(Failed(got.error()));
            state->deregistration_delay_seconds = DelayOf(got.value());
            if (!correct || state->deregistration_delay_seconds == wanted) {
              return next(std::nullopt);
            }
            elbv2_.ModifyTargetGroupAttributes(
                state->group.arn, {{kDeregistrationDelay, std::to_string(wanted)}},
                [state, wanted, next](aws::Outcome<std::map<std::string, std::string>> set) {
                  if (!set.ok()) return next(Failed(set.error()));
                  state->deregistration_delay_seconds = wanted;
                  state->mutated = true;
                  next(std::nullopt);
                });
          });
    });
  }
  const std::map<std::string, std::string> tags = TagsOf(desired);
  chain.Then([this, state, tags, correct](StepChain::Next next) {
    elbv2_.DescribeTags(
        {state->group.arn},
        [this, state, tags, correct,
         next](aws::Outcome<std::map<std::string, std::map<std::string, std::string>>> got) {
          if (!got.ok()) return next(Failed(got.error()));
          state->tags = got.value()[state->group.arn];
          const auto missing = network::TagsToAdd(tags, state->tags);
          if (!correct || missing.empty()) return next(std::nullopt);
          elbv2_.AddTags({state->group.arn}, missing,
                         [state, missing, next](aws::Outcome<bool> added) {
                           if (!added.ok()) return next(Failed(added.error()));
                           state->tags = network::WithTags(state->tags, missing);
                           state->mutated = true;
                           next(std::nullopt);
                         });
        });
  });
  std::move(chain).Run(
      [desired, state, done = std::move(done)](std::optional<v1::ActionResult> failed) {
        if (failed) return done(std::move(*failed));
        done(Succeeded(ToObserved(desired, *state), state->mutated));
      });
}

void TargetGroupHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Elbv2TargetGroup>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    elbv2_.DeleteTargetGroup(found.value()->arn, [desired, done](aws::Outcome<bool> deleted) {
      if (deleted.ok()) return done(Succeeded(Absent(desired), /*mutated=*/true));
      const std::string& code = deleted.error().code();
      if (code == "TargetGroupNotFound") return done(Succeeded(Absent(desired), false));
      if (code == "ResourceInUse") {
        v1::Error error = deleted.error();
        error.set_retryable(true);
        return done(Failed(error));
      }
      done(Failed(deleted.error()));
    });
  });
}

void TargetGroupHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Elbv2TargetGroup>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    auto state = std::make_shared<State>(State{*found.value(), {}, std::nullopt, false});
    Finish(desired, state, /*correct=*/false, done);
  });
}

}  // namespace wharf::executors
