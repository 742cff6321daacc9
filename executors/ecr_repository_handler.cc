#include "executors/ecr_repository_handler.h"

#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

using nlohmann::json;

bool IsRepositoryNotFound(const v1::Error& error) {
  return error.code() == "RepositoryNotFoundException";
}

std::string Mutability(const v1::Resource& desired) {
  return GetString(desired.properties(), "image_tag_mutability", "MUTABLE");
}

}  // namespace

struct EcrRepositoryHandler::Run {
  v1::Resource desired;
  Done done;
  aws::EcrRepository repository;
  std::map<std::string, std::string> tags;
  std::optional<std::string> policy_text;
  bool mutated = false;
};

std::string EcrRepositoryHandler::LifecyclePolicy(int keep_images) {
  json rule = {
      {"rulePriority", 1},
      {"description", "Keep the newest " + std::to_string(keep_images) + " images"},
      {"selection",
       {{"tagStatus", "any"}, {"countType", "imageCountMoreThan"}, {"countNumber", keep_images}}},
      {"action", {{"type", "expire"}}}};
  return json{{"rules", json::array({rule})}}.dump();
}

std::optional<int> EcrRepositoryHandler::KeepImagesOf(const std::string& policy_text) {
  json policy = json::parse(policy_text, nullptr, false);
  if (!policy.is_object() || !policy.contains("rules") || !policy["rules"].is_array() ||
      policy["rules"].size() != 1) {
    return std::nullopt;
  }
  const json& selection = policy["rules"][0].value("selection", json::object());
  if (!selection.is_object() || selection.value("countType", "") != "imageCountMoreThan" ||
      selection.value("tagStatus", "") != "any" || !selection.contains("countNumber") ||
      !selection["countNumber"].is_number_integer()) {
    return std::nullopt;
  }
  return selection["countNumber"].get<int>();
}

