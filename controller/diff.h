#pragma once

#include <functional>
#include <vector>

#include "wharf/v1/plan.pb.h"
#include "wharf/v1/resource.pb.h"

namespace wharf::controller {

// Looks up what was last observed of a resource; nullptr when nothing is
// known (never seen, or deleted).
using ObservedLookup = std::function<const v1::Resource*(const v1::ResourceRef&)>;

// The plan that turns `observed` into `desired` for one app: CREATE for
// resources not observed, UPDATE (with the changed fields) for resources
// whose normalized properties differ, nothing for resources that match.
// Actions depend on the actions of the resources they need. The plan's id is
// left empty for the caller. Pure: no I/O, no clock.
//
// Properties are compared after normalization: only the fields the desired
// side sets are compared (server defaults the observed side adds are not
// drift), maps compare by key, and an empty value equals an absent one.
v1::Plan Diff(const std::string& app, const std::vector<v1::Resource>& desired,
              const ObservedLookup& observed);

// Field-level differences of `desired` against `observed` (paths like
// "tags.team"); empty when they match after normalization.
std::vector<v1::FieldChange> DiffProperties(const google::protobuf::Struct& desired,
                                            const google::protobuf::Struct& observed);

// "<app>/<KIND>/<name>/<VERB>": stable for the same plan content.
std::string ActionId(const std::string& app, const v1::ResourceRef& ref, v1::ActionVerb verb);

}  // namespace wharf::controller
