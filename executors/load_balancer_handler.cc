#include "executors/load_balancer_handler.h"

#include <memory>

#include "executors/handler_support.h"
#include "executors/network_support.h"
#include "executors/step_chain.h"

namespace wharf::executors {
namespace {

constexpr char kIdleTimeout[] = "idle_timeout.timeout_seconds";

std::vector<std::string> SubnetsOf(const aws::Elbv2LoadBalancer& lb) {
  std::vector<std::string> out;
  for (const auto& az : lb.availability_zones) out.push_back(az.subnet_id);
  return network::Sorted(out);
}

std::optional<int> IdleTimeoutOf(const std::map<std::string, std::string>& attributes) {
  auto it = attributes.find(kIdleTimeout);
  if (it == attributes.end() || it->second.empty()) return std::nullopt;
  try {
    return std::stoi(it->second);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

v1::Resource LoadBalancerHandler::ToObserved(const v1::Resource& desired, const State& state) {
  v1::Resource observed = ObservedLike(desired);
  observed.set_id(state.lb.arn);
  auto& outputs = *observed.mutable_outputs();
  outputs["arn"] = state.lb.arn;
  outputs["dns_name"] = state.lb.dns_name;
  outputs["arn_suffix"] = network::LoadBalancerArnSuffix(state.lb.arn);
  auto* props = observed.mutable_properties();
  SetString(props, "name", state.lb.name);
  SetString(props, "type", state.lb.type);
  SetString(props, "scheme", state.lb.scheme);
  SetStringList(props, "subnets", SubnetsOf(state.lb));
  SetStringList(props, "security_groups", network::Sorted(state.lb.security_groups));
  if (state.idle_timeout_seconds)
    SetNumber(props, "idle_timeout_seconds", *state.idle_timeout_seconds);
  SetTags(&observed, state.tags);
  return observed;
}

void LoadBalancerHandler::Handle(const v1::Action& action, Done done) {
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

void LoadBalancerHandler::Find(const v1::Resource& desired, Found found) {
  const std::string name = GetString(desired.properties(), "name", desired.ref().name());
  elbv2_.DescribeLoadBalancers(
      {.names = {name}},
      [found = std::move(found)](aws::Outcome<std::vector<aws::Elbv2LoadBalancer>> lbs) {
        if (!lbs.ok()) {
          if (lbs.error().code() == "LoadBalancerNotFound") {
            return found(std::optional<aws::Elbv2LoadBalancer>());
          }
          return found(lbs.error());
        }
        if (lbs->empty()) return found(std::optional<aws::Elbv2LoadBalancer>());
        found(std::optional<aws::Elbv2LoadBalancer>(lbs.value()[0]));
      });
}

void LoadBalancerHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::Elbv2LoadBalancer>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return Create(desired, std::move(done));
    const auto& props = desired.properties();
    const aws::Elbv2LoadBalancer& lb = *found.value();
    for (const char* field : {"scheme", "type"}) {
      const std::string wanted = GetString(props, field);
      const std::string& actual = std::string(field) == "scheme" ? lb.scheme : lb.type;
      if (!wanted.empty() && actual != wanted) {
        return done(Incompatible(desired, field, actual, wanted));
      }
    }
    Correct(desired, lb, std::move(done));
  });
}

void LoadBalancerHandler::Create(const v1::Resource& desired, Done done) {
  const auto& props = desired.properties();
  aws::Elbv2CreateLoadBalancerRequest request{
      .name = GetString(props, "name", desired.ref().name()),
      .subnets = GetStringList(props, "subnets"),
      .security_groups = GetStringList(props, "security_groups"),
      .scheme = GetString(props, "scheme"),
      .type = GetString(props, "type"),
      .tags = TagsOf(desired)};
  elbv2_.CreateLoadBalancer(request, [this, desired, done = std::move(done)](
                                         aws::Outcome<aws::Elbv2LoadBalancer> made) {
    if (!made.ok()) return done(Failed(made.error()));
    auto state = std::make_shared<State>(State{made.value(), TagsOf(desired), std::nullopt, true});
    if (!Has(desired.properties(), "idle_timeout_seconds")) {
      return done(Succeeded(ToObserved(desired, *state), /*mutated=*/true));
    }
    const int wanted = GetInt(desired.properties(), "idle_timeout_seconds");
    elbv2_.ModifyLoadBalancerAttributes(
        state->lb.arn, {{kIdleTimeout, std::to_string(wanted)}},
        [desired, state, wanted, done](aws::Outcome<std::map<std::string, std::string>> set) {
          if (!set.ok()) return done(Failed(set.error()));
          state->idle_timeout_seconds = wanted;
          done(Succeeded(ToObserved(desired, *state), /*mutated=*/true));
        });
  });
}

void LoadBalancerHandler::Correct(const v1::Resource& desired, aws::Elbv2LoadBalancer lb,
                                  Done done) {
  const auto& props = desired.properties();
  auto state = std::make_shared<State>(State{std::move(lb), {}, std::nullopt, false});
  StepChain chain;
  const std::vector<std::string> subnets = network::Sorted(GetStringList(props, "subnets"));
  if (!subnets.empty() && subnets != SubnetsOf(state->lb)) {
    chain.Then([this, state, subnets](StepChain::Next next) {
      elbv2_.SetSubnets(
          state->lb.arn, subnets,
          [state, subnets, next](aws::Outcome<std::vector<aws::Elbv2AvailabilityZone>> set) {
            if (!set.ok()) return next(Failed(set.error()));
            state->lb.availability_zones.clear();
            for (const auto& id : subnets) state->lb.availability_zones.push_back({"", id});
            state->mutated = true;
            next(std::nullopt);
          });
    });
  }
  const std::vector<std::string> groups = network::Sorted(GetStringList(props, "security_groups"));
  if (!groups.empty() && groups != network::Sorted(state->lb.security_groups)) {
    chain.Then([this, state, groups](StepChain::Next next) {
      elbv2_.SetSecurityGroups(state->lb.arn, groups,
                               [state, groups, next](aws::Outcome<std::vector<std::string>> set) {
                                 if (!set.ok()) return next(Failed(set.error()));
                                 state->lb.security_groups = groups;
                                 state->mutated = true;
                                 next(std::nullopt);
                               });
    });
  }
  const std::map<std::string, std::string> tags = TagsOf(desired);
  chain.Then([this, state, tags](StepChain::Next next) {
    elbv2_.DescribeTags(
        {state->lb.arn},
        [this, state, tags,
         next](aws::Outcome<std::map<std::string, std::map<std::string, std::string>>> got) {
          if (!got.ok()) return next(Failed(got.error()));
          state->tags = got.value()[state->lb.arn];
          const auto missing = network::TagsToAdd(tags, state->tags);
          if (missing.empty()) return next(std::nullopt);
          elbv2_.AddTags({state->lb.arn}, missing,
                         [state, missing, next](aws::Outcome<bool> added) {
                           if (!added.ok()) return next(Failed(added.error()));
                           state->tags = network::WithTags(state->tags, missing);
                           state->mutated = true;
                           next(std::nullopt);
                         });
        });
  });
  if (Has(props, "idle_timeout_seconds")) {
    const int wanted = GetInt(props, "idle_timeout_seconds");
    chain.Then([this, state, wanted](StepChain::Next next) {
      elbv2_.DescribeLoadBalancerAttributes(
          state->lb.arn,
          [this, state, wanted, next](aws::Outcome<std::map<std::string, std::string>> got) {
            if (!got.ok()) return next(Failed(got.error()));
            state->idle_timeout_seconds = IdleTimeoutOf(got.value());
            if (state->idle_timeout_seconds == wanted) return next(std::nullopt);
            elbv2_.ModifyLoadBalancerAttributes(
                state->lb.arn, {{kIdleTimeout, std::to_string(wanted)}},
                [state, wanted, next](aws::Outcome<std::map<std::string, std::string>> set) {
                  if (!set.ok()) return next(Failed(set.error()));
                  state->idle_timeout_seconds = wanted;
                  state->mutated = true;
                  next(std::nullopt);
                });
          });
    });
  }
  std::move(chain).Run(
      [desired, state, done = std::move(done)](std::optional<v1::ActionResult> failed) {
        if (failed) return done(std::move(*failed));
        done(Succeeded(ToObserved(desired, *state), state->mutated));
      });
}

void LoadBalancerHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::Elbv2LoadBalancer>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    elbv2_.DeleteLoadBalancer(found.value()->arn, [desired, done](aws::Outcome<bool> deleted) {
      if (!deleted.ok() && deleted.error().code() != "LoadBalancerNotFound") {
        return done(Failed(deleted.error()));
      }
      done(Succeeded(Absent(desired), deleted.ok()));
    });
  });
}

void LoadBalancerHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::Elbv2LoadBalancer>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    auto state = std::make_shared<State>(State{*found.value(), {}, std::nullopt, false});
    StepChain chain;
    chain.Then([this, state](StepChain::Next next) {
      elbv2_.DescribeTags(
          {state->lb.arn},
          [state,
           next](aws::Outcome<std::map<std::string, std::map<std::string, std::string>>> got) {
            if (!got.ok()) return next(Failed(got.error()));
            state->tags = got.value()[state->lb.arn];
            next(std::nullopt);
          });
    });
    if (Has(desired.properties(), "idle_timeout_seconds")) {
      chain.Then([this, state](StepChain::Next next) {
        elbv2_.DescribeLoadBalancerAttributes(
            state->lb.arn, [state, next](aws::Outcome<std::map<std::string, std::string>> got) {
              if (!got.ok()) return next(Failed(got.error()));
              state->idle_timeout_seconds = IdleTimeoutOf(got.value());
              next(std::nullopt);
            });
      });
    }
    std::move(chain).Run([desired, state, done](std::optional<v1::ActionResult> failed) {
      if (failed) return done(std::move(*failed));
      done(Succeeded(ToObserved(desired, *state), /*mutated=*/false));
    });
  });
}

}  // namespace wharf::executors
