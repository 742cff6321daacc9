#pragma once

#include <string>
#include <utility>
#include <vector>

#include "controller/diff.h"
#include "wharf/v1/resource.pb.h"

namespace wharf::controller {

// A resource with its inputs filled in from other resources' outputs.
struct ResolvedResource {
  v1::Resource resource;
  // Input paths whose referenced output is not known yet (the resource is
  // not observed, or has no such output). Their properties are left unset.
  std::vector<std::string> unresolved;
};

// The values of a resource's inputs, by target property path (without the
// "[]" of list paths), in path order.
struct ResolvedInputs {
  std::vector<std::pair<std::string, google::protobuf::Value>> values;
  std::vector<std::string> unresolved;
};
ResolvedInputs ResolveInputValues(const v1::Resource& desired, const ObservedLookup& observed);

// Fills `desired.inputs` (docs/RESOURCES.md): for each path, the referenced
// "<KIND>/<name>.<output>" is read from `observed`; "{...}" parts of a
// template are replaced in place; a path ending in "[]" takes the
// ','-separated outputs as a list. Pure.
ResolvedResource ResolveInputs(const v1::Resource& desired, const ObservedLookup& observed);

// The resources one input value reads: its ','-joined references, or the
// "{...}" parts of a template. Malformed references are left out.
std::vector<v1::ResourceRef> InputSources(const std::string& text);

// Parses "<KIND>/<name>.<output>"; false when malformed.
bool ParseOutputRef(const std::string& text, v1::ResourceRef* ref, std::string* output);

}  // namespace wharf::controller
