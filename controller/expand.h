#pragma once

#include <string>
#include <vector>

#include "controller/resource_names.h"
#include "wharf/v1/app.pb.h"
#include "wharf/v1/resource.pb.h"

namespace wharf::controller {

// Tag keys Wharf puts on everything it manages.
inline constexpr const char* kTagApp = "wharf:app";
inline constexpr const char* kTagManagedBy = "wharf:managed-by";
inline constexpr const char* kManagedByValue = "wharf";
// Tag on each task-definition revision: the content hash it was made from.
inline constexpr const char* kTagContentHash = "wharf:content-hash";
// Name of the app's container in its task definition.
inline constexpr const char* kContainerName = "app";

// What Expand needs besides the spec.
struct ExpandOptions {
  // Region of the app (the awslogs driver needs it).
  std::string region = "us-east-1";
};

// The desired resource graph of one app: every resource Wharf must make and
// keep for `spec` (docs/RESOURCES.md), with normalized properties, Wharf's
// defaults filled in, inputs referring to other resources' outputs, and
// dependency edges, in dependency order (a resource comes after everything
// it depends on). Pure: no I/O, no clock. Precondition: `spec` passed
// SpecValidator.
std::vector<v1::Resource> Expand(const v1::AppSpec& spec, const ExpandOptions& options = {});

// "<KIND>/<name>": how inputs and depends_on name a resource.
std::string RefKey(const v1::ResourceRef& ref);
std::string RefKey(v1::ResourceKind kind, const std::string& name);

// The content hash of a resource: SHA-256 over its properties and inputs in
// a canonical serialization, leaving out `tags` and `keep_revisions`
// (neither changes what runs).
std::string ContentHash(const v1::Resource& resource);

}  // namespace wharf::controller
