#include "controller/input_resolver.h"

#include <algorithm>
#include <map>

#include "common/model/struct_path.h"

namespace wharf::controller {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The output named by `text`, or false when it is not known.
bool Lookup(const std::string& text, const ObservedLookup& observed, std::string* value) {
  thread_local v1::ResourceRef ref;  // scratch, to spare an allocation per lookup
  thread_local std::string output;
  if (!ParseOutputRef(text, &ref, &output)) return false;
  const v1::Resource* r = observed(ref);
  if (r == nullptr || r->id().empty()) return false;
  auto it = r->outputs().find(output);
  if (it == r->outputs().end() || it->second.empty()) return false;
  *value = it->second;
  return true;
}

bool ExpandTemplate(const std::string& text, const ObservedLookup& observed, std::string* out) {
  out->clear();
  size_t at = 0;
  while (at < text.size()) {
    size_t open = text.find('{', at);
    if (open == std::string::npos) {
      *out += text.substr(at);
      break;
    }
    size_t close = text.find('}', open);
    if (close == std::string::npos) return false;
    *out += text.substr(at, open - at);
    std::string value;
    if (!Lookup(text.substr(open + 1, close - open - 1), observed, &value)) return false;
    *out += value;
    at = close + 1;
  }
  return true;
}

}  // namespace

bool ParseOutputRef(const std::string& text, v1::ResourceRef* ref, std::string* output) {
  size_t slash = text.find('/');
  size_t dot = text.rfind('.');
  if (slash == std::string::npos || dot == std::string::npos || dot < slash + 2) return false;
  v1::ResourceKind kind;
  if (!v1::ResourceKind_Parse(text.substr(0, slash), &kind)) return false;
  ref->set_kind(kind);
  ref->set_name(text.substr(slash + 1, dot - slash - 1));
  *output = text.substr(dot + 1);
  return !output->empty();
}

std::vector<v1::ResourceRef> InputSources(const std::string& text) {
  std::vector<std::string> refs;
  if (text.find('{') == std::string::npos) {
    refs = Split(text, ',');
  } else {
    for (size_t at = 0; (at = text.find('{', at)) != std::string::npos;) {
      size_t close = text.find('}', at);
      if (close == std::string::npos) break;
      refs.push_back(text.substr(at + 1, close - at - 1));
      at = close + 1;
    }
  }
  std::vector<v1::ResourceRef> out;
  for (const auto& r : refs) {
    v1::ResourceRef ref;
    std::string output;
    if (ParseOutputRef(r, &ref, &output)) out.push_back(std::move(ref));
  }
  return out;
}

ResolvedInputs ResolveInputValues(const v1::Resource& desired, const ObservedLookup& observed) {
  ResolvedInputs out;
  // In path order, so the result does not depend on map iteration order.
  std::vector<std::pair<const std::string*, const std::string*>> inputs;
  inputs.reserve(static_cast<size_t>(desired.inputs().size()));
  for (const auto& [path, text] : desired.inputs()) inputs.emplace_back(&path, &text);
  std::sort(inputs.begin(), inputs.end(),
            [](const auto& x, const auto& y) { return *x.first < *y.first; });
  for (const auto& [path_ptr, text_ptr] : inputs) {
    const std::string& path = *path_ptr;
    const std::string& text = *text_ptr;
    const bool list = path.size() > 2 && path.compare(path.size() - 2, 2, "[]") == 0;
    std::string target = list ? path.substr(0, path.size() - 2) : path;
    google::protobuf::Value value;
    bool ok = true;
    if (list) {
      auto* values = value.mutable_list_value();
      for (const auto& ref : text.find(',') == std::string::npos ? std::vector<std::string>{text}
                                                                 : Split(text, ',')) {
        std::string got;
        if (!Lookup(ref, observed, &got)) {
          ok = false;
          break;
        }
        for (auto& item : Split(got, ',')) values->add_values()->set_string_value(std::move(item));
      }
    } else {
      std::string got;
      ok = text.find('{') != std::string::npos ? ExpandTemplate(text, observed, &got)
                                               : Lookup(text, observed, &got);
      value.set_string_value(std::move(got));
    }
    if (!ok) {
      out.unresolved.push_back(std::move(target));
      continue;
    }
    out.values.emplace_back(std::move(target), std::move(value));
  }
  return out;
}

ResolvedResource ResolveInputs(const v1::Resource& desired, const ObservedLookup& observed) {
  ResolvedInputs inputs = ResolveInputValues(desired, observed);
  ResolvedResource out{desired, std::move(inputs.unresolved)};
  for (auto& [path, value] : inputs.values) {
    *model::MutablePath(out.resource.mutable_properties(), path) = std::move(value);
  }
  return out;
}

}  // namespace wharf::controller
