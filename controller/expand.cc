#include "controller/expand.h"

#include <map>

namespace wharf::controller {
namespace {

std::map<std::string, std::string> ManagedTags(const v1::AppSpec& spec) {
  std::map<std::string, std::string> tags(spec.tags().begin(), spec.tags().end());
  tags[kTagApp] = spec.name();
  tags[kTagManagedBy] = kManagedByValue;
  return tags;
}

void SetTags(const std::map<std::string, std::string>& tags, v1::Resource* r) {
  auto* tag_struct = (*r->mutable_properties()->mutable_fields())["tags"].mutable_struct_value();
  for (const auto& [k, v] : tags) {
    (*r->mutable_tags())[k] = v;
    (*tag_struct->mutable_fields())[k].set_string_value(v);
  }
}

v1::Resource Cluster(const v1::AppSpec& spec) {
  v1::Resource r;
  r.mutable_ref()->set_kind(v1::ECS_CLUSTER);
  r.mutable_ref()->set_name(ClusterName(spec));
  r.set_app(spec.name());
  (*r.mutable_properties()->mutable_fields())["name"].set_string_value(ClusterName(spec));
  SetTags(ManagedTags(spec), &r);
  return r;
}

}  // namespace

std::string ClusterName(const v1::AppSpec& spec) {
  return spec.cluster().empty() ? spec.name() : spec.cluster();
}

std::vector<v1::Resource> Expand(const v1::AppSpec& spec) { return {Cluster(spec)}; }

}  // namespace wharf::controller
