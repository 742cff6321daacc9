#include "common/spec/spec_validator.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string_view>

#include "wharf/v1/app.pb.h"

namespace wharf::spec {
namespace {

constexpr size_t kMaxNameLength = 32;
// AWS allows 50 tags per resource; Wharf adds wharf:app and wharf:managed-by.
constexpr int kMaxUserTags = 48;
constexpr std::array<int, 7> kFargateCpus = {256, 512, 1024, 2048, 4096, 8192, 16384};
constexpr std::array<int, 22> kLogRetentionDays = {1,    3,    5,    7,    14,   30,  60,  90,
                                                   120,  150,  180,  365,  400,  545, 731, 1096,
                                                   1827, 2192, 2557, 2922, 3288, 3653};
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiLower(c) || IsAsciiDigit(c) || (c >= 'A' && c <= 'Z'); }

// True when every character of `s` is an ASCII letter or digit or in `extra`.
bool AlnumOr(std::string_view s, std::string_view extra) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return IsAsciiAlnum(c) || extra.find(c) != std::string_view::npos;
  });
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsAsciiDigit);
}

// [a-z][a-z0-9-]*
bool IsAppNameChars(std::string_view s) {
  return !s.empty() && IsAsciiLower(s[0]) && std::all_of(s.begin(), s.end(), [](char c) {
    return IsAsciiLower(c) || IsAsciiDigit(c) || c == '-';
  });
}

bool IsClusterName(std::string_view s) { return !s.empty() && s.size() <= 255 && AlnumOr(s, "_-"); }

// [A-Za-z_][A-Za-z0-9_]*
bool IsEnvName(std::string_view s) { return !s.empty() && !IsAsciiDigit(s[0]) && AlnumOr(s, "_"); }

// ECR: '/'-separated parts of [a-z0-9] runs joined by single '.', '_' or '-'.
bool IsEcrRepository(std::string_view s) {
  if (s.size() < 2 || s.size() > 256) {
    return false;
  }
  size_t begin = 0;
  while (begin <= s.size()) {
    size_t end = s.find('/', begin);
    if (end == std::string_view::npos) {
      end = s.size();
    }
    std::string_view part = s.substr(begin, end - begin);
    if (part.empty()) {
      return false;
    }
    char previous = '.';  // a part may not start with a separator
    for (char c : part) {
      bool separator = c == '.' || c == '_' || c == '-';
      if (!separator && !IsAsciiLower(c) && !IsAsciiDigit(c)) {
        return false;
      }
      bool previous_separator = previous == '.' || previous == '_' || previous == '-';
      if (separator && previous_separator) {
        return false;
      }
      previous = c;
    }
    if (previous == '.' || previous == '_' || previous == '-') {
      return false;
    }
    begin = end + 1;
  }
  return true;
}

// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool IsImageTag(std::string_view s) {
  return !s.empty() && s.size() <= 128 && s[0] != '.' && s[0] != '-' && AlnumOr(s, "_.-");
}

// sha256:<64 lower-case hex>
bool IsDigest(std::string_view s) {
  constexpr std::string_view kPrefix = "sha256:";
  if (s.size() != kPrefix.size() + 64 || s.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  return std::all_of(s.begin() + kPrefix.size(), s.end(),
                     [](char c) { return IsAsciiDigit(c) || (c >= 'a' && c <= 'f'); });
}

// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (RESOURCE may hold ':').
struct Arn {
  std::string_view partition, service, region, account, resource;
};

std::optional<Arn> ParseArn(std::string_view s) {
  std::string_view parts[5];
  for (std::string_view& part : parts) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    part = s.substr(0, colon);
    s.remove_prefix(colon + 1);
  }
  if (parts[0] != "arn") {
    return std::nullopt;
  }
  if (parts[1] != "aws" && parts[1] != "aws-cn" && parts[1] != "aws-us-gov") {
    return std::nullopt;
  }
  return Arn{parts[1], parts[2], parts[3], parts[4], s};
}

// us-east-1, eu-central-2, us-gov-west-1: letters-...-digits.
bool IsRegion(std::string_view s) {
  size_t first = s.find('-');
  size_t last = s.rfind('-');
  if (first != 2 || last == first || !AllDigits(s.substr(last + 1))) {
    return false;
  }
  return std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(last),
                     [](char c) { return IsAsciiLower(c) || c == '-'; }) &&
         s.find("--") == std::string_view::npos;
}

bool IsAccount(std::string_view s) { return s.size() == 12 && AllDigits(s); }

