#include "common/aws/endpoint_resolver.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace wharf::aws {
namespace {

struct EndpointCase {
  std::string name;
  std::map<std::string, std::string> env;
  std::string explicit_url;
  const AwsService* service;
  std::string region;
  std::string want_url;  // empty: want an error
  std::string want_signing_region;
  std::string want_source;
};

TEST(EndpointResolverTest, Table) {
  const std::vector<EndpointCase> cases = {
      {"default_regional",
       {},
       "",
       &services::kEcs,
       "eu-west-1",
       "https://ecs.eu-west-1.amazonaws.com",
       "eu-west-1",
       "default"},
      {"default_ecr_prefix",
       {},
       "",
       &services::kEcr,
       "us-east-2",
       "https://api.ecr.us-east-2.amazonaws.com",
       "us-east-2",
       "default"},
      {"default_cloudwatch_prefix",
       {},
       "",
       &services::kCloudWatch,
       "us-east-1",
       "https://monitoring.us-east-1.amazonaws.com",
       "us-east-1",
       "default"},
      {"default_elbv2",
       {},
       "",
       &services::kElbv2,
       "ap-south-1",
       "https://elasticloadbalancing.ap-south-1.amazonaws.com",
       "ap-south-1",
       "default"},
      {"iam_global",
       {},
       "",
       &services::kIam,
       "eu-west-1",
       "https://iam.amazonaws.com",
       "us-east-1",
       "default"},
      {"explicit_override",
       {},
       "http://127.0.0.1:4566",
       &services::kEcs,
       "us-east-1",
       "http://127.0.0.1:4566",
       "us-east-1",
       "config"},
      {"global_env_beats_explicit",
       {{"AWS_ENDPOINT_URL", "http://localhost:5000/"}},
       "http://127.0.0.1:4566",
       &services::kEcs,
       "us-east-1",
       "http://localhost:5000",
       "us-east-1",
       "AWS_ENDPOINT_URL"},
      {"service_env_beats_global",
       {{"AWS_ENDPOINT_URL", "http://localhost:5000"},
        {"AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:6000"}},
       "",
       &services::kEcs,
       "us-east-1",
       "http://127.0.0.1:6000",
       "us-east-1",
       "AWS_ENDPOINT_URL_ECS"},
      {"service_env_other_service_ignored",
       {{"AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:6000"}},
       "",
       &services::kSts,
       "us-east-1",
       "https://sts.us-east-1.amazonaws.com",
       "us-east-1",
       "default"},
      {"service_id_with_spaces",
       {{"AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://127.0.0.1:7000"}},
       "",
       &services::kElbv2,
       "us-east-1",
       "http://127.0.0.1:7000",
       "us-east-1",
       "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2"},
      {"cloudwatch_logs_var",
       {{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:7001"}},
       "",
       &services::kLogs,
       "us-east-1",
       "http://127.0.0.1:7001",
       "us-east-1",
       "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"},
      {"iam_override_still_signs_us_east_1",
       {{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"}},
       "",
       &services::kIam,
       "eu-west-1",
       "http://127.0.0.1:5000",
       "us-east-1",
       "AWS_ENDPOINT_URL"},
      {"ignore_configured_endpoints",
       {{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"},
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
       "",
       &services::kEcs,
       "us-east-1",
       "https://ecs.us-east-1.amazonaws.com",
       "us-east-1",
       "default"},
      {"empty_env_value_ignored",
       {{"AWS_ENDPOINT_URL_ECS", ""}},
       "",
       &services::kEcs,
       "us-east-1",
       "https://ecs.us-east-1.amazonaws.com",
       "us-east-1",
       "default"},
      {"default_https_port_dropped",
       {},
       "https://ecs.example.com:443",
       &services::kEcs,
       "us-east-1",
       "https://ecs.example.com",
       "us-east-1",
       "config"},
      {"bad_scheme",
       {{"AWS_ENDPOINT_URL", "ftp://x"}},
       "",
       &services::kEcs,
       "us-east-1",
       "",
       "",
       ""},
      {"bad_port",
       {{"AWS_ENDPOINT_URL", "http://x:99999"}},
       "",
       &services::kEcs,
       "us-east-1",
       "",
       "",
       ""},
      {"path_not_supported",
       {{"AWS_ENDPOINT_URL", "http://x:1/prefix"}},
       "",
       &services::kEcs,
       "us-east-1",
       "",
       "",
       ""},
      {"missing_region", {}, "", &services::kEcs, "", "", "", ""},
  };
  for (const EndpointCase& c : cases) {
    SCOPED_TRACE(c.name);
    EndpointResolver resolver(Environment::FromMap(c.env), c.explicit_url);
    auto resolved = resolver.Resolve(*c.service, c.region);
    if (c.want_url.empty()) {
      EXPECT_FALSE(resolved.ok());
      continue;
    }
    ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
    EXPECT_EQ(resolved->url.ToString(), c.want_url);
    EXPECT_EQ(resolved->signing_region, c.want_signing_region);
    EXPECT_EQ(resolved->signing_name, c.service->signing_name);
    EXPECT_EQ(resolved->source, c.want_source);
  }
}

TEST(EndpointResolverTest, ServiceEnvVarNames) {
  EXPECT_EQ(EndpointResolver::ServiceEnvVar(services::kEcs), "AWS_ENDPOINT_URL_ECS");
  EXPECT_EQ(EndpointResolver::ServiceEnvVar(services::kApplicationAutoScaling),
            "AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING");
  EXPECT_EQ(EndpointResolver::ServiceEnvVar(services::kSecretsManager),
            "AWS_ENDPOINT_URL_SECRETS_MANAGER");
  EXPECT_EQ(EndpointResolver::ServiceEnvVar(services::kCloudWatch), "AWS_ENDPOINT_URL_CLOUDWATCH");
}

}  // namespace
}  // namespace wharf::aws
