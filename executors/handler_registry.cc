#include "executors/handler_registry.h"

namespace wharf::executors {

void HandlerRegistry::Register(v1::ResourceKind kind, v1::ActionVerb verb,
                               std::shared_ptr<ActionHandler> handler) {
  handlers_[{kind, verb}] = std::move(handler);
}

ActionHandler* HandlerRegistry::Find(v1::ResourceKind kind, v1::ActionVerb verb) const {
  auto it = handlers_.find({kind, verb});
  return it == handlers_.end() ? nullptr : it->second.get();
}

std::vector<std::string> HandlerRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [key, handler] : handlers_) {
    names.push_back(v1::ResourceKind_Name(static_cast<v1::ResourceKind>(key.first)) + "/" +
                    v1::ActionVerb_Name(static_cast<v1::ActionVerb>(key.second)));
  }
  return names;
}

}  // namespace wharf::executors
