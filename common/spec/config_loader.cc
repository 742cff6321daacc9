#include "common/spec/config_loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/spec/spec_loader.h"
#include "common/spec/yaml_to_proto.h"

namespace wharf::spec {
namespace {

constexpr const char* kStateDirPlaceholder = "{state_dir}";
// sizeof(sockaddr_un::sun_path) is 108, including the terminating NUL.
constexpr size_t kMaxIpcPathBytes = 107;
constexpr size_t kMaxConfigBytes = 1 << 20;

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) {
    absolute = path;
  }
  std::string out = absolute.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') {
    out.pop_back();
  }
  return out;
}

// Collects the semantic errors of a config, positioned by the file's marks.
class ConfigErrors {
 public:
  ConfigErrors(std::string source, const FieldMarks& marks)
      : source_(std::move(source)), marks_(marks) {}

  void Add(const std::string& field, const std::string& message) {
    v1::SpecError error;
    error.set_field(field);
    error.set_message(message);
    if (auto it = marks_.find(field); it != marks_.end()) {
      error.set_line(it->second.line);
      error.set_column(it->second.column);
    }
    errors_.push_back(FormatSpecError(source_, error));
  }

  Status ToStatus() const {
    if (errors_.empty()) {
      return Status::Ok();
    }
    std::string message;
    for (const std::string& e : errors_) {
      message += (message.empty() ? "" : "; ") + e;
    }
    return Status::InvalidArgument(message);
  }

 private:
  const std::string source_;
  const FieldMarks& marks_;
  std::vector<std::string> errors_;
};

void CheckEndpoint(const std::string& field, const std::string& endpoint, ConfigErrors& errors) {
  if (endpoint.rfind("ipc://", 0) == 0) {
    std::string path = endpoint.substr(6);
    if (path.empty()) {
      errors.Add(field, "ipc:// endpoint has no path");
    } else if (path.size() > kMaxIpcPathBytes) {
      errors.Add(field, "ipc path '" + path + "' is " + std::to_string(path.size()) +
                            " bytes; a Unix socket path holds at most " +
                            std::to_string(kMaxIpcPathBytes) +
                            ": use a shorter --state-dir (or WHARF_STATE_DIR)");
    }
  } else if (endpoint.rfind("tcp://", 0) != 0 && endpoint.rfind("inproc://", 0) != 0) {
    errors.Add(field, "'" + endpoint + "' must start with ipc://, tcp:// or inproc://");
  }
}

// `value`, or `fallback` when unset (0). Negative values are errors.
int32_t DefaultPositive(int32_t value, int32_t fallback, const std::string& field,
                        ConfigErrors& errors) {
  if (value < 0) {
    errors.Add(field, "must be positive, got " + std::to_string(value));
  }
  return value > 0 ? value : fallback;
}

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

Result<v1::WharfConfig> LoadConfig(const std::string& path, const std::string& state_dir_override) {
  return LoadConfig(path, state_dir_override, ProcessEnv);
}

Result<v1::WharfConfig> LoadConfig(const std::string& path, const std::string& state_dir_override,
                                   const EnvLookup& env) {
  v1::WharfConfig config;
  FieldMarks marks;
  const std::string source = path.empty() ? "built-in config" : path;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::NotFound("config file " + path + ": cannot be read");
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
      return Status::NotFound("config file " + path + ": cannot be read");
    }
    if (text.size() > kMaxConfigBytes) {
      return Status::InvalidArgument("config file " + path + ": larger than 1 MiB");
    }
    YamlToProtoResult parsed = YamlToProto(text, config);
    if (!parsed.ok()) {
      std::string message;
      for (const v1::SpecError& e : parsed.errors) {
        message += (message.empty() ? "" : "; ") + FormatSpecError(path, e);
      }
      return Status::InvalidArgument(message);
    }
    marks = std::move(parsed.marks);
  }
  ConfigErrors errors(source, marks);
  auto env_or = [&](const std::string& name) { return env ? env(name) : std::nullopt; };

  if (!state_dir_override.empty()) {
    config.set_state_dir(state_dir_override);
  } else if (std::optional<std::string> from_env = env_or("WHARF_STATE_DIR")) {
    config.set_state_dir(*from_env);
  } else if (config.state_dir().empty()) {
    config.set_state_dir(".wharf");
  }
  config.set_state_dir(Absolute(config.state_dir()));
  const std::string& state_dir = config.state_dir();

  v1::BusEndpoints& bus = *config.mutable_bus();
  struct EndpointDefault {
    std::string* value;
    const char* field;
    const char* file;
  };
  const EndpointDefault endpoints[] = {
      {bus.mutable_publish(), "bus.publish", "bus-pub.sock"},
      {bus.mutable_subscribe(), "bus.subscribe", "bus-sub.sock"},
      {bus.mutable_dispatch(), "bus.dispatch", "dispatch.sock"},
      {bus.mutable_control(), "bus.control", "control.sock"},
  };
  for (const EndpointDefault& e : endpoints) {
    if (e.value->empty()) {
      *e.value = std::string("ipc://") + kStateDirPlaceholder + "/" + e.file;
    }
    ReplaceAll(*e.value, kStateDirPlaceholder, state_dir);
    CheckEndpoint(e.field, *e.value, errors);
  }

  if (config.specs_dir().empty()) {
    config.set_specs_dir(std::string(kStateDirPlaceholder) + "/specs");
  }
  ReplaceAll(*config.mutable_specs_dir(), kStateDirPlaceholder, state_dir);
  config.set_specs_dir(Absolute(config.specs_dir()));

  v1::AwsConfig& aws = *config.mutable_aws();
  if (aws.region().empty()) {
    std::optional<std::string> region = env_or("AWS_REGION");
    if (!region) {
      region = env_or("AWS_DEFAULT_REGION");
    }
    aws.set_region(region.value_or("us-east-1"));
  }
  if (!aws.endpoint_url().empty() && aws.endpoint_url().rfind("http://", 0) != 0 &&
      aws.endpoint_url().rfind("https://", 0) != 0) {
    errors.Add("aws.endpoint_url", "must start with http:// or https://");
  }

  if (config.log_level().empty()) {
    config.set_log_level("info");
  }
  static const char* const kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), config.log_level()) == std::end(kLevels)) {
    errors.Add("log_level", "must be one of trace, debug, info, warn, error or off, got '" +
                                config.log_level() + "'");
  }

  config.set_executors(DefaultPositive(config.executors(), 2, "executors", errors));
  config.set_executor_capacity(
      DefaultPositive(config.executor_capacity(), 8, "executor_capacity", errors));
  config.set_heartbeat_interval_ms(
      DefaultPositive(config.heartbeat_interval_ms(), 1000, "heartbeat_interval_ms", errors));
  config.set_drift_poll_ms(DefaultPositive(config.drift_poll_ms(), 60000, "drift_poll_ms", errors));
  config.set_heartbeat_liveness(
      DefaultPositive(config.heartbeat_liveness(), 3, "heartbeat_liveness", errors));

  v1::LocalCloudConfig& local = *config.mutable_local_cloud();
  if (local.host().empty()) {
    local.set_host("127.0.0.1");
  }
  if (local.port() == 0) {
    local.set_port(4566);
  }
  if (local.port() < 0 || local.port() > 65535) {
    errors.Add("local_cloud.port",
               "must be between 1 and 65535, got " + std::to_string(local.port()));
  }

  if (config.required_watchers_size() == 0) {
    config.add_required_watchers("spec");
  }

  WHARF_RETURN_IF_ERROR(errors.ToStatus());
  return config;
}

}  // namespace wharf::spec
