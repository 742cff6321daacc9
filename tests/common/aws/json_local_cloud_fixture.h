#pragma once

// The fixture for tests of the JSON services' typed clients (ECS, ECR, Logs,
// Application Auto Scaling, Secrets Manager, SSM) against the local cloud:
// LocalCloudClientTest plus the default VPC's subnets, which Fargate tasks need.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/local_cloud_client_fixture.h"

namespace wharf::aws::test {

class JsonLocalCloudTest : public LocalCloudClientTest {
 protected:
  // The subnet ids of the region's default VPC, sorted (EC2 DescribeSubnets
  // over the Query protocol, read here with pugixml to keep these tests
  // independent of the EC2 client).
  std::vector<std::string> DefaultSubnets() {
    auto got = Call<AwsClient::XmlDocument>([&](auto done) {
      client_->CallQuery(services::kEc2, "DescribeSubnets",
                         {{"Filter.1.Name", "default-for-az"}, {"Filter.1.Value.1", "true"}},
                         std::move(done));
    });
    std::vector<std::string> subnets;
    if (!got.ok()) {
      ADD_FAILURE() << got.status().ToString();
      return subnets;
    }
    for (const pugi::xpath_node& node :
         got.value()->select_nodes("//*[local-name()='subnetSet']/*[local-name()='item']/"
                                   "*[local-name()='subnetId']")) {
      subnets.push_back(node.node().child_value());
    }
    std::sort(subnets.begin(), subnets.end());
    return subnets;
  }
};

}  // namespace wharf::aws::test
