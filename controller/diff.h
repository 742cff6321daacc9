#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "wharf/v1/plan.pb.h"
#include "wharf/v1/resource.pb.h"

namespace wharf::controller {

// Looks up what was last observed of a resource; nullptr when nothing is
// known. An observed resource with an empty id was looked for and is absent.
using ObservedLookup = std::function<const v1::Resource*(const v1::ResourceRef&)>;

// Value of a change whose new value is another resource's output that the
// plan itself produces.
inline constexpr const char* kKnownAfterApply = "(known after apply)";

// The plan that turns `observed` into `desired` for one app (docs/RESOURCES.md):
// - CREATE for resources not observed (or observed absent);
// - UPDATE, with the changed fields, for resources whose normalized
//   properties differ once their inputs are resolved from `observed`, and for
//   resources consuming an output the plan changes (a new task-definition
//   revision's ARN, a created resource's id), marked kKnownAfterApply;
// - task definitions compare by content_hash only;
// - `properties.create_only` is never compared;
// - DELETE for every resource of `known` (what is known of the app) that is
//   no longer desired, after the rest of the plan, in reverse kind order;
//   VPC lookups are never deleted.
// Actions depend on the actions of the resources they need. The plan's id
// is left empty for the caller. Pure: no I/O, no clock.
//
// Properties are compared after normalization: only the fields the desired
// side sets are compared (server defaults the observed side adds are not
// drift), maps compare by key, and an empty value equals an absent one.
v1::Plan Diff(const std::string& app, const std::vector<v1::Resource>& desired,
              const ObservedLookup& observed, const std::vector<const v1::Resource*>& known = {});

// The plan that removes an app: DELETE for each resource of `desired` (the
// app's graph) except VPC lookups and the refs in `retain`, each after the
// deletes of everything that depends on it (leaves first). Pure.
v1::Plan PlanDestroy(const std::string& app, const std::vector<v1::Resource>& desired,
                     const std::set<std::string>& retain);

// The plan that reads every resource of `desired` from AWS (OBSERVE, no
// write), each after the resources whose outputs it needs for the lookup.
// Pure.
v1::Plan PlanObserve(const std::string& app, const std::vector<v1::Resource>& desired);

// Field-level differences of `desired` against `observed` (paths like
// "tags.team"); empty when they match after normalization.
std::vector<v1::FieldChange> DiffProperties(const google::protobuf::Struct& desired,
                                            const google::protobuf::Struct& observed);

// "<app>/<KIND>/<name>/<VERB>": stable for the same plan content.
std::string ActionId(const std::string& app, const v1::ResourceRef& ref, v1::ActionVerb verb);

}  // namespace wharf::controller
