#include "common/spec/spec_validator.h"

#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wharf::spec {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The smallest valid web app.
v1::AppSpec ValidSpec() {
  v1::AppSpec spec;
  spec.set_name("web");
  spec.mutable_image()->set_repository("web");
  spec.mutable_image()->set_tag("1.0");
  spec.mutable_compute()->set_cpu(512);
  spec.mutable_compute()->set_memory(1024);
  spec.mutable_container()->set_port(8000);
  return spec;
}

std::string Describe(const std::vector<v1::SpecError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field() + ": " + e.message() + "\n";
  return out;
}

TEST(SpecValidatorTest, MinimalSpecIsValid) {
  EXPECT_THAT(Describe(SpecValidator().Validate(ValidSpec())), IsEmpty());
}

struct RuleCase {
  const char* name;
  std::function<void(v1::AppSpec&)> mutate;
  std::string field;
  const char* message_has;
};

class SpecValidatorRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(SpecValidatorRuleTest, ReportsTheField) {
  const RuleCase& c = GetParam();
  v1::AppSpec spec = ValidSpec();
  c.mutate(spec);
  std::vector<v1::SpecError> errors = SpecValidator().Validate(spec);
  ASSERT_FALSE(errors.empty()) << "expected an error on " << c.field;
  bool found = false;
  for (const auto& e : errors) {
    if (e.field() == c.field && e.message().find(c.message_has) != std::string::npos) found = true;
  }
  EXPECT_TRUE(found) << "want " << c.field << ": ..." << c.message_has << "...\ngot:\n"
                     << Describe(errors);
}

const std::string kSm = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

