#include "executors/iam_role_handler.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

using nlohmann::json;

constexpr char kDefaultTrustedService[] = "ecs-tasks.amazonaws.com";
constexpr char kSecretsAction[] = "secretsmanager:GetSecretValue";
constexpr char kParametersAction[] = "ssm:GetParameters";

bool IsNoSuchEntity(const v1::Error& error) { return error.code() == "NoSuchEntity"; }

// A policy member that is a string or a list of strings, as a list.
std::vector<std::string> OneOrMany(const json& j) {
  std::vector<std::string> out;
  if (j.is_string()) out.push_back(j.get<std::string>());
  if (j.is_array()) {
    for (const json& item : j) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

std::vector<json> Statements(const json& policy) {
  if (!policy.is_object() || !policy.contains("Statement")) return {};
  const json& s = policy["Statement"];
  if (s.is_object()) return {s};
  if (s.is_array()) return std::vector<json>(s.begin(), s.end());
  return {};
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string TrustedService(const v1::Resource& desired) {
  return GetString(desired.properties(), "trusted_service", kDefaultTrustedService);
}

std::vector<std::string> SortedUnique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

struct IamRoleHandler::Run {
  v1::Resource desired;
  Done done;
  aws::IamRole role;
  std::vector<std::string> attached;   // managed policy ARNs
  std::optional<std::string> secrets;  // the "wharf-secrets" document, when there is one
  bool mutated = false;
};

std::string IamRoleHandler::TrustPolicy(const std::string& service) {
  json policy = {{"Version", "2012-10-17"},
                 {"Statement", json::array({{{"Effect", "Allow"},
                                             {"Principal", {{"Service", service}}},
                                             {"Action", "sts:AssumeRole"}}})}};
  return policy.dump();
}

bool IamRoleHandler::Trusts(const std::string& document, const std::string& service) {
  json policy = json::parse(document, nullptr, false);
  for (const json& s : Statements(policy)) {
    if (!s.is_object() || s.value("Effect", "") != "Allow") continue;
    if (!s.contains("Action") || !Contains(OneOrMany(s["Action"]), "sts:AssumeRole")) continue;
    if (!s.contains("Principal") || !s["Principal"].is_object()) continue;
    const json& principal = s["Principal"];
    if (principal.contains("Service") && Contains(OneOrMany(principal["Service"]), service)) {
      return true;
    }
  }
  return false;
}

std::string IamRoleHandler::SecretsPolicy(const std::vector<std::string>& secret_arns) {
  std::vector<std::string> secrets;
  std::vector<std::string> parameters;
  for (const auto& arn : SortedUnique(secret_arns)) {
    (arn.rfind("arn:aws:ssm:", 0) == 0 ? parameters : secrets).push_back(arn);
  }
  json statements = json::array();
  if (!secrets.empty()) {
    statements.push_back({{"Effect", "Allow"}, {"Action", kSecretsAction}, {"Resource", secrets}});
  }
  if (!parameters.empty()) {
    statements.push_back(
        {{"Effect", "Allow"}, {"Action", kParametersAction}, {"Resource", parameters}});
  }
  return json{{"Version", "2012-10-17"}, {"Statement", statements}}.dump();
}

std::vector<std::string> IamRoleHandler::SecretArnsOf(const std::string& document) {
  std::vector<std::string> out;
  for (const json& s : Statements(json::parse(document, nullptr, false))) {
    if (!s.is_object() || !s.contains("Action") || !s.contains("Resource")) continue;
    auto actions = OneOrMany(s["Action"]);
    if (!Contains(actions, kSecretsAction) && !Contains(actions, kParametersAction)) continue;
    for (auto& arn : OneOrMany(s["Resource"])) out.push_back(std::move(arn));
  }
  return SortedUnique(std::move(out));
}

void IamRoleHandler::Handle(const v1::Action& action, Done done) {
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

void IamRoleHandler::Ensure(const v1::Action& action, Done done) {
  auto run = std::make_shared<Run>();
  run->desired = action.resource();
  run->done = std::move(done);
  const std::string name = run->desired.ref().name();
  iam_.GetRole(name, [this, run, name](aws::Outcome<aws::IamRole> found) {
    if (found.ok()) {
      run->role = found.value();
      return EnsureTrust(run);
    }
    if (!IsNoSuchEntity(found.error())) return run->done(Failed(found.error()));
    aws::IamCreateRoleRequest request;
    request.name = name;
    request.assume_role_policy_document = TrustPolicy(TrustedService(run->desired));
    request.description = "Wharf: app " + run->desired.app();
    request.tags = TagsOf(run->desired);
    iam_.CreateRole(request, [this, run](aws::Outcome<aws::IamRole> created) {
      if (!created.ok()) return run->done(Failed(created.error()));
      run->role = created.value();
      run->mutated = true;
      if (run->role.tags.empty()) run->role.tags = TagsOf(run->desired);
      EnsureTrust(run);
    });
  });
}

void IamRoleHandler::EnsureTrust(std::shared_ptr<Run> run) {
  const std::string service = TrustedService(run->desired);
  if (Trusts(run->role.assume_role_policy_document, service)) return EnsureTags(run);
  const std::string trust = TrustPolicy(service);
  iam_.UpdateAssumeRolePolicy(run->role.name, trust, [this, run, trust](aws::Outcome<bool> r) {
    if (!r.ok()) return run->done(Failed(r.error()));
    run->role.assume_role_policy_document = trust;
    run->mutated = true;
    EnsureTags(run);
  });
}

void IamRoleHandler::EnsureTags(std::shared_ptr<Run> run) {
  std::map<std::string, std::string> missing;
  for (const auto& [k, v] : TagsOf(run->desired)) {
    auto it = run->role.tags.find(k);
    if (it == run->role.tags.end() || it->second != v) missing[k] = v;
  }
  if (missing.empty()) return EnsurePolicies(run);
  iam_.TagRole(run->role.name, missing, [this, run, missing](aws::Outcome<bool> r) {
    if (!r.ok()) return run->done(Failed(r.error()));
    for (const auto& [k, v] : missing) run->role.tags[k] = v;
    run->mutated = true;
    EnsurePolicies(run);
  });
}

void IamRoleHandler::EnsurePolicies(std::shared_ptr<Run> run) {
  iam_.ListAttachedRolePolicies(
      run->role.name, 0, [this, run](aws::Outcome<std::vector<aws::IamAttachedPolicy>> listed) {
        if (!listed.ok()) return run->done(Failed(listed.error()));
        for (const auto& p : listed.value()) run->attached.push_back(p.arn);
        std::vector<std::string> missing;
        for (const auto& arn : GetStringList(run->desired.properties(), "managed_policies")) {
          if (!Contains(run->attached, arn)) missing.push_back(arn);
        }
        InSequence<std::string>(
            missing,
            [this, run](const std::string& arn, StepDone next) {
              iam_.AttachRolePolicy(run->role.name, arn, [run, arn, next](aws::Outcome<bool> r) {
                if (!r.ok()) return next(r.error());
                run->attached.push_back(arn);
                run->mutated = true;
                next(std::nullopt);
              });
            },
            [this, run](std::optional<v1::Error> error) {
              if (error) return run->done(Failed(*error));
              EnsureSecrets(run);
            });
      });
}

void IamRoleHandler::EnsureSecrets(std::shared_ptr<Run> run) {
  const std::vector<std::string> wanted =
      SortedUnique(GetStringList(run->desired.properties(), "secret_arns"));
  iam_.GetRolePolicy(
      run->role.name, kSecretsPolicyName, [this, run, wanted](aws::Outcome<std::string> found) {
        if (!found.ok() && !IsNoSuchEntity(found.error())) return run->done(Failed(found.error()));
        if (found.ok()) run->secrets = found.value();
        if (wanted.empty()) {
          if (!run->secrets) return Finish(run);
          return iam_.DeleteRolePolicy(run->role.name, kSecretsPolicyName,
                                       [this, run](aws::Outcome<bool> r) {
                                         if (!r.ok() && !IsNoSuchEntity(r.error())) {
                                           return run->done(Failed(r.error()));
                                         }
                                         run->secrets.reset();
                                         run->mutated = true;
                                         Finish(run);
                                       });
        }
        const std::string document = SecretsPolicy(wanted);
        if (run->secrets && json::parse(*run->secrets, nullptr, false) == json::parse(document)) {
          return Finish(run);
        }
        iam_.PutRolePolicy(run->role.name, kSecretsPolicyName, document,
                           [this, run, document](aws::Outcome<bool> r) {
                             if (!r.ok()) return run->done(Failed(r.error()));
                             run->secrets = document;
                             run->mutated = true;
                             Finish(run);
                           });
      });
}

void IamRoleHandler::Finish(std::shared_ptr<Run> run) {
  v1::Resource r = ObservedLike(run->desired);
  r.set_id(run->role.arn);
  (*r.mutable_outputs())["arn"] = run->role.arn;
  auto* p = r.mutable_properties();
  SetString(p, "name", run->role.name);
  const std::string service = TrustedService(run->desired);
  if (Trusts(run->role.assume_role_policy_document, service)) {
    SetString(p, "trusted_service", service);
  }
  std::vector<std::string> managed;
  for (const auto& arn : GetStringList(run->desired.properties(), "managed_policies")) {
    if (Contains(run->attached, arn)) managed.push_back(arn);
  }
  SetStringList(p, "managed_policies", SortedUnique(managed));
  SetStringList(p, "secret_arns",
                run->secrets ? SecretArnsOf(*run->secrets) : std::vector<std::string>{});
  SetTags(&r, run->role.tags);
  run->done(Succeeded(std::move(r), run->mutated));
}

void IamRoleHandler::Observe(const v1::Action& action, Done done) {
  auto run = std::make_shared<Run>();
  run->desired = action.resource();
  run->done = std::move(done);
  iam_.GetRole(run->desired.ref().name(), [this, run](aws::Outcome<aws::IamRole> found) {
    if (!found.ok()) {
      if (IsNoSuchEntity(found.error())) return run->done(Succeeded(Absent(run->desired), false));
      return run->done(Failed(found.error()));
    }
    run->role = found.value();
    Describe(run);
  });
}

void IamRoleHandler::Describe(std::shared_ptr<Run> run) {
  iam_.ListAttachedRolePolicies(
      run->role.name, 0, [this, run](aws::Outcome<std::vector<aws::IamAttachedPolicy>> listed) {
        if (!listed.ok()) return run->done(Failed(listed.error()));
        for (const auto& p : listed.value()) run->attached.push_back(p.arn);
        iam_.GetRolePolicy(run->role.name, kSecretsPolicyName,
                           [this, run](aws::Outcome<std::string> found) {
                             if (!found.ok() && !IsNoSuchEntity(found.error())) {
                               return run->done(Failed(found.error()));
                             }
                             if (found.ok()) run->secrets = found.value();
                             Finish(run);
                           });
      });
}

void IamRoleHandler::Delete(const v1::Action& action, Done done) {
  auto run = std::make_shared<Run>();
  run->desired = action.resource();
  run->done = std::move(done);
  const std::string name = run->desired.ref().name();
  auto gone = [run](bool mutated) { run->done(Succeeded(Absent(run->desired), mutated)); };
  iam_.ListAttachedRolePolicies(
      name, 0, [this, run, name, gone](aws::Outcome<std::vector<aws::IamAttachedPolicy>> listed) {
        if (!listed.ok()) {
          if (IsNoSuchEntity(listed.error())) return gone(false);
          return run->done(Failed(listed.error()));
        }
        std::vector<std::string> arns;
        for (const auto& p : listed.value()) arns.push_back(p.arn);
        InSequence<std::string>(
            arns,
            [this, name](const std::string& arn, StepDone next) {
              iam_.DetachRolePolicy(name, arn, [next](aws::Outcome<bool> r) {
                if (!r.ok() && !IsNoSuchEntity(r.error())) return next(r.error());
                next(std::nullopt);
              });
            },
            [this, run, name, gone](std::optional<v1::Error> error) {
              if (error) return run->done(Failed(*error));
              iam_.ListRolePolicies(
                  name,
                  [this, run, name, gone](aws::Outcome<std::vector<std::string>> inline_policies) {
                    if (!inline_policies.ok()) {
                      if (IsNoSuchEntity(inline_policies.error())) return gone(true);
                      return run->done(Failed(inline_policies.error()));
                    }
                    InSequence<std::string>(
                        inline_policies.value(),
                        [this, name](const std::string& policy, StepDone next) {
                          iam_.DeleteRolePolicy(name, policy, [next](aws::Outcome<bool> r) {
                            if (!r.ok() && !IsNoSuchEntity(r.error())) return next(r.error());
                            next(std::nullopt);
                          });
                        },
                        [this, run, name, gone](std::optional<v1::Error> error) {
                          if (error) return run->done(Failed(*error));
                          iam_.DeleteRole(name, [run, gone](aws::Outcome<bool> r) {
                            if (!r.ok()) {
                              if (IsNoSuchEntity(r.error())) return gone(false);
                              return run->done(Failed(r.error()));
                            }
                            gone(true);
                          });
                        });
                  });
            });
      });
}

}  // namespace wharf::executors
