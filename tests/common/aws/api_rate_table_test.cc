#include "common/aws/api_rate_table.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/run_command.h"

namespace wharf::aws {
namespace {

using Buckets = std::vector<RateBucket>;

}  // namespace

void PrintTo(const RateBucket& b, std::ostream* os) {
  *os << b.name << " " << b.limit.burst << "/" << b.limit.per_second;
}

namespace {

TEST(ApiRateTableTest, AwsPublishedRates) {
  struct Case {
    const char* service;
    const char* operation;
    Buckets want;
  };
  const Case cases[] = {
      {"ecs", "RegisterTaskDefinition", {{"task-definition-modify", {20, 1}}}},
      {"ecs", "DescribeServices", {{"service-read", {100, 20}}}},
      {"ecs", "CreateService", {{"service-modify", {50, 5}}}},
      {"ecs", "UpdateService", {{"service-modify", {50, 5}}}},
      {"ecs", "DescribeClusters", {{"cluster-read", {50, 20}}}},
      {"ecs", "ListClusters", {{"cluster-read", {50, 20}}}},
      {"ecs", "RunTask", {{"cluster-resource-modify", {100, 40}}, {"fargate-run-task", {20, 20}}}},
      {"ecs", "DescribeTasks", {{"cluster-resource-read", {100, 20}}}},
      {"ecs", "TagResource", {{"tag-modify", {20, 10}}}},
      {"ecs", "CreateTaskSet", {{"CreateTaskSet", {50, 20}}}},  // not on the page: default
      {"ec2", "DescribeVpcs", {{"DescribeVpcs", {100, 20}}}},
      {"ec2", "DescribeSecurityGroupRules", {{"DescribeSecurityGroupRules", {100, 20}}}},
      {"ec2", "CreateSecurityGroup", {{"CreateSecurityGroup", {50, 5}}}},
      {"ec2", "AuthorizeSecurityGroupIngress", {{"AuthorizeSecurityGroupIngress", {50, 5}}}},
      {"ec2", "CreateTags", {{"CreateTags", {100, 10}}}},
      {"ec2", "RunInstances", {{"RunInstances", {5, 2}}}},
      {"elasticloadbalancing",
       "DescribeTargetHealth",
       {{"account", {40, 10}}, {"non-mutating", {40, 10}}}},
      {"elasticloadbalancing", "ModifyListener", {{"account", {40, 10}}, {"mutating", {20, 3}}}},
      {"elasticloadbalancing",
       "RegisterTargets",
       {{"account", {40, 10}}, {"registration", {20, 4}}}},
      {"elasticloadbalancing",
       "CreateLoadBalancer",
       {{"account", {40, 10}}, {"resource-intensive", {10, 0.2}}}},
      {"iam", "CreateRole", {{"CreateRole", {50, 20}}}},
      {"sts", "GetCallerIdentity", {{"GetCallerIdentity", {50, 20}}}},
      {"logs", "FilterLogEvents", {{"FilterLogEvents", {50, 20}}}},
  };
  ApiRateTable table;
  for (const Case& c : cases) {
    EXPECT_EQ(table.BucketsFor(c.service, c.operation), c.want) << c.service << " " << c.operation;
  }
}

TEST(ApiRateTableTest, DefaultAndOverrides) {
  ApiRateTable table(RateLimit{10, 2});
  table.Override("ecs", "service-read", {1000, 200});
  table.Override("elasticloadbalancing", "account", {80, 20});
  EXPECT_EQ(table.BucketsFor("sts", "GetCallerIdentity"),
            (Buckets{{"GetCallerIdentity", {10, 2}}}));
  EXPECT_EQ(table.BucketsFor("ecs", "ListServices"), (Buckets{{"service-read", {1000, 200}}}));
  EXPECT_EQ(table.BucketsFor("ecs", "UpdateService"), (Buckets{{"service-modify", {50, 5}}}));
  EXPECT_EQ(table.BucketsFor("elasticloadbalancing", "DescribeRules"),
            (Buckets{{"account", {80, 20}}, {"non-mutating", {40, 10}}}));
}

// The local cloud enforces the same table (localcloud/ratelimits.py): every
// operation it names, and those Wharf calls, map to the same buckets in both,
// so a client within its own limits is never throttled by the rate mode.
TEST(ApiRateTableTest, AgreesWithTheLocalCloud) {
  const std::string script = R"PY(
import json, sys
sys.path.insert(0, sys.argv[1])
from localcloud import ratelimits as r
ops = {("ecs", op) for _, (_, o) in r.ECS_CATEGORIES.items() for op in o}
ops |= {("ec2", op) for op in r.EC2_UNCATEGORIZED} | {("ec2", op) for op in r.EC2_RESOURCE_INTENSIVE_ACTIONS}
ops |= {("elasticloadbalancing", op) for _, (_, o) in r.ELB_CATEGORIES.items() for op in o}
wharf = {
  "ecs": ["CreateTaskSet", "UpdateTaskSet", "DeleteTaskSet", "DescribeTaskSets", "UpdateServicePrimaryTaskSet"],
  "ec2": ["DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "DescribeSecurityGroupRules",
          "CreateSecurityGroup", "DeleteSecurityGroup", "GetConsoleOutput", "SearchLocalGatewayRoutes",
          "ListImagesInRecycleBin", "ModifyInstanceAttribute"],
  "elasticloadbalancing": ["DescribeLoadBalancers", "DeleteLoadBalancer", "CreateTargetGroup",
          "ModifyTargetGroup", "DescribeTargetHealth", "CreateListener", "CreateRule", "AddTags"],
  "ecr": ["CreateRepository", "DescribeImages"], "logs": ["CreateLogGroup", "GetLogEvents"],
  "iam": ["CreateRole", "AttachRolePolicy"], "monitoring": ["PutMetricAlarm"], "sts": ["GetCallerIdentity"],
  "application-autoscaling": ["PutScalingPolicy"], "secretsmanager": ["DescribeSecret"], "ssm": ["GetParameter"],
}
ops |= {(s, op) for s, o in wharf.items() for op in o}
print(json.dumps([[s, op, [[n, l.capacity, l.refill_per_s] for n, l in r.limits_for(s, op)]]
                  for s, op in sorted(ops)]))
)PY";
  auto ran = test_support::RunCommand("python3 -c " + test_support::ShellQuote(script) + " " +
                                      test_support::ShellQuote(WHARF_TEST_SOURCE_DIR) + " 2>&1");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  auto cases = nlohmann::json::parse(ran.output, nullptr, false);
  ASSERT_TRUE(cases.is_array()) << ran.output;
  ASSERT_GT(cases.size(), 100u);
  ApiRateTable table;
  for (const auto& c : cases) {
    const std::string service = c[0];
    const std::string operation = c[1];
    Buckets want;
    for (const auto& b : c[2]) want.push_back({b[0], {b[1].get<double>(), b[2].get<double>()}});
    EXPECT_EQ(table.BucketsFor(service, operation), want) << service << " " << operation;
  }
}

}  // namespace
}  // namespace wharf::aws