INSTANTIATE_TEST_SUITE_P(
    Rules, SpecValidatorRuleTest,
    ::testing::Values(
        RuleCase{"NameRequired", [](auto& s) { s.clear_name(); }, "name", "is required"},
        RuleCase{"NameTooLong", [](auto& s) { s.set_name(std::string(33, 'a')); }, "name",
                 "at most 32 characters"},
        RuleCase{"NameStartsWithDigit", [](auto& s) { s.set_name("9web"); }, "name",
                 "lower-case letter"},
        RuleCase{"NameUpperCase", [](auto& s) { s.set_name("Web"); }, "name", "lower-case"},
        RuleCase{"NameUnderscore", [](auto& s) { s.set_name("my_app"); }, "name", "lower-case"},
        RuleCase{"NameTrailingDash", [](auto& s) { s.set_name("web-"); }, "name",
                 "must not end with '-'"},
        RuleCase{"NameDoubleDash", [](auto& s) { s.set_name("a--b"); }, "name",
                 "must not contain '--'"},
        RuleCase{"ImageRequired", [](auto& s) { s.clear_image(); }, "image", "is required"},
        RuleCase{"RepositoryRequired", [](auto& s) { s.mutable_image()->clear_repository(); },
                 "image.repository", "is required"},
        RuleCase{"ExternalNeedsUri", [](auto& s) {
                   s.mutable_image()->clear_repository();
                   s.mutable_image()->set_external(true);
                 },
                 "image.uri", "is required when image.external"},
        RuleCase{"BadDigest", [](auto& s) { s.mutable_image()->set_digest("sha256:abc"); },
                 "image.digest", "sha256:<64"},
        RuleCase{"BadRepository", [](auto& s) { s.mutable_image()->set_repository("Web App"); },
                 "image.repository", "ECR repository name"},
        RuleCase{"CpuRequired", [](auto& s) { s.mutable_compute()->clear_cpu(); }, "compute.cpu",
                 "is required"},
        RuleCase{"MemoryRequired", [](auto& s) { s.clear_compute(); }, "compute.memory",
                 "is required"},
        RuleCase{"CpuNotFargate", [](auto& s) { s.mutable_compute()->set_cpu(300); },
                 "compute.cpu", "256, 512, 1024, 2048, 4096, 8192 or 16384"},
        RuleCase{"MemoryNotForCpu", [](auto& s) { s.mutable_compute()->set_memory(3000); },
                 "compute.memory", "3000 MiB is not valid with cpu 512; use 1024, 2048, 3072 or 4096"},
        RuleCase{"MemoryRangeDescribed", [](auto& s) {
                   s.mutable_compute()->set_cpu(4096);
                   s.mutable_compute()->set_memory(4096);
                 },
                 "compute.memory", "8192 to 30720 in steps of 1024"},
        RuleCase{"EphemeralStorage",
                 [](auto& s) { s.mutable_compute()->set_ephemeral_storage_gib(10); },
                 "compute.ephemeral_storage_gib", "between 21 and 200"},
        RuleCase{"PortRequired", [](auto& s) { s.mutable_container()->clear_port(); },
                 "container.port", "is required"},
        RuleCase{"PortRange", [](auto& s) { s.mutable_container()->set_port(70000); },
                 "container.port", "between 1 and 65535"},
        RuleCase{"NegativePort", [](auto& s) { s.mutable_container()->set_port(-1); },
                 "container.port", "between 1 and 65535"},
        RuleCase{"SecretNotArn",
                 [](auto& s) { (*s.mutable_container()->mutable_secrets())["DB"] = "hunter2"; },
                 "container.secrets.DB", "Secrets Manager secret ARN"},
        RuleCase{"SecretWrongService",
                 [](auto& s) {
                   (*s.mutable_container()->mutable_secrets())["DB"] =
                       "arn:aws:s3:::bucket/key";
                 },
                 "container.secrets.DB", "SSM parameter ARN"},
        RuleCase{"SecretBadAccount",
                 [](auto& s) {
                   (*s.mutable_container()->mutable_secrets())["DB"] =
                       "arn:aws:secretsmanager:us-east-1:1234:secret:db";
                 },
                 "container.secrets.DB", "ARN"},
        RuleCase{"SecretKeyName",
                 [](auto& s) { (*s.mutable_container()->mutable_secrets())["1DB"] = kSm + "db"; },
                 "container.secrets.1DB", "not a valid variable name"},
        RuleCase{"EnvKeyName",
                 [](auto& s) { (*s.mutable_container()->mutable_environment())["MY-VAR"] = "x"; },
                 "container.environment.MY-VAR", "not a valid variable name"},
        RuleCase{"EnvAlsoSecret",
                 [](auto& s) {
                   (*s.mutable_container()->mutable_environment())["DB"] = "x";
                   (*s.mutable_container()->mutable_secrets())["DB"] = kSm + "db";
                 },
                 "container.environment.DB", "also in container.secrets"},
        RuleCase{"HealthCheckCommand",
                 [](auto& s) {
                   s.mutable_container()->mutable_health_check()->add_command("curl");
                 },
                 "container.health_check.command[0]", "CMD or CMD-SHELL"},
        RuleCase{"StopTimeout",
                 [](auto& s) { s.mutable_container()->set_stop_timeout_seconds(300); },
                 "container.stop_timeout_seconds", "between 2 and 120"},
        RuleCase{"HealthPath",
                 [](auto& s) {
                   s.mutable_load_balancer()->mutable_health_check()->set_path("healthz");
                 },
                 "load_balancer.health_check.path", "must start with '/'"},
        RuleCase{"HealthTimeoutBelowInterval",
                 [](auto& s) {
                   s.mutable_load_balancer()->mutable_health_check()->set_interval_seconds(5);
                   s.mutable_load_balancer()->mutable_health_check()->set_timeout_seconds(5);
                 },
                 "load_balancer.health_check.timeout_seconds", "less than the interval"},
        RuleCase{"Matcher",
                 [](auto& s) {
                   s.mutable_load_balancer()->mutable_health_check()->set_matcher("ok");
                 },
                 "load_balancer.health_check.matcher", "HTTP codes"},
        RuleCase{"CertificateArn",
                 [](auto& s) {
                   s.mutable_load_balancer()->set_certificate_arn(
                       "arn:aws:iam::123456789012:server-certificate/x");
                 },
                 "load_balancer.certificate_arn", "ACM certificate ARN"},
        RuleCase{"ListenerPort", [](auto& s) { s.mutable_load_balancer()->set_listener_port(0x10000); },
                 "load_balancer.listener_port", "between 1 and 65535"},
        RuleCase{"TestListenerClash",
                 [](auto& s) { s.mutable_load_balancer()->set_test_listener_port(80); },
                 "load_balancer.test_listener_port", "must differ"},
        RuleCase{"AutoscalingMinAboveMax",
                 [](auto& s) {
                   auto* as = s.mutable_scaling()->mutable_autoscaling();
                   as->set_min(5);
                   as->set_max(2);
                   as->set_target_cpu_percent(60);
                 },
                 "scaling.autoscaling.min", "must not exceed max (2)"},
        RuleCase{"AutoscalingNeedsTarget",
                 [](auto& s) {
                   auto* as = s.mutable_scaling()->mutable_autoscaling();
                   as->set_min(1);
                   as->set_max(2);
                 },
                 "scaling.autoscaling", "needs a target"},
        RuleCase{"DesiredOutsideAutoscaling",
                 [](auto& s) {
                   s.mutable_scaling()->set_desired_count(9);
                   auto* as = s.mutable_scaling()->mutable_autoscaling();
                   as->set_min(2);
                   as->set_max(6);
                   as->set_target_cpu_percent(60);
                 },
                 "scaling.desired_count", "within autoscaling min..max (2..6)"},
        RuleCase{"NegativeDesired", [](auto& s) { s.mutable_scaling()->set_desired_count(-1); },
                 "scaling.desired_count", "must not be negative"},
        RuleCase{"CanaryNeedsSteps",
                 [](auto& s) { s.mutable_deployment()->set_strategy(v1::CANARY); },
                 "deployment.steps", "are required for CANARY"},
        RuleCase{"StepsNotIncreasing",
                 [](auto& s) {
                   auto* d = s.mutable_deployment();
                   d->set_strategy(v1::LINEAR);
                   d->add_steps()->set_percent(50);
                   d->add_steps()->set_percent(20);
                   d->add_steps()->set_percent(100);
                 },
                 "deployment.steps[1].percent", "greater than the previous step's 50"},
        RuleCase{"StepsEndAt100",
                 [](auto& s) {
                   auto* d = s.mutable_deployment();
                   d->set_strategy(v1::CANARY);
                   d->add_steps()->set_percent(10);
                   d->add_steps()->set_percent(90);
                 },
                 "deployment.steps[1].percent", "percent 100"},
        RuleCase{"StepsWithRolling",
                 [](auto& s) { s.mutable_deployment()->add_steps()->set_percent(100); },
                 "deployment.steps", "only by the BLUE_GREEN, CANARY and LINEAR"},
        RuleCase{"MinHealthyRange",
                 [](auto& s) { s.mutable_deployment()->set_minimum_healthy_percent(150); },
                 "deployment.minimum_healthy_percent", "between 0 and 100"},
        RuleCase{"MigrationWithoutCommand",
                 [](auto& s) { s.mutable_migration()->set_timeout_seconds(60); },
                 "migration.command", "is required"},
        RuleCase{"AlarmMetricRequired", [](auto& s) { s.add_alarms()->set_threshold(1); },
                 "alarms[0].metric", "is required: one of TARGET_5XX_COUNT"},
        RuleCase{"AlarmPeriod",
                 [](auto& s) {
                   auto* a = s.add_alarms();
                   a->set_metric(v1::TARGET_5XX_COUNT);
                   a->set_period_seconds(45);
                 },
                 "alarms[0].period_seconds", "multiple of 60"},
        RuleCase{"AlarmNeedsLoadBalancer",
                 [](auto& s) {
                   s.mutable_load_balancer()->set_disabled(true);
                   s.add_alarms()->set_metric(v1::TARGET_5XX_COUNT);
                 },
                 "alarms[0].metric", "load balancer is disabled"},
        RuleCase{"AlarmNamesUnique",
                 [](auto& s) {
                   for (int i = 0; i < 2; ++i) {
                     auto* a = s.add_alarms();
                     a->set_name("errors");
                     a->set_metric(v1::TARGET_5XX_COUNT);
                   }
                 },
                 "alarms[1].name", "used by another alarm"},
        RuleCase{"LogRetention",
                 [](auto& s) { s.mutable_retention()->set_log_retention_days(45); },
                 "retention.log_retention_days", "45 is not a CloudWatch Logs retention"},
        RuleCase{"TagKeyTooLong",
                 [](auto& s) { (*s.mutable_tags())[std::string(129, 'k')] = "v"; },
                 "tags." + std::string(129, 'k'), "1-128 characters"},
        RuleCase{"TagValueTooLong", [](auto& s) { (*s.mutable_tags())["team"] = std::string(257, 'v'); },
                 "tags.team", "at most 256"},
        RuleCase{"TagReservedPrefix", [](auto& s) { (*s.mutable_tags())["aws:owner"] = "me"; },
                 "tags.aws:owner", "reserved"},
        RuleCase{"TagCharacters", [](auto& s) { (*s.mutable_tags())["team"] = "web;rm"; },
                 "tags.team", "letters, digits"},
        RuleCase{"ApiVersion", [](auto& s) { s.set_api_version("wharf/v2"); }, "api_version",
                 "wharf/v1"},
        RuleCase{"TaskRoleArn", [](auto& s) { s.mutable_iam()->set_task_role_arn("role/x"); },
                 "iam.task_role_arn", "IAM role ARN"},
        RuleCase{"PolicyArn",
                 [](auto& s) { s.mutable_iam()->add_task_role_policies("AmazonS3ReadOnlyAccess"); },
                 "iam.task_role_policies[0]", "IAM policy ARN"},
        RuleCase{"DuplicateSubnet",
                 [](auto& s) {
                   s.mutable_network()->add_public_subnets("subnet-1");
                   s.mutable_network()->add_public_subnets("subnet-1");
                 },
                 "network.public_subnets[1]", "listed twice"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

TEST(SpecValidatorTest, AcceptsEdgeValues) {
  const std::vector<std::function<void(v1::AppSpec&)>> valid = {
      [](auto& s) { s.set_name(std::string(32, 'a')); },
      [](auto& s) { s.set_name("a"); },
      [](auto& s) { s.set_name("web-2-api"); },
      [](auto& s) {
        s.mutable_container()->clear_port();
        s.mutable_load_balancer()->set_disabled(true);
      },
      [](auto& s) {
        s.mutable_image()->clear_repository();
        s.mutable_image()->set_external(true);
        s.mutable_image()->set_uri("public.ecr.aws/nginx/nginx:1.27");
      },
      [](auto& s) { s.mutable_image()->set_digest("sha256:" + std::string(64, 'a')); },
      [](auto& s) {
        auto& secrets = *s.mutable_container()->mutable_secrets();
        secrets["A"] = kSm + "db-AbCdEf";
        secrets["B"] = kSm + "db-AbCdEf:password::";  // a JSON key of the secret
        secrets["C"] = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db_url";
        secrets["D"] = "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/x";
      },
      [](auto& s) {
        auto* d = s.mutable_deployment();
        d->set_strategy(v1::LINEAR);
        for (int p : {25, 50, 75, 100}) d->add_steps()->set_percent(p);
      },
      [](auto& s) { s.mutable_deployment()->set_strategy(v1::BLUE_GREEN); },
      [](auto& s) {
        s.mutable_load_balancer()->mutable_health_check()->set_matcher("200-399,404");
      },
      [](auto& s) {
        s.mutable_load_balancer()->set_certificate_arn(
            "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789");
      },
      [](auto& s) { s.mutable_retention()->set_log_retention_days(3653); },
      [](auto& s) { (*s.mutable_tags())["team"] = "web platform/é"; },
      [](auto& s) {
        s.mutable_iam()->add_task_role_policies("arn:aws:iam::aws:policy/ReadOnlyAccess");
      },
      [](auto& s) {
        s.mutable_iam()->set_task_role_arn("arn:aws:iam::123456789012:role/service/web-task");
      },
      [](auto& s) { s.mutable_image()->set_repository("team/web_app-2.api"); },
      [](auto& s) { s.mutable_image()->set_tag("_build.42-rc1"); },
      [](auto& s) {
        s.mutable_load_balancer()->set_certificate_arn(
            "arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc-123");
      },
  };
  for (size_t i = 0; i < valid.size(); ++i) {
    v1::AppSpec spec = ValidSpec();
    valid[i](spec);
    EXPECT_THAT(Describe(SpecValidator().Validate(spec)), IsEmpty()) << "case " << i;
  }
}

TEST(SpecValidatorTest, RejectsMalformedIdentifiers) {
  const std::vector<std::pair<std::string, std::function<void(v1::AppSpec&)>>> invalid = {
      {"image.repository", [](auto& s) { s.mutable_image()->set_repository("a//b"); }},
      {"image.repository", [](auto& s) { s.mutable_image()->set_repository("-ab"); }},
      {"image.repository", [](auto& s) { s.mutable_image()->set_repository("ab-"); }},
      {"image.repository", [](auto& s) { s.mutable_image()->set_repository("a..b"); }},
      {"image.repository", [](auto& s) { s.mutable_image()->set_repository("a"); }},
      {"image.tag", [](auto& s) { s.mutable_image()->set_tag("-rc1"); }},
      {"image.tag", [](auto& s) { s.mutable_image()->set_tag(std::string(129, 't')); }},
      {"image.digest",
       [](auto& s) { s.mutable_image()->set_digest("sha256:" + std::string(64, 'A')); }},
      {"load_balancer.health_check.matcher",
       [](auto& s) { s.mutable_load_balancer()->mutable_health_check()->set_matcher("200-199"); }},
      {"load_balancer.health_check.matcher",
       [](auto& s) { s.mutable_load_balancer()->mutable_health_check()->set_matcher("100"); }},
      {"load_balancer.health_check.matcher",
       [](auto& s) { s.mutable_load_balancer()->mutable_health_check()->set_matcher("200,"); }},
      {"iam.execution_role_arn",
       [](auto& s) { s.mutable_iam()->set_execution_role_arn("arn:aws:iam::aws:role/x"); }},
      {"iam.task_role_policies[0]",
       [](auto& s) {
         s.mutable_iam()->add_task_role_policies("arn:aws:iam::123456789012:role/x");
       }},
  };
  const std::string bad_secrets[] = {
      kSm,                                                      // no name
      kSm + "db:extra",                                         // half a JSON-key suffix
      "arn:aws:secretsmanager:useast1:123456789012:secret:db",  // region
      "arn:aws:secretsmanager:us-east-1:123456789012:parameter/db",
      "arn:aws:ssm:us-east-1:123456789012:secret:db",
      "arn:aws:ssm:us-east-1:123456789012:parameter/",
      "arn:azure:ssm:us-east-1:123456789012:parameter/db",
      "aws:ssm:us-east-1:123456789012:parameter/db",
      std::string(5000, ':'),
  };
  for (const auto& [field, mutate] : invalid) {
    v1::AppSpec spec = ValidSpec();
    mutate(spec);
    std::vector<v1::SpecError> errors = SpecValidator().Validate(spec);
    ASSERT_EQ(errors.size(), 1u) << field << "\n" << Describe(errors);
    EXPECT_EQ(errors[0].field(), field);
  }
  for (const std::string& arn : bad_secrets) {
    v1::AppSpec spec = ValidSpec();
    (*spec.mutable_container()->mutable_secrets())["S"] = arn;
    std::vector<v1::SpecError> errors = SpecValidator().Validate(spec);
    ASSERT_EQ(errors.size(), 1u) << arn;
    EXPECT_EQ(errors[0].field(), "container.secrets.S");
  }
}

TEST(SpecValidatorTest, FargatePairsMatchAws) {
  struct Pair {
    int cpu;
    int memory;
    bool valid;
  };
  const Pair pairs[] = {
      {256, 512, true},     {256, 1024, true},     {256, 2048, true},     {256, 3072, false},
      {256, 4096, false},   {512, 1024, true},     {512, 4096, true},     {512, 512, false},
      {512, 5120, false},   {1024, 2048, true},    {1024, 8192, true},    {1024, 1024, false},
      {2048, 4096, true},   {2048, 16384, true},   {2048, 17408, false},  {4096, 8192, true},
      {4096, 30720, true},  {4096, 31744, false},  {8192, 16384, true},   {8192, 20480, true},
      {8192, 61440, true},  {8192, 17408, false},  {8192, 65536, false},  {16384, 32768, true},
      {16384, 40960, true}, {16384, 122880, true}, {16384, 36864, false}, {16384, 131072, false},
      {128, 512, false},    {32768, 65536, false},
  };
  for (const Pair& p : pairs) {
    v1::AppSpec spec = ValidSpec();
    spec.mutable_compute()->set_cpu(p.cpu);
    spec.mutable_compute()->set_memory(p.memory);
    EXPECT_EQ(SpecValidator().Validate(spec).empty(), p.valid) << p.cpu << "/" << p.memory;
  }
  EXPECT_EQ(SpecValidator::ValidFargateMemory(8192).size(), 12u);
  EXPECT_EQ(SpecValidator::DescribeFargateMemory(16384), "32768 to 122880 in steps of 8192");
  EXPECT_EQ(SpecValidator::DescribeFargateMemory(256), "512, 1024 or 2048");
}

TEST(SpecValidatorTest, ErrorsCarryTheNearestMark) {
  FieldMarks marks;
  marks["compute"] = {4, 1};
  marks["compute.memory"] = {6, 3};
  marks["container"] = {8, 1};
  v1::AppSpec spec = ValidSpec();
  spec.mutable_compute()->set_memory(3000);
  spec.mutable_container()->set_port(70000);
  std::vector<v1::SpecError> errors = SpecValidator().Validate(spec, marks);
  ASSERT_EQ(errors.size(), 2u) << Describe(errors);
  EXPECT_EQ(errors[0].field(), "compute.memory");
  EXPECT_EQ(errors[0].line(), 6);
  EXPECT_EQ(errors[0].column(), 3);
  EXPECT_EQ(errors[1].field(), "container.port");
  EXPECT_EQ(errors[1].line(), 8);  // its parent's mark
  EXPECT_EQ(errors[1].column(), 1);
}

TEST(SpecValidatorTest, SecretAndEnvironmentValuesAreNeverInErrors) {
  v1::AppSpec spec = ValidSpec();
  (*spec.mutable_container()->mutable_secrets())["API_KEY"] = "sk-live-TOPSECRET";
  (*spec.mutable_container()->mutable_environment())["API_KEY"] = "sk-live-ALSOSECRET";
  (*spec.mutable_container()->mutable_environment())["BAD-NAME"] = "sk-live-THIRDSECRET";
  std::vector<v1::SpecError> errors = SpecValidator().Validate(spec);
  EXPECT_EQ(errors.size(), 3u) << Describe(errors);
  EXPECT_THAT(Describe(errors), Not(HasSubstr("sk-live")));
}

}  // namespace
}  // namespace wharf::spec