void EcrRepositoryHandler::Handle(const v1::Action& action, Done done) {
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

void EcrRepositoryHandler::Ensure(const v1::Action& action, Done done) {
  auto run = std::make_shared<Run>();
  run->desired = action.resource();
  run->done = std::move(done);
  const std::string name = run->desired.ref().name();
  ecr_.DescribeRepositories(
      {name}, [this, run, name](aws::Outcome<std::vector<aws::EcrRepository>> found) {
        if (found.ok() && !found->empty()) {
          run->repository = found->front();
          return EnsureMutability(run);
        }
        if (!found.ok() && !IsRepositoryNotFound(found.error())) {
          return run->done(Failed(found.error()));
        }
        aws::EcrCreateRepositoryRequest request;
        request.name = name;
        request.tags = TagsOf(run->desired);
        request.image_tag_mutability = Mutability(run->desired);
        ecr_.CreateRepository(request, [this, run](aws::Outcome<aws::EcrRepository> created) {
          if (!created.ok()) return run->done(Failed(created.error()));
          run->repository = created.value();
          run->mutated = true;
          EnsureMutability(run);
        });
      });
}

void EcrRepositoryHandler::EnsureMutability(std::shared_ptr<Run> run) {
  const std::string wanted = Mutability(run->desired);
  if (run->repository.image_tag_mutability == wanted) return EnsureTags(run);
  ecr_.PutImageTagMutability(run->repository.name, wanted,
                             [this, run, wanted](aws::Outcome<bool> r) {
                               if (!r.ok()) return run->done(Failed(r.error()));
                               run->repository.image_tag_mutability = wanted;
                               run->mutated = true;
                               EnsureTags(run);
                             });
}

void EcrRepositoryHandler::EnsureTags(std::shared_ptr<Run> run) {
  ecr_.ListTagsForResource(
      run->repository.arn, [this, run](aws::Outcome<std::map<std::string, std::string>> tags) {
        if (!tags.ok()) return run->done(Failed(tags.error()));
        run->tags = tags.value();
        std::map<std::string, std::string> missing;
        for (const auto& [k, v] : TagsOf(run->desired)) {
          auto it = run->tags.find(k);
          if (it == run->tags.end() || it->second != v) missing[k] = v;
        }
        if (missing.empty()) return EnsureLifecycle(run);
        ecr_.TagResource(run->repository.arn, missing, [this, run, missing](aws::Outcome<bool> r) {
          if (!r.ok()) return run->done(Failed(r.error()));
          for (const auto& [k, v] : missing) run->tags[k] = v;
          run->mutated = true;
          EnsureLifecycle(run);
        });
      });
}

void EcrRepositoryHandler::EnsureLifecycle(std::shared_ptr<Run> run) {
  ecr_.GetLifecyclePolicy(
      run->repository.name, [this, run](aws::Outcome<aws::EcrLifecyclePolicy> found) {
        if (!found.ok() && found.error().code() != "LifecyclePolicyNotFoundException") {
          return run->done(Failed(found.error()));
        }
        if (found.ok()) run->policy_text = found->policy_text;
        if (!Has(run->desired.properties(), "keep_images")) return Finish(run);
        const int keep = GetInt(run->desired.properties(), "keep_images");
        if (run->policy_text && KeepImagesOf(*run->policy_text) == keep) return Finish(run);
        const std::string policy = LifecyclePolicy(keep);
        ecr_.PutLifecyclePolicy(run->repository.name, policy,
                                [this, run, policy](aws::Outcome<aws::EcrLifecyclePolicy> put) {
                                  if (!put.ok()) return run->done(Failed(put.error()));
                                  run->policy_text = policy;
                                  run->mutated = true;
                                  Finish(run);
                                });
      });
}

void EcrRepositoryHandler::Finish(std::shared_ptr<Run> run) {
  v1::Resource r = ObservedLike(run->desired);
  r.set_id(run->repository.arn);
  (*r.mutable_outputs())["arn"] = run->repository.arn;
  (*r.mutable_outputs())["uri"] = run->repository.uri;
  SetString(r.mutable_properties(), "name", run->repository.name);
  SetString(r.mutable_properties(), "image_tag_mutability", run->repository.image_tag_mutability);
  if (run->policy_text) {
    if (auto keep = KeepImagesOf(*run->policy_text)) {
      SetNumber(r.mutable_properties(), "keep_images", *keep);
    }
  }
  SetTags(&r, run->tags);
  run->done(Succeeded(std::move(r), run->mutated));
}

void EcrRepositoryHandler::Observe(const v1::Action& action, Done done) {
  auto run = std::make_shared<Run>();
  run->desired = action.resource();
  run->done = std::move(done);
  ecr_.DescribeRepositories({run->desired.ref().name()},
                            [this, run](aws::Outcome<std::vector<aws::EcrRepository>> found) {
                              if (!found.ok() && !IsRepositoryNotFound(found.error())) {
                                return run->done(Failed(found.error()));
                              }
                              if (!found.ok() || found->empty()) {
                                return run->done(Succeeded(Absent(run->desired), false));
                              }
                              run->repository = found->front();
                              Describe(run);
                            });
}

void EcrRepositoryHandler::Describe(std::shared_ptr<Run> run) {
  ecr_.ListTagsForResource(
      run->repository.arn, [this, run](aws::Outcome<std::map<std::string, std::string>> tags) {
        if (!tags.ok()) return run->done(Failed(tags.error()));
        run->tags = tags.value();
        ecr_.GetLifecyclePolicy(
            run->repository.name, [this, run](aws::Outcome<aws::EcrLifecyclePolicy> found) {
              if (!found.ok() && found.error().code() != "LifecyclePolicyNotFoundException") {
                return run->done(Failed(found.error()));
              }
              if (found.ok()) run->policy_text = found->policy_text;
              Finish(run);
            });
      });
}

void EcrRepositoryHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  ecr_.DeleteRepository(desired.ref().name(), /*force=*/true,
                        [desired, done = std::move(done)](aws::Outcome<aws::EcrRepository> r) {
                          if (!r.ok() && !IsRepositoryNotFound(r.error())) {
                            return done(Failed(r.error()));
                          }
                          done(Succeeded(Absent(desired), r.ok()));
                        });
}

}  // namespace wharf::executors
