#include "executors/preflight_handler.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

using nlohmann::json;

constexpr char kTaskService[] = "ecs-tasks.amazonaws.com";

// "<CODE>: <message>" of an AWS error, for a problem line.
std::string Describe(const v1::Error& error) {
  return error.code() + (error.message().empty() ? "" : ": " + error.message());
}

bool IsAccessDenied(const v1::Error& error) {
  return error.code() == "AccessDeniedException" || error.code() == "AccessDenied";
}

// A JSON string or list of strings as a list.
std::vector<std::string> Strings(const json& value) {
  std::vector<std::string> out;
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array()) {
    for (const json& v : value) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& wanted) {
  for (const auto& s : list) {
    if (s == wanted) return true;
  }
  return false;
}

// The role's name: the last segment of "arn:aws:iam::<account>:role/<path/>name".
std::optional<std::string> RoleNameOf(const std::string& arn) {
  const auto at = arn.find(":role/");
  if (arn.rfind("arn:", 0) != 0 || at == std::string::npos) return std::nullopt;
  std::string name = arn.substr(arn.rfind('/') + 1);
  if (name.empty()) return std::nullopt;
  return name;
}

// The service of an ARN ("arn:<partition>:<service>:..."), empty when `arn` is none.
std::string ServiceOf(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) return "";
  const auto first = arn.find(':', 4);
  if (first == std::string::npos) return "";
  const auto second = arn.find(':', first + 1);
  if (second == std::string::npos) return "";
  return arn.substr(first + 1, second - first - 1);
}

}  // namespace

struct PreflightHandler::Run {
  v1::Resource desired;
  Done done;
  // One entry per check, in the order started, so the message is stable.
  std::vector<Finding> findings;
  size_t pending = 0;
  bool started = false;  // every check has been started
};

bool PreflightHandler::TrustsService(const std::string& policy_document,
                                     const std::string& service) {
  json policy = json::parse(policy_document, nullptr, false);
  if (!policy.is_object() || !policy.contains("Statement")) return false;
  json statements = policy["Statement"];
  if (statements.is_object()) statements = json::array({statements});
  if (!statements.is_array()) return false;
  for (const json& s : statements) {
    if (!s.is_object() || s.value("Effect", "") != "Allow") continue;
    const auto actions = Strings(s.value("Action", json()));
    if (!Contains(actions, "sts:AssumeRole") && !Contains(actions, "sts:*") &&
        !Contains(actions, "*")) {
      continue;
    }
    const json principal = s.value("Principal", json());
    if (principal.is_string() && principal.get<std::string>() == "*") return true;
    if (principal.is_object() && Contains(Strings(principal.value("Service", json())), service)) {
      return true;
    }
  }
  return false;
}

void PreflightHandler::Handle(const v1::Action& action, Done done) {
  if (action.verb() != v1::CREATE && action.verb() != v1::UPDATE) {
    return done(UnsupportedVerb(action));
  }
  auto run = std::make_shared<Run>();
  run->desired = action.resource();
  run->done = std::move(done);
  const auto& properties = run->desired.properties();

  std::vector<std::function<void(Report)>> checks;
  if (!GetString(properties, "image.repository").empty()) {
    checks.push_back([this, run](Report r) { CheckImage(run->desired, std::move(r)); });
  }
  for (const auto& arn : GetStringList(properties, "secret_arns")) {
    checks.push_back([this, arn](Report r) { CheckSecret(arn, std::move(r)); });
  }
  for (const auto& arn : GetStringList(properties, "role_arns")) {
    checks.push_back([this, arn](Report r) { CheckRole(arn, std::move(r)); });
  }
  for (const auto& group : GetStringList(properties, "target_groups")) {
    checks.push_back([this, group](Report r) { CheckTargetGroup(group, std::move(r)); });
  }

  run->findings.resize(checks.size());
  run->pending = checks.size();
  for (size_t i = 0; i < checks.size(); ++i) {
    checks[i]([run, i](Finding finding) {
      run->findings[i] = std::move(finding);
      --run->pending;
      if (run->started && run->pending == 0) Finish(run);
    });
  }
  // Checks may answer synchronously; finish once, after all were started.
  run->started = true;
  if (run->pending == 0) Finish(run);
}

void PreflightHandler::Finish(std::shared_ptr<Run> run) {
  std::string message;
  std::optional<v1::Error> retryable;
  for (const Finding& f : run->findings) {
    if (f.problem) message += (message.empty() ? "" : "; ") + *f.problem;
    if (f.error && !retryable) retryable = f.error;
  }
  if (!message.empty()) {
    if (retryable) {
      message += "; (some checks could not run: " + Describe(*retryable) + ")";
    }
    return run->done(FailedTerminal(
        "PreflightFailed", "preflight of " + run->desired.app() + " found problems: " + message));
  }
  if (retryable) return run->done(Failed(*retryable));
  v1::Resource observed = ObservedLike(run->desired);
  observed.set_id("ok");
  run->done(Succeeded(std::move(observed), /*mutated=*/false));
}

