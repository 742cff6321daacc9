#include "common/aws/ecs_client.h"

#include <optional>
#include <utility>

#include "common/aws/aws_errors.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

const AwsService& Ecs() { return services::kEcs; }

std::string StringOr(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t IntOr(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// Throws nlohmann::json::exception on a shape mismatch; callers catch.
EcsCluster ParseCluster(const json& j) {
  EcsCluster c;
  c.arn = StringOr(j, "clusterArn");
  c.name = StringOr(j, "clusterName");
  c.status = StringOr(j, "status");
  c.active_services_count = IntOr(j, "activeServicesCount");
  c.running_tasks_count = IntOr(j, "runningTasksCount");
  c.pending_tasks_count = IntOr(j, "pendingTasksCount");
  if (auto tags = j.find("tags"); tags != j.end() && tags->is_array()) {
    for (const json& tag : *tags) c.tags[tag.at("key").get<std::string>()] = StringOr(tag, "value");
  }
  return c;
}

json TagList(const std::map<std::string, std::string>& tags) {
  json list = json::array();
  for (const auto& [k, v] : tags) list.push_back({{"key", k}, {"value", v}});
  return list;
}

// Runs `parse` on a successful response and hands its result or the error to
// `done`; exceptions from the JSON library stop here.
template <typename T, typename Parse>
std::function<void(Outcome<json>)> Adapt(std::string operation, EcsClient::Callback<T> done,
                                         Parse parse) {
  return [operation = std::move(operation), done = std::move(done),
          parse = std::move(parse)](Outcome<json> response) {
    if (!response.ok()) {
      done(response.error());
      return;
    }
    std::optional<Outcome<T>> result;
    try {
      result.emplace(parse(response.value()));
    } catch (const json::exception& e) {
      result.emplace(ClientError(Ecs(), operation, "MalformedResponse", e.what()));
    }
    done(std::move(*result));
  };
}

// One ListClusters page; asks for the next one until nextToken is empty. Holds
// no EcsClient: callbacks only run while `client` exists.
void ListClustersPage(AwsClient& client, std::string next_token, std::vector<std::string> so_far,
                      EcsClient::Callback<std::vector<std::string>> done) {
  json input = json::object();
  if (!next_token.empty()) input["nextToken"] = next_token;
  client.CallJson(Ecs(), "ListClusters", std::move(input),
                  [&client, so_far = std::move(so_far),
                   done = std::move(done)](Outcome<json> response) mutable {
                    if (!response.ok()) {
                      done(response.error());
                      return;
                    }
                    std::string token;
                    try {
                      const json& r = response.value();
                      if (auto it = r.find("clusterArns"); it != r.end() && !it->is_null()) {
                        for (const json& arn : it->get_ref<const json::array_t&>()) {
                          so_far.push_back(arn.get<std::string>());
                        }
                      }
                      token = StringOr(r, "nextToken");
                    } catch (const json::exception& e) {
                      done(ClientError(Ecs(), "ListClusters", "MalformedResponse", e.what()));
                      return;
                    }
                    if (token.empty()) {
                      done(std::move(so_far));
                    } else {
                      ListClustersPage(client, std::move(token), std::move(so_far),
                                       std::move(done));
                    }
                  });
}

}  // namespace

EcsClient::EcsClient(AwsClient& client) : client_(client) {}

void EcsClient::CreateCluster(const std::string& name,
                              const std::map<std::string, std::string>& tags,
                              Callback<EcsCluster> done) {
  json input = {{"clusterName", name}};
  if (!tags.empty()) input["tags"] = TagList(tags);
  client_.CallJson(Ecs(), "CreateCluster", std::move(input),
                   Adapt<EcsCluster>("CreateCluster", std::move(done),
                                     [](const json& r) { return ParseCluster(r.at("cluster")); }));
}

void EcsClient::DescribeClusters(const std::vector<std::string>& clusters,
                                 Callback<EcsDescribeClustersResult> done) {
  json input = {{"clusters", clusters}, {"include", json::array({"TAGS"})}};
  client_.CallJson(
      Ecs(), "DescribeClusters", std::move(input),
      Adapt<EcsDescribeClustersResult>("DescribeClusters", std::move(done), [](const json& r) {
        EcsDescribeClustersResult out;
        if (auto it = r.find("clusters"); it != r.end() && !it->is_null()) {
          for (const json& c : it->get_ref<const json::array_t&>()) {
            out.clusters.push_back(ParseCluster(c));
          }
        }
        if (auto it = r.find("failures"); it != r.end() && !it->is_null()) {
          for (const json& f : it->get_ref<const json::array_t&>()) {
            out.failures.push_back(
                EcsFailure{StringOr(f, "arn"), StringOr(f, "reason"), StringOr(f, "detail")});
          }
        }
        return out;
      }));
}

void EcsClient::ListClusters(Callback<std::vector<std::string>> done) {
  ListClustersPage(client_, "", {}, std::move(done));
}

void EcsClient::DeleteCluster(const std::string& cluster, Callback<EcsCluster> done) {
  client_.CallJson(Ecs(), "DeleteCluster", json{{"cluster", cluster}},
                   Adapt<EcsCluster>("DeleteCluster", std::move(done),
                                     [](const json& r) { return ParseCluster(r.at("cluster")); }));
}

void EcsClient::TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                            Callback<bool> done) {
  client_.CallJson(Ecs(), "TagResource", json{{"resourceArn", arn}, {"tags", TagList(tags)}},
                   Adapt<bool>("TagResource", std::move(done), [](const json&) { return true; }));
}

}  // namespace wharf::aws
