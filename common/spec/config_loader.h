#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/base/result.h"
#include "wharf/v1/config.pb.h"

namespace wharf::spec {

// Reads one environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv). An empty value counts as unset.
std::optional<std::string> ProcessEnv(const std::string& name);

// Loads the process configuration: `path` (config/wharf.yaml; empty = built-in
// defaults only) parsed with YamlToProto, then every unset field defaulted:
//
//   state_dir          `state_dir_override`, else $WHARF_STATE_DIR, else the
//                      file's, else ".wharf"; made absolute (against the cwd)
//   bus.*              ipc://{state_dir}/bus-pub.sock, bus-sub.sock,
//                      dispatch.sock, control.sock
//   specs_dir          {state_dir}/specs; made absolute
//   aws.region         the file's, else $AWS_REGION, else $AWS_DEFAULT_REGION,
//                      else us-east-1
//   log_level info, executors 2, executor_capacity 8, heartbeat_interval_ms
//   1000, heartbeat_liveness 3, local_cloud 127.0.0.1:4566,
//   required_watchers ["spec"]
//
// "{state_dir}" in endpoints and specs_dir is replaced by the absolute state
// dir. Errors (InvalidArgument, NotFound for a missing file) name the file,
// the field and, when known, the line: unknown fields, bad values, endpoints
// that are not ipc://, tcp:// or inproc://, and ipc:// paths longer than the
// 107 bytes a Unix socket address holds. Does not create any directory.
Result<v1::WharfConfig> LoadConfig(const std::string& path, const std::string& state_dir_override);

// As above, reading the environment through `env` (for tests).
Result<v1::WharfConfig> LoadConfig(const std::string& path, const std::string& state_dir_override,
                                   const EnvLookup& env);

}  // namespace wharf::spec
