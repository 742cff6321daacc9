#include "executors/listener_handler.h"

#include "executors/handler_support.h"
#include "executors/network_support.h"

namespace wharf::executors {

std::string ListenerHandler::ForwardTarget(const std::vector<aws::Elbv2Action>& actions) {
  if (actions.size() != 1 || actions[0].type != "forward") return "";
  const aws::Elbv2Action& a = actions[0];
  if (a.forward_config) {
    const auto& groups = a.forward_config->target_groups;
    if (groups.size() != 1) return "";
    if (!a.target_group_arn.empty() && a.target_group_arn != groups[0].target_group_arn) return "";
    return groups[0].target_group_arn;
  }
  return a.target_group_arn;
}

v1::Resource ListenerHandler::ToObserved(
    const v1::Resource& desired, const aws::Elbv2Listener& listener,
    const std::optional<std::map<std::string, std::string>>& tags) {
  v1::Resource observed = ObservedLike(desired);
  observed.set_id(listener.arn);
  (*observed.mutable_outputs())["arn"] = listener.arn;
  auto* props = observed.mutable_properties();
  SetString(props, "load_balancer_arn", listener.load_balancer_arn);
  if (listener.port) SetNumber(props, "port", static_cast<double>(*listener.port));
  SetString(props, "protocol", listener.protocol);
  if (!listener.certificate_arns.empty()) {
    SetString(props, "certificate_arn", listener.certificate_arns[0]);
  }
  const std::string target = ForwardTarget(listener.default_actions);
  if (!target.empty()) SetString(props, "default_target_group_arn", target);
  if (tags) SetTags(&observed, *tags);
  return observed;
}

void ListenerHandler::Handle(const v1::Action& action, Done done) {
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

void ListenerHandler::Find(const v1::Resource& desired, Found found) {
  const std::string lb_arn = GetString(desired.properties(), "load_balancer_arn");
  if (lb_arn.empty()) return found(std::optional<aws::Elbv2Listener>());
  const int port = GetInt(desired.properties(), "port");
  elbv2_.DescribeListeners(
      {.load_balancer_arn = lb_arn},
      [port, found = std::move(found)](aws::Outcome<std::vector<aws::Elbv2Listener>> listeners) {
        if (!listeners.ok()) {
          if (listeners.error().code() == "LoadBalancerNotFound" ||
              listeners.error().code() == "ListenerNotFound") {
            return found(std::optional<aws::Elbv2Listener>());
          }
          return found(listeners.error());
        }
        for (const auto& l : listeners.value()) {
          if (l.port.value_or(-1) == port) return found(std::optional<aws::Elbv2Listener>(l));
        }
        found(std::optional<aws::Elbv2Listener>());
      });
}

void ListenerHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  const auto& props = desired.properties();
  const std::string lb_arn = GetString(props, "load_balancer_arn");
  const std::string target = GetString(props, "default_target_group_arn");
  if (lb_arn.empty() || target.empty()) {
    return done(FailedTerminal("MissingInput", desired.ref().name() +
                                                   " needs load_balancer_arn and "
                                                   "default_target_group_arn"));
  }
  Find(desired, [this, desired, lb_arn, target,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Elbv2Listener>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    const auto& props = desired.properties();
    const std::string protocol = GetString(props, "protocol", "HTTP");
    const std::string certificate = GetString(props, "certificate_arn");
    const aws::Elbv2Action forward{.type = "forward", .target_group_arn = target};
    if (!found.value()) {
      aws::Elbv2CreateListenerRequest request{.load_balancer_arn = lb_arn,
                                              .protocol = protocol,
                                              .port = GetInt(props, "port"),
                                              .default_actions = {forward},
                                              .tags = TagsOf(desired)};
      if (!certificate.empty()) request.certificate_arns = {certificate};
      elbv2_.CreateListener(request, [desired, done](aws::Outcome<aws::Elbv2Listener> made) {
        if (!made.ok()) return done(Failed(made.error()));
        std::optional<std::map<std::string, std::string>> tags;
        if (!desired.tags().empty()) tags = TagsOf(desired);
        done(Succeeded(ToObserved(desired, made.value(), tags), /*mutated=*/true));
      });
      return;
    }
    aws::Elbv2Listener listener = *found.value();
    const bool certificate_differs =
        !certificate.empty() &&
        (listener.certificate_arns.empty() || listener.certificate_arns[0] != certificate);
    const bool differs = listener.protocol != protocol || certificate_differs ||
                         ForwardTarget(listener.default_actions) != target;
    if (!differs) return FinishTags(desired, std::move(listener), false, true, std::move(done));
    aws::Elbv2ModifyListenerRequest request{
        .listener_arn = listener.arn, .protocol = protocol, .default_actions = {forward}};
    if (!certificate.empty()) request.certificate_arns = {certificate};
    elbv2_.ModifyListener(
        request, [this, desired, done](aws::Outcome<aws::Elbv2Listener> modified) {
          if (!modified.ok()) return done(Failed(modified.error()));
          FinishTags(desired, modified.value(), /*mutated=*/true, /*correct=*/true, done);
        });
  });
}

void ListenerHandler::FinishTags(const v1::Resource& desired, aws::Elbv2Listener listener,
                                 bool mutated, bool correct, Done done) {
  if (desired.tags().empty()) {
    return done(Succeeded(ToObserved(desired, listener, std::nullopt), mutated));
  }
  const std::string arn = listener.arn;
  elbv2_.DescribeTags(
      {arn}, [this, desired, listener, mutated, correct,
              done](aws::Outcome<std::map<std::string, std::map<std::string, std::string>>> got) {
        if (!got.ok()) return done(Failed(got.error()));
        std::map<std::string, std::string> tags = got.value()[listener.arn];
        const auto missing = network::TagsToAdd(TagsOf(desired), tags);
        if (!correct || missing.empty()) {
          return done(Succeeded(ToObserved(desired, listener, tags), mutated));
        }
        elbv2_.AddTags(
            {listener.arn}, missing,
            [desired, listener, tags, missing, done](aws::Outcome<bool> added) {
              if (!added.ok()) return done(Failed(added.error()));
              done(Succeeded(ToObserved(desired, listener, network::WithTags(tags, missing)),
                             /*mutated=*/true));
            });
      });
}

void ListenerHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Elbv2Listener>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    elbv2_.DeleteListener(found.value()->arn, [desired, done](aws::Outcome<bool> deleted) {
      if (!deleted.ok() && deleted.error().code() != "ListenerNotFound") {
        return done(Failed(deleted.error()));
      }
      done(Succeeded(Absent(desired), deleted.ok()));
    });
  });
}

void ListenerHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::Elbv2Listener>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    FinishTags(desired, *found.value(), /*mutated=*/false, /*correct=*/false, done);
  });
}

}  // namespace wharf::executors