// A regional ARN of `service` in an account whose resource starts `prefix`;
// returns the rest of the resource.
std::optional<std::string_view> RegionalResource(std::string_view s, std::string_view service,
                                                 std::string_view prefix) {
  std::optional<Arn> arn = ParseArn(s);
  if (!arn || arn->service != service || !IsRegion(arn->region) || !IsAccount(arn->account) ||
      arn->resource.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  return arn->resource.substr(prefix.size());
}

// ...:secret:NAME, optionally followed by :JSON-KEY:VERSION-STAGE:VERSION-ID.
bool IsSecretsManagerArn(std::string_view s) {
  std::optional<std::string_view> rest = RegionalResource(s, "secretsmanager", "secret:");
  if (!rest) {
    return false;
  }
  std::string_view name = rest->substr(0, rest->find(':'));
  if (name.empty() || !AlnumOr(name, "/_+=.@-")) {
    return false;
  }
  if (name.size() == rest->size()) {
    return true;
  }
  return std::count(rest->begin(), rest->end(), ':') == 3;
}

bool IsSsmParameterArn(std::string_view s) {
  std::optional<std::string_view> rest = RegionalResource(s, "ssm", "parameter/");
  return rest && !rest->empty() && AlnumOr(*rest, "/_.-");
}

bool IsAcmCertificateArn(std::string_view s) {
  std::optional<std::string_view> rest = RegionalResource(s, "acm", "certificate/");
  return rest && !rest->empty() && AlnumOr(*rest, "-");
}

// arn:aws:iam::ACCOUNT:KIND/NAME; `aws_managed` also allows the account "aws".
bool IsIamArn(std::string_view s, std::string_view kind, bool aws_managed) {
  std::optional<Arn> arn = ParseArn(s);
  if (!arn || arn->service != "iam" || !arn->region.empty()) {
    return false;
  }
  if (!IsAccount(arn->account) && !(aws_managed && arn->account == "aws")) {
    return false;
  }
  if (arn->resource.size() <= kind.size() + 1 || arn->resource.substr(0, kind.size()) != kind ||
      arn->resource[kind.size()] != '/') {
    return false;
  }
  return AlnumOr(arn->resource.substr(kind.size() + 1), "/_+=,.@-");
}

// ALB matcher: comma-separated codes or code ranges, each from 200 to 499.
bool IsMatcher(std::string_view s) {
  auto code = [](std::string_view c) {
    return c.size() == 3 && AllDigits(c) && c >= "200" && c <= "499";
  };
  size_t begin = 0;
  while (begin <= s.size()) {
    size_t end = s.find(',', begin);
    if (end == std::string_view::npos) {
      end = s.size();
    }
    std::string_view item = s.substr(begin, end - begin);
    size_t dash = item.find('-');
    bool ok = dash == std::string_view::npos
                  ? code(item)
                  : code(item.substr(0, dash)) && code(item.substr(dash + 1)) &&
                        item.substr(0, dash) <= item.substr(dash + 1);
    if (!ok) {
      return false;
    }
    begin = end + 1;
  }
  return true;
}

bool IsAlarmName(std::string_view s) { return !s.empty() && s.size() <= 64 && AlnumOr(s, "_-"); }

bool HasWhitespace(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// AWS tag characters: letters, digits, spaces and + - = . _ : / @. Bytes of
// multi-byte UTF-8 characters (non-ASCII letters) are let through.
bool ValidTagText(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c >= 0x80 || std::isalnum(c) ||
           std::string_view(" +-=._:/@").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string JoinInts(const std::vector<int>& values, const char* last_separator) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += i + 1 == values.size() ? last_separator : ", ";
    }
    out += std::to_string(values[i]);
  }
  return out;
}