void PreflightHandler::CheckImage(const v1::Resource& desired, Report report) {
  const std::string repository = GetString(desired.properties(), "image.repository");
  aws::EcrImageId id;
  id.digest = GetString(desired.properties(), "image.digest");
  if (id.digest.empty()) id.tag = GetString(desired.properties(), "image.tag", "latest");
  const std::string image = repository + (id.digest.empty() ? ":" + id.tag : "@" + id.digest);
  clients_.ecr.DescribeImages(
      repository, {id},
      [repository, image, report = std::move(report)](aws::Outcome<std::vector<aws::EcrImage>> r) {
        if (r.ok() && !r->empty()) return report({});
        if (r.ok() || r.error().code() == "ImageNotFoundException") {
          return report({"image " + image + " is not in ECR repository " + repository +
                             ": push it (or set image.external: true)",
                         std::nullopt});
        }
        if (r.error().code() == "RepositoryNotFoundException") {
          return report({"image " + image + " cannot be in ECR repository " + repository +
                             ", which does not exist: create the repository and push the "
                             "image first (or set image.external: true)",
                         std::nullopt});
        }
        if (r.error().retryable()) return report({std::nullopt, r.error()});
        report(
            {"could not check image " + image + " in ECR: " + Describe(r.error()), std::nullopt});
      });
}

void PreflightHandler::CheckSecret(const std::string& arn, Report report) {
  const std::string service = ServiceOf(arn);
  const std::string fix = ": create it or fix the ARN in container.secrets";
  auto failed = [arn, fix](const v1::Error& error) -> Finding {
    if (error.retryable()) return {std::nullopt, error};
    return {"secret " + arn + " does not exist or is not readable (" + error.code() + ")" + fix,
            std::nullopt};
  };
  if (service == "secretsmanager") {
    return clients_.secrets.DescribeSecret(arn, [arn, fix, failed, report = std::move(report)](
                                                    aws::Outcome<aws::SecretDescription> r) {
      if (!r.ok()) {
        if (r.error().code() == "ResourceNotFoundException" || IsAccessDenied(r.error())) {
          return report(
              {"secret " + arn + " does not exist or is not readable" + fix, std::nullopt});
        }
        return report(failed(r.error()));
      }
      if (r->deleted_ms != 0) {
        return report({"secret " + arn +
                           " is scheduled for deletion: restore it (RestoreSecret) or fix "
                           "the ARN in container.secrets",
                       std::nullopt});
      }
      report({});
    });
  }
  if (service == "ssm") {
    // Without decryption: the answer carries no plaintext; the value is dropped unread.
    return clients_.ssm.GetParameter(
        arn, /*with_decryption=*/false,
        [arn, fix, failed, report = std::move(report)](aws::Outcome<aws::SsmParameter> r) {
          if (r.ok()) return report({});
          if (r.error().code() == "ParameterNotFound" || IsAccessDenied(r.error())) {
            return report({"SSM parameter " + arn + " does not exist or is not readable" + fix,
                           std::nullopt});
          }
          report(failed(r.error()));
        });
  }
  report({"secret " + arn +
              " is neither a Secrets Manager nor an SSM parameter ARN: fix it in "
              "container.secrets",
          std::nullopt});
}

void PreflightHandler::CheckRole(const std::string& arn, Report report) {
  const auto name = RoleNameOf(arn);
  if (!name) {
    return report(
        {"role " + arn + " is not an IAM role ARN: fix iam.execution_role_arn / iam.task_role_arn",
         std::nullopt});
  }
  clients_.iam.GetRole(*name, [arn, report = std::move(report)](aws::Outcome<aws::IamRole> r) {
    if (!r.ok()) {
      if (r.error().code() == "NoSuchEntity") {
        return report({"role " + arn +
                           " does not exist: create it or fix iam.execution_role_arn / "
                           "iam.task_role_arn (or leave them empty and Wharf makes the roles)",
                       std::nullopt});
      }
      if (r.error().retryable()) return report({std::nullopt, r.error()});
      return report({"could not check role " + arn + ": " + Describe(r.error()), std::nullopt});
    }
    if (!TrustsService(r->assume_role_policy_document, kTaskService)) {
      return report({"role " + arn + " does not trust " + kTaskService +
                         ": add a trust policy statement allowing the service principal " +
                         kTaskService + " to sts:AssumeRole",
                     std::nullopt});
    }
    report({});
  });
}

void PreflightHandler::CheckTargetGroup(const std::string& name_port, Report report) {
  const auto colon = name_port.rfind(':');
  const std::string name = name_port.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : name_port.substr(colon + 1);
  aws::Elbv2DescribeTargetGroupsRequest request;
  request.names = {name};
  clients_.elbv2.DescribeTargetGroups(
      request,
      [name, port, report = std::move(report)](aws::Outcome<std::vector<aws::Elbv2TargetGroup>> r) {
        if (!r.ok()) {
          if (r.error().code() == "TargetGroupNotFound") return report({});
          if (r.error().retryable()) return report({std::nullopt, r.error()});
          return report(
              {"could not check target group " + name + ": " + Describe(r.error()), std::nullopt});
        }
        for (const auto& group : r.value()) {
          if (group.name != name) continue;
          const std::string found = group.port ? std::to_string(*group.port) : "none";
          if (found != port) {
            return report({"target group " + name + " exists with port " + found +
                               " but container.port is " + port +
                               ": delete the target group (AWS cannot change its port) or "
                               "set container.port to " +
                               found,
                           std::nullopt});
          }
        }
        report({});
      });
}

}  // namespace wharf::executors
