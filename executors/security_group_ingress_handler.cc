#include "executors/security_group_ingress_handler.h"

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

// The rule `desired` describes, as an EC2 permission (with its description).
aws::Ec2IpPermission Permission(const v1::Resource& desired) {
  const auto& props = desired.properties();
  aws::Ec2IpPermission p;
  p.ip_protocol = GetString(props, "protocol", "tcp");
  p.from_port = GetInt(props, "from_port");
  p.to_port = GetInt(props, "to_port");
  const std::string description = GetString(props, "description");
  const std::string source_group = GetString(props, "source_group_id");
  if (!source_group.empty()) {
    p.user_id_group_pairs.push_back({.group_id = source_group, .description = description});
  } else {
    p.ip_ranges.push_back({GetString(props, "cidr_ipv4"), description});
  }
  return p;
}

// The description `group` holds for the rule `rule` (from its permissions),
// or nullopt when its permissions do not list the rule.
std::optional<std::string> PermissionDescription(const aws::Ec2SecurityGroup& group,
                                                 const aws::Ec2SecurityGroupRule& rule) {
  for (const auto& p : group.ip_permissions) {
    if (p.ip_protocol != rule.ip_protocol || p.from_port != rule.from_port ||
        p.to_port != rule.to_port) {
      continue;
    }
    for (const auto& pair : p.user_id_group_pairs) {
      if (!rule.referenced_group_id.empty() && pair.group_id == rule.referenced_group_id) {
        return pair.description;
      }
    }
    for (const auto& range : p.ip_ranges) {
      if (rule.referenced_group_id.empty() && range.cidr_ip == rule.cidr_ipv4) {
        return range.description;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

bool SecurityGroupIngressHandler::Matches(const v1::Resource& desired,
                                          const aws::Ec2SecurityGroupRule& rule) {
  const auto& props = desired.properties();
  if (rule.is_egress) return false;
  if (rule.ip_protocol != GetString(props, "protocol", "tcp")) return false;
  if (rule.from_port.value_or(-1) != GetInt(props, "from_port", -1)) return false;
  if (rule.to_port.value_or(-1) != GetInt(props, "to_port", -1)) return false;
  const std::string source_group = GetString(props, "source_group_id");
  if (!source_group.empty()) return rule.referenced_group_id == source_group;
  return rule.referenced_group_id.empty() && rule.cidr_ipv4 == GetString(props, "cidr_ipv4");
}

v1::Resource SecurityGroupIngressHandler::ToObserved(const v1::Resource& desired,
                                                     const aws::Ec2SecurityGroupRule& rule) {
  v1::Resource observed = ObservedLike(desired);
  observed.set_id(rule.id);
  (*observed.mutable_outputs())["id"] = rule.id;
  auto* props = observed.mutable_properties();
  SetString(props, "group_id", rule.group_id);
  SetString(props, "protocol", rule.ip_protocol);
  if (rule.from_port) SetNumber(props, "from_port", static_cast<double>(*rule.from_port));
  if (rule.to_port) SetNumber(props, "to_port", static_cast<double>(*rule.to_port));
  if (!rule.referenced_group_id.empty()) {
    SetString(props, "source_group_id", rule.referenced_group_id);
  } else {
    SetString(props, "cidr_ipv4", rule.cidr_ipv4);
  }
  SetString(props, "description", rule.description);
  return observed;
}

void SecurityGroupIngressHandler::Handle(const v1::Action& action, Done done) {
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

void SecurityGroupIngressHandler::Find(const v1::Resource& desired, Found found) {
  const std::string group_id = GetString(desired.properties(), "group_id");
  if (group_id.empty()) return found(std::optional<aws::Ec2SecurityGroupRule>());
  aws::Ec2DescribeSecurityGroupRulesRequest request;
  request.filters = {{"group-id", {group_id}}};
  ec2_.DescribeSecurityGroupRules(request,
                                  [this, desired, found = std::move(found)](
                                      aws::Outcome<std::vector<aws::Ec2SecurityGroupRule>> rules) {
                                    if (!rules.ok()) {
                                      if (rules.error().code() == "InvalidGroup.NotFound") {
                                        return found(std::optional<aws::Ec2SecurityGroupRule>());
                                      }
                                      return found(rules.error());
                                    }
                                    for (const auto& rule : rules.value()) {
                                      if (Matches(desired, rule))
                                        return ReadDescription(desired, rule, std::move(found));
                                    }
                                    found(std::optional<aws::Ec2SecurityGroupRule>());
                                  });
}

void SecurityGroupIngressHandler::ReadDescription(const v1::Resource& desired,
                                                  aws::Ec2SecurityGroupRule rule, Found found) {
  if (!rule.description.empty() || GetString(desired.properties(), "description").empty()) {
    return found(std::optional<aws::Ec2SecurityGroupRule>(std::move(rule)));
  }
  aws::Ec2DescribeSecurityGroupsRequest request;
  request.group_ids = {rule.group_id};
  ec2_.DescribeSecurityGroups(request,
                              [rule, found = std::move(found)](
                                  aws::Outcome<std::vector<aws::Ec2SecurityGroup>> groups) mutable {
                                if (!groups.ok()) return found(groups.error());
                                for (const auto& group : groups.value()) {
                                  if (auto description = PermissionDescription(group, rule)) {
                                    rule.description = *description;
                                  }
                                }
                                found(std::optional<aws::Ec2SecurityGroupRule>(std::move(rule)));
                              });
}

void SecurityGroupIngressHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  if (GetString(desired.properties(), "group_id").empty()) {
    return done(FailedTerminal("MissingInput", desired.ref().name() + " has no group_id"));
  }
  Find(desired, [this, desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::Ec2SecurityGroupRule>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return Authorize(desired, std::move(done));
    aws::Ec2SecurityGroupRule rule = *found.value();
    const std::string description = GetString(desired.properties(), "description");
    if (rule.description == description) {
      return done(Succeeded(ToObserved(desired, rule), /*mutated=*/false));
    }
    ec2_.UpdateSecurityGroupRuleDescriptionsIngress(
        rule.group_id, {Permission(desired)},
        [desired, rule, description, done](aws::Outcome<bool> updated) mutable {
          if (!updated.ok()) return done(Failed(updated.error()));
          rule.description = description;
          done(Succeeded(ToObserved(desired, rule), /*mutated=*/true));
        });
  });
}

void SecurityGroupIngressHandler::Authorize(const v1::Resource& desired, Done done) {
  aws::Ec2AuthorizeSecurityGroupIngressRequest request;
  request.group_id = GetString(desired.properties(), "group_id");
  request.ip_permissions = {Permission(desired)};
  ec2_.AuthorizeSecurityGroupIngress(
      request, [this, desired,
                done = std::move(done)](aws::Outcome<std::vector<aws::Ec2SecurityGroupRule>> made) {
        if (!made.ok()) return done(Failed(made.error()));
        for (aws::Ec2SecurityGroupRule rule : made.value()) {
          if (!Matches(desired, rule)) continue;
          // Made with the desired description, whether or not the answer
          // repeats it.
          rule.description = GetString(desired.properties(), "description");
          return done(Succeeded(ToObserved(desired, rule), /*mutated=*/true));
        }
        // The service did not report the rule: read it back for its id.
        Find(desired, [desired, done](aws::Outcome<std::optional<aws::Ec2SecurityGroupRule>> got) {
          if (!got.ok()) return done(Failed(got.error()));
          if (!got.value()) {
            return done(FailedRetryable(
                "RuleNotVisible", desired.ref().name() + " was authorized but is not listed"));
          }
          done(Succeeded(ToObserved(desired, *got.value()), /*mutated=*/true));
        });
      });
}

void SecurityGroupIngressHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [this, desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::Ec2SecurityGroupRule>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    aws::Ec2RevokeSecurityGroupIngressRequest request;
    request.group_id = found.value()->group_id;
    request.rule_ids = {found.value()->id};
    ec2_.RevokeSecurityGroupIngress(
        request, [desired, done](aws::Outcome<aws::Ec2RevokeSecurityGroupIngressResult> revoked) {
          if (revoked.ok()) return done(Succeeded(Absent(desired), /*mutated=*/true));
          const std::string& code = revoked.error().code();
          if (code == "InvalidGroup.NotFound" || code == "InvalidPermission.NotFound" ||
              code == "InvalidSecurityGroupRuleId.NotFound") {
            return done(Succeeded(Absent(desired), /*mutated=*/false));
          }
          done(Failed(revoked.error()));
        });
  });
}

void SecurityGroupIngressHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  Find(desired, [desired, done = std::move(done)](
                    aws::Outcome<std::optional<aws::Ec2SecurityGroupRule>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    if (!found.value()) return done(Succeeded(Absent(desired), /*mutated=*/false));
    done(Succeeded(ToObserved(desired, *found.value()), /*mutated=*/false));
  });
}

}  // namespace wharf::executors
