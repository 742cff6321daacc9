#include "executors/task_definition_handler.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

using google::protobuf::Struct;

constexpr char kArnMarker[] = ":task-definition/";

// ("shop", 3) from ".../task-definition/shop:3"; revision 0 when it is not one.
std::pair<std::string, int> FamilyAndRevision(const std::string& arn) {
  const size_t at = arn.find(kArnMarker);
  if (at == std::string::npos) return {"", 0};
  const std::string rest = arn.substr(at + sizeof(kArnMarker) - 1);
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, 0};
  try {
    return {rest.substr(0, colon), std::stoi(rest.substr(colon + 1))};
  } catch (...) {
    return {rest.substr(0, colon), 0};
  }
}

std::string FamilyOf(const v1::Resource& desired) {
  return GetString(desired.properties(), "family", desired.ref().name());
}

int KeepRevisions(const v1::Resource& desired) {
  return std::max(1, GetInt(desired.properties(), "keep_revisions",
                            TaskDefinitionHandler::kDefaultKeepRevisions));
}

bool IsNotFound(const v1::Error& error) {
  return error.code() == "ClientException" || error.code() == "ResourceNotFoundException";
}

}  // namespace

std::vector<std::string> TaskDefinitionHandler::RevisionsOfFamily(
    const std::vector<std::string>& arns, const std::string& family) {
  std::vector<std::pair<int, std::string>> found;
  for (const auto& arn : arns) {
    auto [f, revision] = FamilyAndRevision(arn);
    if (f == family) found.emplace_back(revision, arn);
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& [revision, arn] : found) out.push_back(std::move(arn));
  return out;
}

aws::EcsTaskDefinition TaskDefinitionHandler::ToTaskDefinition(const v1::Resource& desired) {
  const Struct& p = desired.properties();
  aws::EcsTaskDefinition d;
  d.family = FamilyOf(desired);
  d.cpu = GetString(p, "cpu");
  d.memory = GetString(p, "memory");
  d.network_mode = GetString(p, "network_mode", "awsvpc");
  d.requires_compatibilities = GetStringList(p, "requires_compatibilities");
  if (d.requires_compatibilities.empty()) d.requires_compatibilities = {"FARGATE"};
  d.cpu_architecture = GetString(p, "cpu_architecture");
  if (!d.cpu_architecture.empty()) d.operating_system_family = "LINUX";
  if (Has(p, "ephemeral_storage_gib")) d.ephemeral_storage_gib = GetInt(p, "ephemeral_storage_gib");
  d.execution_role_arn = GetString(p, "execution_role_arn");
  d.task_role_arn = GetString(p, "task_role_arn");

  aws::EcsContainerDefinition c;
  c.name = GetString(p, "container.name", "app");
  c.image = GetString(p, "container.image");
  c.essential = true;
  if (Has(p, "container.port")) {
    aws::EcsPortMapping mapping;
    mapping.container_port = GetInt(p, "container.port");
    mapping.protocol = "tcp";
    c.port_mappings.push_back(mapping);
  }
  c.command = GetStringList(p, "container.command");
  c.entry_point = GetStringList(p, "container.entrypoint");
  c.environment = GetStringMap(p, "container.environment");  // sorted by name
  c.secrets = GetStringMap(p, "container.secrets");
  if (Has(p, "container.health_check.command")) {
    aws::EcsHealthCheck check;
    check.command = GetStringList(p, "container.health_check.command");
    auto optional_int = [&](const std::string& key) -> std::optional<int> {
      const std::string path = "container.health_check." + key;
      if (!Has(p, path)) return std::nullopt;
      return GetInt(p, path);
    };
    check.interval_seconds = optional_int("interval_seconds");
    check.timeout_seconds = optional_int("timeout_seconds");
    check.retries = optional_int("retries");
    check.start_period_seconds = optional_int("start_period_seconds");
    c.health_check = std::move(check);
  }
  c.working_directory = GetString(p, "container.working_directory");
  c.user = GetString(p, "container.user");
  if (Has(p, "container.stop_timeout_seconds")) {
    c.stop_timeout_seconds = GetInt(p, "container.stop_timeout_seconds");
  }
  const std::string log_group = GetString(p, "container.log_group");
  if (!log_group.empty()) {
    aws::EcsLogConfiguration log;
    log.log_driver = "awslogs";
    log.options["awslogs-group"] = log_group;
    const std::string region = GetString(p, "container.log_region");
    if (!region.empty()) log.options["awslogs-region"] = region;
    log.options["awslogs-stream-prefix"] = GetString(p, "container.log_stream_prefix", c.name);
    c.log_configuration = std::move(log);
  }
  d.containers.push_back(std::move(c));

  d.tags = TagsOf(desired);
  d.tags[kContentHashTag] = desired.content_hash();
  return d;
}

