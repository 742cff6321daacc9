#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "controller/diff.h"
#include "wharf/v1/resource.pb.h"

namespace wharf::controller {

// Resources as last seen, per app: fed by action results (and, with the
// cloud watcher, by observed snapshots). Not thread-safe: owned by the
// controller's io thread.
class ObservedCache {
 public:
  void Put(const v1::Resource& resource);
  void Erase(const std::string& app, const v1::ResourceRef& ref);
  const v1::Resource* Find(const std::string& app, const v1::ResourceRef& ref) const;
  std::vector<v1::Resource> ForApp(const std::string& app) const;
  // The same, without copies; valid until the cache changes.
  std::vector<const v1::Resource*> RefsForApp(const std::string& app) const;
  // A lookup bound to one app, for Diff. Valid while the cache lives.
  ObservedLookup LookupFor(const std::string& app) const;

 private:
  using Key = std::tuple<std::string, int, std::string>;  // app, kind, name
  std::map<Key, v1::Resource, std::less<>> resources_;
};

}  // namespace wharf::controller
