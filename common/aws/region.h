#pragma once

#include <string>

#include "common/aws/environment.h"
#include "common/base/result.h"

namespace wharf::aws {

// The region to use, first found of: AWS_REGION, AWS_DEFAULT_REGION, the
// `region` of the profile in the shared config file (profile chosen as in
// ProfileFile::ProfileName), then `explicit_region` (Wharf's config). The
// environment wins over Wharf's config so that one variable retargets every
// tool at once, as for endpoints. kNotFound when none is set; a broken config
// file is an error.
Result<std::string> ResolveRegion(const Environment& env, const std::string& explicit_region,
                                  const std::string& profile = "");

}  // namespace wharf::aws