v1::Resource TaskDefinitionHandler::ToResource(const aws::EcsTaskDefinition& definition,
                                               const v1::Resource& desired) {
  v1::Resource r = ObservedLike(desired);
  r.set_id(definition.arn);
  (*r.mutable_outputs())["arn"] = definition.arn;
  (*r.mutable_outputs())["revision"] = std::to_string(definition.revision);
  std::map<std::string, std::string> tags = definition.tags;
  if (auto it = tags.find(kContentHashTag); it != tags.end()) {
    r.set_content_hash(it->second);
    tags.erase(it);
  }
  Struct* p = r.mutable_properties();
  SetString(p, "family", definition.family);
  SetString(p, "cpu", definition.cpu);
  SetString(p, "memory", definition.memory);
  SetString(p, "network_mode", definition.network_mode);
  SetStringList(p, "requires_compatibilities", definition.requires_compatibilities);
  if (!definition.cpu_architecture.empty()) {
    SetString(p, "cpu_architecture", definition.cpu_architecture);
  }
  if (definition.ephemeral_storage_gib) {
    SetNumber(p, "ephemeral_storage_gib", *definition.ephemeral_storage_gib);
  }
  if (!definition.execution_role_arn.empty()) {
    SetString(p, "execution_role_arn", definition.execution_role_arn);
  }
  if (!definition.task_role_arn.empty()) SetString(p, "task_role_arn", definition.task_role_arn);

  const std::string wanted = GetString(desired.properties(), "container.name", "app");
  const aws::EcsContainerDefinition* c = nullptr;
  for (const auto& container : definition.containers) {
    if (container.name == wanted || c == nullptr) c = &container;
  }
  if (c != nullptr) {
    SetString(p, "container.name", c->name);
    SetString(p, "container.image", c->image);
    if (!c->port_mappings.empty()) {
      SetNumber(p, "container.port", c->port_mappings.front().container_port);
    }
    if (!c->command.empty()) SetStringList(p, "container.command", c->command);
    if (!c->entry_point.empty()) SetStringList(p, "container.entrypoint", c->entry_point);
    if (!c->environment.empty()) SetStringMap(p, "container.environment", c->environment);
    if (!c->secrets.empty()) SetStringMap(p, "container.secrets", c->secrets);
    if (c->health_check) {
      const aws::EcsHealthCheck& h = *c->health_check;
      SetStringList(p, "container.health_check.command", h.command);
      if (h.interval_seconds)
        SetNumber(p, "container.health_check.interval_seconds", *h.interval_seconds);
      if (h.timeout_seconds)
        SetNumber(p, "container.health_check.timeout_seconds", *h.timeout_seconds);
      if (h.retries) SetNumber(p, "container.health_check.retries", *h.retries);
      if (h.start_period_seconds) {
        SetNumber(p, "container.health_check.start_period_seconds", *h.start_period_seconds);
      }
    }
    if (!c->working_directory.empty())
      SetString(p, "container.working_directory", c->working_directory);
    if (!c->user.empty()) SetString(p, "container.user", c->user);
    if (c->stop_timeout_seconds)
      SetNumber(p, "container.stop_timeout_seconds", *c->stop_timeout_seconds);
    if (c->log_configuration) {
      const auto& options = c->log_configuration->options;
      auto option = [&](const char* key, const char* path) {
        if (auto it = options.find(key); it != options.end()) SetString(p, path, it->second);
      };
      option("awslogs-group", "container.log_group");
      option("awslogs-region", "container.log_region");
      option("awslogs-stream-prefix", "container.log_stream_prefix");
    }
  }
  if (Has(desired.properties(), "keep_revisions")) {
    SetNumber(p, "keep_revisions", KeepRevisions(desired));
  }
  SetTags(&r, tags);
  return r;
}

