#include "common/aws/region.h"

#include "common/aws/profile_file.h"

namespace wharf::aws {

Result<std::string> ResolveRegion(const Environment& env, const std::string& explicit_region,
                                  const std::string& profile) {
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto value = env.Get(name); value && !value->empty()) return *value;
  }
  const std::string path = ProfileFile::ConfigPath(env);
  auto config = ProfileFile::Load(path, ProfileFile::Kind::kConfig);
  if (!config.ok() && config.status().code() != Status::Code::kNotFound) return config.status();
  const std::string profile_name = ProfileFile::ProfileName(env, profile);
  if (config.ok()) {
    if (const std::string* region = config->Get(profile_name, "region");
        region && !region->empty()) {
      return *region;
    }
  }
  if (!explicit_region.empty()) return explicit_region;
  return Status::NotFound("no AWS region: set AWS_REGION, the region of profile '" + profile_name +
                          "' in " + path + ", or aws.region in Wharf's config");
}

}  // namespace wharf::aws
