#pragma once

#include <vector>

#include "wharf/v1/app.pb.h"
#include "wharf/v1/resource.pb.h"

namespace wharf::controller {

// Tag keys Wharf puts on everything it manages.
inline constexpr const char* kTagApp = "wharf:app";
inline constexpr const char* kTagManagedBy = "wharf:managed-by";
inline constexpr const char* kManagedByValue = "wharf";

// The desired resource graph of one app: every resource Wharf must make and
// keep for `spec`, with normalized properties and dependency edges, in
// dependency order (a resource comes after everything it depends on).
// Pure: no I/O, no clock. Precondition: `spec` passed SpecValidator.
//
// Today the graph is the app's ECS cluster; the other kinds of DESIGN.md's
// graph are added here, each with its own Expand step.
std::vector<v1::Resource> Expand(const v1::AppSpec& spec);

// The name of the app's ECS cluster (spec.cluster, else the app name).
std::string ClusterName(const v1::AppSpec& spec);

}  // namespace wharf::controller
