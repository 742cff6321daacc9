#include "common/aws/query_params_builder.h"

#include <charconv>
#include <utility>

namespace wharf::aws {

std::string QueryParamsBuilder::ListItem(const std::string& list, size_t index) const {
  return list + (style_ == ListStyle::kMember ? ".member." : ".") + std::to_string(index + 1);
}

void QueryParamsBuilder::Add(const std::string& name, std::string value) {
  params_.emplace_back(name, std::move(value));
}

void QueryParamsBuilder::AddInt(const std::string& name, int64_t value) {
  Add(name, std::to_string(value));
}

void QueryParamsBuilder::AddBool(const std::string& name, bool value) {
  Add(name, value ? "true" : "false");
}

void QueryParamsBuilder::AddDouble(const std::string& name, double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  // 64 bytes hold any double's shortest form; ec cannot be set.
  Add(name, ec == std::errc() ? std::string(buffer, end) : std::to_string(value));
}

void QueryParamsBuilder::AddIfNotEmpty(const std::string& name, const std::string& value) {
  if (!value.empty()) Add(name, value);
}

void QueryParamsBuilder::AddIfSet(const std::string& name,
                                  const std::optional<std::string>& value) {
  if (value) Add(name, *value);
}

void QueryParamsBuilder::AddIfSet(const std::string& name, const std::optional<int64_t>& value) {
  if (value) AddInt(name, *value);
}

void QueryParamsBuilder::AddIfSet(const std::string& name, const std::optional<bool>& value) {
  if (value) AddBool(name, *value);
}

void QueryParamsBuilder::AddStrings(const std::string& list,
                                    const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) Add(ListItem(list, i), values[i]);
}

void QueryParamsBuilder::AddKeyValues(const std::string& list,
                                      const std::map<std::string, std::string>& entries,
                                      const std::string& key_name, const std::string& value_name) {
  size_t i = 0;
  for (const auto& [key, value] : entries) {
    const std::string item = ListItem(list, i++);
    Add(item + "." + key_name, key);
    Add(item + "." + value_name, value);
  }
}

}  // namespace wharf::aws