std::string AllowedEnumNames(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) {
      names.push_back(e->value(i)->name());
    }
  }
  std::string out;
  for (const std::string& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

class Rules {
 public:
  explicit Rules(const FieldMarks& marks) : marks_(marks) {}

  void Add(const std::string& field, const std::string& message) {
    v1::SpecError& error = errors_.emplace_back();
    error.set_field(field);
    error.set_message(message);
    SourceMark at = Find(field);
    error.set_line(at.line);
    error.set_column(at.column);
  }

  // Adds "must be between lo and hi" unless value is 0 (unset) or in range.
  void OptionalRange(const std::string& field, int64_t value, int64_t lo, int64_t hi,
                     const char* unit = "") {
    if (value == 0 || (value >= lo && value <= hi)) {
      return;
    }
    Add(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + unit +
                   ", got " + std::to_string(value));
  }

  void NotNegative(const std::string& field, int64_t value) {
    if (value < 0) {
      Add(field, "must not be negative, got " + std::to_string(value));
    }
  }

  std::vector<v1::SpecError> Take() { return std::move(errors_); }

 private:
  // The mark of `field` or of its nearest parent that has one.
  SourceMark Find(std::string field) const {
    while (!field.empty()) {
      if (auto it = marks_.find(field); it != marks_.end()) {
        return it->second;
      }
      size_t cut = field.find_last_of(".[");
      if (cut == std::string::npos) {
        break;
      }
      field.resize(cut);
    }
    return {};
  }

  const FieldMarks& marks_;
  std::vector<v1::SpecError> errors_;
};

void ValidateName(const v1::AppSpec& spec, Rules& rules) {
  const std::string& name = spec.name();
  if (name.empty()) {
    rules.Add("name", "is required: the app name (lower-case letters, digits and '-')");
    return;
  }
  if (name.size() > kMaxNameLength) {
    rules.Add("name", "must be at most " + std::to_string(kMaxNameLength) + " characters, got " +
                          std::to_string(name.size()));
  }
  if (!IsAppNameChars(name)) {
    rules.Add(
        "name",
        "must start with a lower-case letter and hold only lower-case letters, digits and '-'");
  } else if (name.back() == '-') {
    rules.Add("name", "must not end with '-'");
  } else if (name.find("--") != std::string::npos) {
    rules.Add("name", "must not contain '--'");
  }
}

void ValidateTop(const v1::AppSpec& spec, Rules& rules) {
  if (!spec.api_version().empty() && spec.api_version() != "wharf/v1") {
    rules.Add("api_version", "must be 'wharf/v1' when given");
  }
  if (spec.description().size() > 1024) {
    rules.Add("description", "must be at most 1024 characters");
  }
  if (!spec.cluster().empty() && !IsClusterName(spec.cluster())) {
    rules.Add("cluster", "must be 1-255 letters, digits, '-' or '_'");
  }
  if (spec.tags_size() > kMaxUserTags) {
    rules.Add("tags", "at most " + std::to_string(kMaxUserTags) +
                          " tags (AWS allows 50 per resource and Wharf adds 2), got " +
                          std::to_string(spec.tags_size()));
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : spec.tags()) {
    keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    const std::string& value = spec.tags().at(key);
    std::string field = "tags." + key;
    std::string lowered = key;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (key.empty() || key.size() > 128) {
      rules.Add(field, "tag keys must be 1-128 characters");
    }
    if (lowered.rfind("aws:", 0) == 0 || lowered.rfind("wharf:", 0) == 0) {
      rules.Add(field, "tag keys starting with 'aws:' or 'wharf:' are reserved");
    }
    if (value.size() > 256) {
      rules.Add(field, "tag values must be at most 256 characters");
    }
    if (!ValidTagText(key) || !ValidTagText(value)) {
      rules.Add(field, "tags may hold only letters, digits, spaces and + - = . _ : / @");
    }
  }
}

void ValidateImage(const v1::AppSpec& spec, Rules& rules) {
  const v1::Image& image = spec.image();
  if (!spec.has_image()) {
    rules.Add("image", "is required: set image.repository (an ECR repository) or image.uri");
    return;
  }
  if (image.external()) {
    if (image.uri().empty()) {
      rules.Add("image.uri", "is required when image.external is set (registry/name of the image)");
    }
    if (!image.repository().empty()) {
      rules.Add("image.repository",
                "names an ECR repository Wharf manages; an external image uses image.uri only");
    }
  } else if (image.repository().empty() && image.uri().empty()) {
    rules.Add("image.repository", "is required (an ECR repository name), or set image.uri");
  }
  if (!image.repository().empty() && !IsEcrRepository(image.repository())) {
    rules.Add("image.repository",
              "must be a valid ECR repository name: 2-256 lower-case letters, digits and . _ - "
              "separated path parts");
  }
  if (!image.uri().empty() && (image.uri().size() > 255 || HasWhitespace(image.uri()))) {
    rules.Add("image.uri", "must be an image reference of at most 255 characters without spaces");
  }
  if (!image.tag().empty() && !IsImageTag(image.tag())) {
    rules.Add("image.tag",
              "must be 1-128 letters, digits, '_', '.' or '-', not starting with . or -");
  }
  if (!image.digest().empty() && !IsDigest(image.digest())) {
    rules.Add("image.digest", "must look like sha256:<64 lower-case hex digits>");
  }
}

void ValidateCompute(const v1::AppSpec& spec, Rules& rules) {
  const v1::Compute& compute = spec.compute();
  const std::string cpus = JoinInts({kFargateCpus.begin(), kFargateCpus.end()}, " or ");
  bool cpu_ok = false;
  if (compute.cpu() == 0) {
    rules.Add("compute.cpu", "is required: Fargate CPU units, one of " + cpus);
  } else if (SpecValidator::ValidFargateMemory(compute.cpu()).empty()) {
    rules.Add("compute.cpu",
              std::to_string(compute.cpu()) + " is not a Fargate CPU size; use " + cpus);
  } else {
    cpu_ok = true;
  }
  if (compute.memory() == 0) {
    rules.Add("compute.memory",
              cpu_ok ? "is required: MiB, with cpu " + std::to_string(compute.cpu()) + " one of " +
                           SpecValidator::DescribeFargateMemory(compute.cpu())
                     : std::string("is required: MiB, a valid Fargate pair with compute.cpu"));
  } else if (cpu_ok) {
    std::vector<int> valid = SpecValidator::ValidFargateMemory(compute.cpu());
    if (std::find(valid.begin(), valid.end(), compute.memory()) == valid.end()) {
      rules.Add("compute.memory", std::to_string(compute.memory()) + " MiB is not valid with cpu " +
                                      std::to_string(compute.cpu()) + "; use " +
                                      SpecValidator::DescribeFargateMemory(compute.cpu()));
    }
  }
  rules.OptionalRange("compute.ephemeral_storage_gib", compute.ephemeral_storage_gib(), 21, 200,
                      " GiB (0 means Fargate's default of 20)");
}

void ValidateContainer(const v1::AppSpec& spec, Rules& rules) {
  const v1::Container& container = spec.container();
  bool needs_port = !spec.load_balancer().disabled();
  if (container.port() == 0) {
    if (needs_port) {
      rules.Add("container.port",
                "is required: the port the app listens on (or set load_balancer.disabled)");
    }
  } else {
    rules.OptionalRange("container.port", container.port(), 1, 65535);
  }
  for (int i = 0; i < container.command_size(); ++i) {
    if (container.command(i).empty()) {
      rules.Add("container.command[" + std::to_string(i) + "]", "must not be empty");
    }
  }
  for (int i = 0; i < container.entrypoint_size(); ++i) {
    if (container.entrypoint(i).empty()) {
      rules.Add("container.entrypoint[" + std::to_string(i) + "]", "must not be empty");
    }
  }

  // Environment values may hold secrets by mistake: messages name keys only.
  std::set<std::string> env_keys;
  for (const auto& [key, value] : container.environment()) {
    env_keys.insert(key);
  }
  for (const std::string& key : env_keys) {
    std::string field = "container.environment." + key;
    if (!IsEnvName(key)) {
      rules.Add(field, "'" + key +
                           "' is not a valid variable name (letters, digits and '_', not starting "
                           "with a digit)");
    }
    if (container.secrets().contains(key)) {
      rules.Add(field, "'" + key + "' is also in container.secrets; define each variable once");
    }
  }
  std::set<std::string> secret_keys;
  for (const auto& [key, value] : container.secrets()) {
    secret_keys.insert(key);
  }
  for (const std::string& key : secret_keys) {
    std::string field = "container.secrets." + key;
    if (!IsEnvName(key)) {
      rules.Add(field, "'" + key +
                           "' is not a valid variable name (letters, digits and '_', not starting "
                           "with a digit)");
    }
    const std::string& arn = container.secrets().at(key);
    if (!IsSecretsManagerArn(arn) && !IsSsmParameterArn(arn)) {
      // The value is not repeated: it may be the secret itself.
      rules.Add(field,
                "must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:"
                "secret:<name>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/"
                "<name>)");
    }
  }

  if (container.has_health_check()) {
    const v1::ContainerHealthCheck& hc = container.health_check();
    if (hc.command_size() == 0) {
      rules.Add("container.health_check.command",
                "is required for a container health check, e.g. [\"CMD-SHELL\", \"curl -f "
                "http://localhost:8000/healthz/ || exit 1\"]");
    } else if (hc.command(0) != "CMD" && hc.command(0) != "CMD-SHELL") {
      rules.Add("container.health_check.command[0]", "must be CMD or CMD-SHELL (as ECS requires)");
    }
    rules.OptionalRange("container.health_check.interval_seconds", hc.interval_seconds(), 5, 300);
    rules.OptionalRange("container.health_check.timeout_seconds", hc.timeout_seconds(), 2, 60);
    rules.OptionalRange("container.health_check.retries", hc.retries(), 1, 10);
    rules.OptionalRange("container.health_check.start_period_seconds", hc.start_period_seconds(), 0,
                        300);
  }
  if (!container.working_directory().empty() && container.working_directory()[0] != '/') {
    rules.Add("container.working_directory", "must be an absolute path");
  }
  rules.OptionalRange("container.stop_timeout_seconds", container.stop_timeout_seconds(), 2, 120);
}

void ValidateLoadBalancer(const v1::AppSpec& spec, Rules& rules) {
  const v1::LoadBalancer& lb = spec.load_balancer();
  if (lb.disabled()) {
    if (!lb.certificate_arn().empty()) {
      rules.Add("load_balancer.certificate_arn",
                "has no effect when load_balancer.disabled is set; remove one of them");
    }
    return;
  }
  rules.OptionalRange("load_balancer.listener_port", lb.listener_port(), 1, 65535);
  rules.OptionalRange("load_balancer.test_listener_port", lb.test_listener_port(), 1, 65535);
  int listener = lb.listener_port() ? lb.listener_port() : 80;
  int test_listener = lb.test_listener_port() ? lb.test_listener_port() : 8080;
  if (listener == test_listener) {
    rules.Add("load_balancer.test_listener_port",
              "must differ from the listener port " + std::to_string(listener));
  }
  if (!lb.certificate_arn().empty()) {
    if (!IsAcmCertificateArn(lb.certificate_arn())) {
      rules.Add("load_balancer.certificate_arn",
                "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
    }
    if (listener == 443 || test_listener == 443) {
      rules.Add(
          listener == 443 ? "load_balancer.listener_port" : "load_balancer.test_listener_port",
          "443 is taken by the HTTPS listener that certificate_arn adds");
    }
  }
  rules.OptionalRange("load_balancer.idle_timeout_seconds", lb.idle_timeout_seconds(), 1, 4000);
  if (lb.deregistration_delay_seconds() < 0 || lb.deregistration_delay_seconds() > 3600) {
    rules.Add(
        "load_balancer.deregistration_delay_seconds",
        "must be between 0 and 3600, got " + std::to_string(lb.deregistration_delay_seconds()));
  }

  const v1::TargetHealthCheck& hc = lb.health_check();
  const std::string prefix = "load_balancer.health_check.";
  if (!hc.path().empty() &&
      (hc.path()[0] != '/' || hc.path().size() > 1024 || HasWhitespace(hc.path()))) {
    rules.Add(prefix + "path", "must start with '/' (e.g. /healthz/), without spaces");
  }
  rules.OptionalRange(prefix + "interval_seconds", hc.interval_seconds(), 5, 300);
  rules.OptionalRange(prefix + "timeout_seconds", hc.timeout_seconds(), 2, 120);
  int interval = hc.interval_seconds() ? hc.interval_seconds() : 10;
  int timeout = hc.timeout_seconds() ? hc.timeout_seconds() : 5;
  if (timeout >= interval) {
    rules.Add(prefix + "timeout_seconds", "must be less than the interval (" +
                                              std::to_string(interval) + "s), got " +
                                              std::to_string(timeout) + "s");
  }
  rules.OptionalRange(prefix + "healthy_threshold", hc.healthy_threshold(), 2, 10);
  rules.OptionalRange(prefix + "unhealthy_threshold", hc.unhealthy_threshold(), 2, 10);
  if (!hc.matcher().empty() && !IsMatcher(hc.matcher())) {
    rules.Add(prefix + "matcher",
              "must be HTTP codes from 200 to 499: \"200\", \"200-399\" or \"200,302\"");
  }
}

void ValidateScaling(const v1::AppSpec& spec, Rules& rules) {
  const v1::Scaling& scaling = spec.scaling();
  rules.NotNegative("scaling.desired_count", scaling.desired_count());
  if (!scaling.has_autoscaling()) {
    return;
  }
  const v1::AutoScaling& as = scaling.autoscaling();
  const std::string prefix = "scaling.autoscaling.";
  rules.NotNegative(prefix + "min", as.min());
  if (as.max() < 1) {
    rules.Add(prefix + "max", "is required and must be at least 1");
  }
  if (as.max() > 5000) {
    rules.Add(prefix + "max", "must be at most 5000 (tasks per ECS service)");
  }
  if (as.max() >= 1 && as.min() > as.max()) {
    rules.Add(prefix + "min", "must not exceed max (" + std::to_string(as.max()) + "), got " +
                                  std::to_string(as.min()));
  }
  if (as.target_cpu_percent() == 0 && as.target_requests_per_target() == 0) {
    rules.Add("scaling.autoscaling",
              "needs a target: set target_cpu_percent or target_requests_per_target");
  }
  rules.OptionalRange(prefix + "target_cpu_percent", as.target_cpu_percent(), 1, 100);
  rules.NotNegative(prefix + "target_requests_per_target", as.target_requests_per_target());
  if (as.target_requests_per_target() > 0 && spec.load_balancer().disabled()) {
    rules.Add(prefix + "target_requests_per_target", "needs the load balancer, which is disabled");
  }
  rules.NotNegative(prefix + "scale_in_cooldown_seconds", as.scale_in_cooldown_seconds());
  rules.NotNegative(prefix + "scale_out_cooldown_seconds", as.scale_out_cooldown_seconds());
  if (scaling.has_desired_count() && as.max() >= as.min() &&
      (scaling.desired_count() < as.min() || scaling.desired_count() > as.max())) {
    rules.Add("scaling.desired_count",
              "must be within autoscaling min..max (" + std::to_string(as.min()) + ".." +
                  std::to_string(as.max()) + "), got " + std::to_string(scaling.desired_count()));
  }
}

void ValidateMigration(const v1::AppSpec& spec, Rules& rules) {
  const v1::Migration& migration = spec.migration();
  if (migration.timeout_seconds() < 0 || migration.timeout_seconds() > 86400) {
    rules.Add("migration.timeout_seconds",
              "must be between 0 and 86400, got " + std::to_string(migration.timeout_seconds()));
  }
  if (migration.command_size() == 0 && migration.timeout_seconds() != 0) {
    rules.Add("migration.command",
              "is required when migration is configured, e.g. [\"python\", "
              "\"manage.py\", \"migrate\", \"--noinput\"]");
  }
  for (int i = 0; i < migration.command_size(); ++i) {
    if (migration.command(i).empty()) {
      rules.Add("migration.command[" + std::to_string(i) + "]", "must not be empty");
    }
  }
}

void ValidateDeployment(const v1::AppSpec& spec, Rules& rules) {
  const v1::Deployment& deployment = spec.deployment();
  v1::DeploymentStrategy strategy = deployment.strategy();
  const std::string strategy_name = v1::DeploymentStrategy_Name(strategy);
  bool rolling = strategy == v1::ROLLING || strategy == v1::DEPLOYMENT_STRATEGY_UNSPECIFIED;
  if (rolling && deployment.steps_size() > 0) {
    rules.Add("deployment.steps",
              "are used only by the BLUE_GREEN, CANARY and LINEAR strategies; remove them or "
              "change deployment.strategy");
  }
  if ((strategy == v1::CANARY || strategy == v1::LINEAR) && deployment.steps_size() == 0) {
    rules.Add("deployment.steps", "are required for " + strategy_name +
                                      ": list the traffic steps, ending at percent 100");
  }
  if (!rolling && spec.load_balancer().disabled()) {
    rules.Add("deployment.strategy", strategy_name +
                                         " shifts load balancer traffic, and the "
                                         "load balancer is disabled; use ROLLING");
  }
  int previous = 0;
  for (int i = 0; i < deployment.steps_size(); ++i) {
    const v1::TrafficStep& step = deployment.steps(i);
    std::string field = "deployment.steps[" + std::to_string(i) + "]";
    if (step.percent() < 1 || step.percent() > 100) {
      rules.Add(field + ".percent",
                "must be between 1 and 100, got " + std::to_string(step.percent()));
    } else if (step.percent() <= previous) {
      rules.Add(field + ".percent", "must be greater than the previous step's " +
                                        std::to_string(previous) + ", got " +
                                        std::to_string(step.percent()));
    }
    previous = std::max(previous, step.percent());
    rules.NotNegative(field + ".bake_seconds", step.bake_seconds());
  }
  if (deployment.steps_size() > 0 &&
      deployment.steps(deployment.steps_size() - 1).percent() != 100) {
    rules.Add("deployment.steps[" + std::to_string(deployment.steps_size() - 1) + "].percent",
              "the last step must move all traffic: percent 100");
  }
  if (deployment.minimum_healthy_percent() < 0 || deployment.minimum_healthy_percent() > 100) {
    rules.Add(
        "deployment.minimum_healthy_percent",
        "must be between 0 and 100, got " + std::to_string(deployment.minimum_healthy_percent()));
  }
  if (deployment.has_maximum_percent() && deployment.maximum_percent() < 100) {
    rules.Add("deployment.maximum_percent",
              "must be at least 100, got " + std::to_string(deployment.maximum_percent()));
  }
  // Unset means ECS's defaults; 0 is a real minimum (stop old tasks first).
  int min_healthy =
      deployment.has_minimum_healthy_percent() ? deployment.minimum_healthy_percent() : 100;
  int max_percent = deployment.has_maximum_percent() ? deployment.maximum_percent() : 200;
  if (rolling && max_percent >= 100 && min_healthy >= max_percent) {
    rules.Add("deployment.maximum_percent",
              "must be greater than minimum_healthy_percent (" + std::to_string(min_healthy) +
                  ") or a rolling deployment cannot start a new task");
  }
  rules.NotNegative("deployment.health_check_grace_period_seconds",
                    deployment.health_check_grace_period_seconds());
  rules.NotNegative("deployment.verify_seconds", deployment.verify_seconds());
}

bool NeedsLoadBalancer(v1::AlarmMetric metric) {
  return metric == v1::TARGET_5XX_COUNT || metric == v1::ELB_5XX_COUNT ||
         metric == v1::TARGET_RESPONSE_TIME || metric == v1::UNHEALTHY_HOST_COUNT;
}

void ValidateAlarms(const v1::AppSpec& spec, Rules& rules) {
  std::set<std::string> names;
  for (int i = 0; i < spec.alarms_size(); ++i) {
    const v1::Alarm& alarm = spec.alarms(i);
    std::string field = "alarms[" + std::to_string(i) + "]";
    if (!alarm.name().empty()) {
      if (!IsAlarmName(alarm.name())) {
        rules.Add(field + ".name", "must be 1-64 letters, digits, '-' or '_'");
      } else if (!names.insert(alarm.name()).second) {
        rules.Add(field + ".name", "'" + alarm.name() + "' is used by another alarm");
      }
    }
    if (alarm.metric() == v1::ALARM_METRIC_UNSPECIFIED) {
      rules.Add(field + ".metric",
                "is required: one of " + AllowedEnumNames(v1::AlarmMetric_descriptor()));
    } else if (NeedsLoadBalancer(alarm.metric()) && spec.load_balancer().disabled()) {
      rules.Add(field + ".metric", v1::AlarmMetric_Name(alarm.metric()) +
                                       " is a load balancer metric, and the load balancer is "
                                       "disabled");
    }
    if (alarm.threshold() < 0) {
      rules.Add(field + ".threshold", "must not be negative");
    }
    if ((alarm.metric() == v1::CPU_UTILIZATION || alarm.metric() == v1::MEMORY_UTILIZATION) &&
        alarm.threshold() > 100) {
      rules.Add(field + ".threshold", "is a percentage for this metric and must be at most 100");
    }
    int period = alarm.period_seconds();
    if (period != 0 && period != 10 && period != 20 && period != 30 &&
        (period < 60 || period % 60 != 0)) {
      rules.Add(
          field + ".period_seconds",
          "must be 10, 20, 30 or a multiple of 60 (CloudWatch), got " + std::to_string(period));
    }
    rules.NotNegative(field + ".evaluation_periods", alarm.evaluation_periods());
    int64_t span = static_cast<int64_t>(period ? period : 60) *
                   (alarm.evaluation_periods() ? alarm.evaluation_periods() : 1);
    if (alarm.evaluation_periods() > 0 && span > 86400) {
      rules.Add(field + ".evaluation_periods",
                "period_seconds x evaluation_periods must be at most one day (86400 s)");
    }
  }
}

void ValidateNetwork(const v1::AppSpec& spec, Rules& rules) {
  const v1::Network& network = spec.network();
  if (HasWhitespace(network.vpc())) {
    rules.Add("network.vpc", "must be a VPC id or Name tag");
  }
  auto check_subnets = [&](const google::protobuf::RepeatedPtrField<std::string>& subnets,
                           const std::string& name) {
    std::set<std::string> seen;
    for (int i = 0; i < subnets.size(); ++i) {
      std::string field = "network." + name + "[" + std::to_string(i) + "]";
      if (subnets.Get(i).empty()) {
        rules.Add(field, "must be a subnet id or Name tag");
      } else if (!seen.insert(subnets.Get(i)).second) {
        rules.Add(field, "'" + subnets.Get(i) + "' is listed twice");
      }
    }
  };
  check_subnets(network.public_subnets(), "public_subnets");
  check_subnets(network.task_subnets(), "task_subnets");
}

void ValidateRetention(const v1::AppSpec& spec, Rules& rules) {
  const v1::Retention& retention = spec.retention();
  int days = retention.log_retention_days();
  if (days != 0 && std::find(kLogRetentionDays.begin(), kLogRetentionDays.end(), days) ==
                       kLogRetentionDays.end()) {
    rules.Add("retention.log_retention_days",
              std::to_string(days) + " is not a CloudWatch Logs retention; use one of " +
                  JoinInts({kLogRetentionDays.begin(), kLogRetentionDays.end()}, " or "));
  }
  rules.OptionalRange("retention.keep_task_revisions", retention.keep_task_revisions(), 1, 1000);
  rules.OptionalRange("retention.keep_images", retention.keep_images(), 1, 1000);
}

void ValidateIam(const v1::AppSpec& spec, Rules& rules) {
  const v1::Iam& iam = spec.iam();
  for (int i = 0; i < iam.task_role_policies_size(); ++i) {
    if (!IsIamArn(iam.task_role_policies(i), "policy", true)) {
      rules.Add("iam.task_role_policies[" + std::to_string(i) + "]",
                "must be an IAM policy ARN (arn:aws:iam::aws:policy/<name> or "
                "arn:aws:iam::<account>:policy/<name>)");
    }
  }
  if (!iam.task_role_arn().empty()) {
    if (!IsIamArn(iam.task_role_arn(), "role", false)) {
      rules.Add("iam.task_role_arn",
                "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
    }
    if (iam.task_role_policies_size() > 0) {
      rules.Add("iam.task_role_policies",
                "only apply to the task role Wharf creates; with iam.task_role_arn attach them to "
                "that role yourself");
    }
  }
  if (!iam.execution_role_arn().empty() && !IsIamArn(iam.execution_role_arn(), "role", false)) {
    rules.Add("iam.execution_role_arn",
              "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
  }
}

}  // namespace

bool SpecValidator::IsValidAppName(const std::string& name) {
  v1::AppSpec spec;
  spec.set_name(name);
  const FieldMarks no_marks;
  Rules rules(no_marks);
  ValidateName(spec, rules);
  return rules.Take().empty();
}

std::vector<int> SpecValidator::ValidFargateMemory(int cpu) {
  struct Range {
    int cpu, first, last, step;
  };
  // AWS Fargate task sizes (Linux).
  static constexpr Range kRanges[] = {
      {512, 1024, 4096, 1024},   {1024, 2048, 8192, 1024},   {2048, 4096, 16384, 1024},
      {4096, 8192, 30720, 1024}, {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192},
  };
  if (cpu == 256) {
    return {512, 1024, 2048};
  }
  for (const Range& r : kRanges) {
    if (r.cpu != cpu) {
      continue;
    }
    std::vector<int> memory;
    for (int m = r.first; m <= r.last; m += r.step) {
      memory.push_back(m);
    }
    return memory;
  }
  return {};
}

std::string SpecValidator::DescribeFargateMemory(int cpu) {
  std::vector<int> memory = ValidFargateMemory(cpu);
  if (memory.size() <= 4) {
    return JoinInts(memory, " or ");
  }
  return std::to_string(memory.front()) + " to " + std::to_string(memory.back()) + " in steps of " +
         std::to_string(memory[1] - memory[0]);
}

std::vector<v1::SpecError> SpecValidator::Validate(const v1::AppSpec& spec,
                                                   const FieldMarks& marks) const {
  Rules rules(marks);
  ValidateName(spec, rules);
  ValidateTop(spec, rules);
  ValidateImage(spec, rules);
  ValidateCompute(spec, rules);
  ValidateContainer(spec, rules);
  ValidateLoadBalancer(spec, rules);
  ValidateScaling(spec, rules);
  ValidateMigration(spec, rules);
  ValidateDeployment(spec, rules);
  ValidateAlarms(spec, rules);
  ValidateNetwork(spec, rules);
  ValidateRetention(spec, rules);
  ValidateIam(spec, rules);
  return rules.Take();
}

}  // namespace wharf::spec
