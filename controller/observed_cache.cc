#include "controller/observed_cache.h"

#include <string_view>

namespace wharf::controller {

void ObservedCache::Put(const v1::Resource& resource) {
  resources_[{resource.app(), resource.ref().kind(), resource.ref().name()}] = resource;
}

void ObservedCache::Erase(const std::string& app, const v1::ResourceRef& ref) {
  resources_.erase({app, ref.kind(), ref.name()});
}

const v1::Resource* ObservedCache::Find(const std::string& app, const v1::ResourceRef& ref) const {
  // Looked up by views: no copy of the names.
  auto it = resources_.find(
      std::tuple<std::string_view, int, std::string_view>(app, ref.kind(), ref.name()));
  return it == resources_.end() ? nullptr : &it->second;
}

std::vector<v1::Resource> ObservedCache::ForApp(const std::string& app) const {
  std::vector<v1::Resource> out;
  for (auto it = resources_.lower_bound({app, 0, ""});
       it != resources_.end() && std::get<0>(it->first) == app; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<const v1::Resource*> ObservedCache::RefsForApp(const std::string& app) const {
  std::vector<const v1::Resource*> out;
  for (auto it = resources_.lower_bound({app, 0, ""});
       it != resources_.end() && std::get<0>(it->first) == app; ++it) {
    out.push_back(&it->second);
  }
  return out;
}

ObservedLookup ObservedCache::LookupFor(const std::string& app) const {
  return [this, app](const v1::ResourceRef& ref) { return Find(app, ref); };
}

}  // namespace wharf::controller