void TaskDefinitionHandler::Handle(const v1::Action& action, Done done) {
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

void TaskDefinitionHandler::ListActive(
    const v1::Resource& desired, std::function<void(aws::Outcome<std::vector<std::string>>)> done) {
  aws::EcsListTaskDefinitionsRequest request;
  request.family_prefix = FamilyOf(desired);
  request.status = "ACTIVE";
  request.sort = "DESC";
  ecs_.ListTaskDefinitions(request, [family = request.family_prefix, done = std::move(done)](
                                        aws::Outcome<std::vector<std::string>> listed) {
    if (!listed.ok()) return done(listed.error());
    done(RevisionsOfFamily(listed.value(), family));
  });
}

void TaskDefinitionHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  if (desired.content_hash().empty()) {
    return done(FailedTerminal("MissingContentHash",
                               "TASK_DEFINITION " + desired.ref().name() + " has no content_hash"));
  }
  ListActive(desired, [this, desired, done = std::move(done)](
                          aws::Outcome<std::vector<std::string>> active) mutable {
    if (!active.ok()) return done(Failed(active.error()));
    auto register_new = [this, desired, active = active.value(), done]() mutable {
      ecs_.RegisterTaskDefinition(
          ToTaskDefinition(desired), [this, desired, active = std::move(active), done](
                                         aws::Outcome<aws::EcsTaskDefinition> registered) mutable {
            if (!registered.ok()) return done(Failed(registered.error()));
            active.insert(active.begin(), registered->arn);
            Prune(std::move(active), registered->arn, KeepRevisions(desired),
                  ToResource(registered.value(), desired), /*mutated=*/true, std::move(done));
          });
    };
    if (active->empty()) return register_new();
    const std::string newest = active->front();
    ecs_.DescribeTaskDefinition(newest, [this, desired, active = active.value(), register_new,
                                         done](aws::Outcome<aws::EcsTaskDefinition> found) mutable {
      if (!found.ok()) return done(Failed(found.error()));
      auto tag = found->tags.find(kContentHashTag);
      if (tag == found->tags.end() || tag->second != desired.content_hash()) {
        return register_new();
      }
      Prune(std::move(active), found->arn, KeepRevisions(desired),
            ToResource(found.value(), desired), /*mutated=*/false, std::move(done));
    });
  });
}

void TaskDefinitionHandler::Prune(std::vector<std::string> active, const std::string& current,
                                  int keep, v1::Resource observed, bool mutated, Done done) {
  // `active` is newest first; `current` is among the newest kept.
  std::vector<std::string> extra;
  int kept = 0;
  for (const auto& arn : active) {
    if (arn == current || kept < keep) {
      ++kept;
      continue;
    }
    extra.push_back(arn);
  }
  const bool wrote = mutated || !extra.empty();
  InSequence<std::string>(
      std::move(extra),
      [this](const std::string& arn, StepDone next) {
        ecs_.DeregisterTaskDefinition(arn, [next](aws::Outcome<aws::EcsTaskDefinition> result) {
          if (!result.ok() && !IsNotFound(result.error())) return next(result.error());
          next(std::nullopt);
        });
      },
      [observed = std::move(observed), wrote,
       done = std::move(done)](std::optional<v1::Error> error) {
        if (error) return done(Failed(*error));
        done(Succeeded(observed, wrote));
      });
}

void TaskDefinitionHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  ListActive(desired, [this, desired,
                       done = std::move(done)](aws::Outcome<std::vector<std::string>> active) {
    if (!active.ok()) return done(Failed(active.error()));
    if (active->empty()) return done(Succeeded(Absent(desired), false));
    ecs_.DescribeTaskDefinition(active->front(),
                                [desired, done](aws::Outcome<aws::EcsTaskDefinition> found) {
                                  if (!found.ok()) {
                                    if (IsNotFound(found.error()))
                                      return done(Succeeded(Absent(desired), false));
                                    return done(Failed(found.error()));
                                  }
                                  done(Succeeded(ToResource(found.value(), desired), false));
                                });
  });
}

void TaskDefinitionHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource& desired = action.resource();
  ListActive(desired, [this, desired,
                       done = std::move(done)](aws::Outcome<std::vector<std::string>> active) {
    if (!active.ok()) return done(Failed(active.error()));
    const bool any = !active->empty();
    InSequence<std::string>(
        active.value(),
        [this](const std::string& arn, StepDone next) {
          ecs_.DeregisterTaskDefinition(arn, [next](aws::Outcome<aws::EcsTaskDefinition> result) {
            if (!result.ok() && !IsNotFound(result.error())) return next(result.error());
            next(std::nullopt);
          });
        },
        [desired, any, done](std::optional<v1::Error> error) {
          if (error) return done(Failed(*error));
          done(Succeeded(Absent(desired), any));
        });
  });
}

}  // namespace wharf::executors
