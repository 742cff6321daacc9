#include "common/aws/api_rate_table.h"

#include <algorithm>
#include <initializer_list>

namespace wharf::aws {
namespace {

// The same numbers as localcloud/ratelimits.py (keep the two in step; its
// docstring names the AWS pages). burst / per second.

struct Category {
  std::string_view name;
  RateLimit limit;
  std::initializer_list<std::string_view> operations;
};

// ECS API Reference, "Request throttling for the Amazon ECS API".
const Category kEcsCategories[] = {
    {"cluster-modify",
     {20, 1},
     {"CreateCluster", "DeleteCluster", "PutClusterCapacityProviders", "UpdateCluster",
      "UpdateClusterSettings"}},
    {"cluster-read", {50, 20}, {"DescribeClusters", "ListClusters"}},
    {"task-definition-modify", {20, 1}, {"DeregisterTaskDefinition", "RegisterTaskDefinition"}},
    {"task-definition-read",
     {50, 20},
     {"DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"}},
    {"task-definition-deletion", {5, 1}, {"DeleteTaskDefinitions"}},
    {"capacity-provider-modify",
     {10, 1},
     {"CreateCapacityProvider", "DeleteCapacityProvider", "UpdateCapacityProvider"}},
    {"capacity-provider-read", {50, 20}, {"DescribeCapacityProviders"}},
    {"tag-modify", {20, 10}, {"TagResource", "UntagResource"}},
    {"tag-read", {50, 20}, {"ListTagsForResource"}},
    {"setting-modify",
     {10, 1},
     {"DeleteAccountSetting", "PutAccountSetting", "PutAccountSettingDefault"}},
    {"setting-read", {50, 20}, {"ListAccountSettings"}},
    {"cluster-resource-modify",
     {100, 40},
     {"DeleteAttributes", "DeregisterContainerInstance", "ExecuteCommand", "PutAttributes",
      "RunTask", "StartTask", "StopTask", "UpdateContainerAgent", "UpdateContainerInstancesState"}},
    {"cluster-resource-read",
     {100, 20},
     {"DescribeContainerInstances", "DescribeTasks", "ListAttributes", "ListContainerInstances",
      "ListTasks"}},
    {"agent-modify",
     {200, 120},
     {"RegisterContainerInstance", "SubmitAttachmentStateChanges", "SubmitContainerStateChange",
      "SubmitTaskStateChange"}},
    {"service-modify", {50, 5}, {"CreateService", "DeleteService", "UpdateService"}},
    {"service-read", {100, 20}, {"DescribeServices", "ListServices"}},
    {"service-deployment", {50, 20}, {"DescribeServiceDeployments", "ListServiceDeployments"}},
    {"service-revision", {50, 20}, {"DescribeServiceRevisions"}},
    {"task-protection", {200, 80}, {"UpdateTaskProtection", "GetTaskProtection"}},
    {"cluster-service-resource-read", {10, 1}, {"ListServicesByNamespace"}},
};
// ECS Developer Guide, "AWS Fargate throttling quotas": RunTask 20 per
// second, burst and sustained (every Wharf task is Fargate).
constexpr std::string_view kFargateRunTaskBucket = "fargate-run-task";
constexpr RateLimit kFargateRunTask{20, 20};

// EC2 Developer Guide, "Request throttling for the Amazon EC2 API".
constexpr RateLimit kEc2NonMutating{100, 20};
constexpr RateLimit kEc2Mutating{50, 5};
constexpr RateLimit kEc2ResourceIntensive{50, 5};
constexpr std::string_view kEc2ResourceIntensiveActions[] = {
    "AcceptVpcPeeringConnection", "AuthorizeSecurityGroupIngress",
    "CancelSpotInstanceRequests", "CreateKeyPair",
    "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection", "RevokeSecurityGroupIngress",
    "RequestSpotInstances",
};
const Category kEc2Uncategorized[] = {
    {"",
     {100, 5},
     {"AssignIpv6Addresses",
      "AssignPrivateIpAddresses",
      "AssociateIamInstanceProfile",
      "CreateLaunchTemplateVersion",
      "CreateNetworkInterface",
      "CreateSnapshot",
      "CreateSnapshots",
      "CreateVolume",
      "DeleteNetworkInterface",
      "DeleteSnapshot",
      "DeleteVolume",
      "DeregisterImage",
      "DescribeSpotFleetInstances",
      "DescribeSpotFleetRequestHistory",
      "DisassociateIamInstanceProfile",
      "ModifyImageAttribute",
      "ModifyInstanceMetadataOptions",
      "ModifyLaunchTemplate",
      "ModifyNetworkInterfaceAttribute",
      "ModifySnapshotAttribute",
      "TerminateInstances",
      "UnassignPrivateIpAddresses"}},
    {"", {100, 10}, {"CreateTags", "DeleteTags"}},
    {"", {100, 1}, {"CopyImage"}},
    {"",
     {10, 1},
     {"AcceptVpcEndpointConnections", "AssignPrivateNatGatewayAddress",
      "AssociateNatGatewayAddress", "CreateNatGateway", "CreateVpcEndpointServiceConfiguration",
      "DeleteNatGateway", "DeleteVpcEndpointServiceConfigurations", "DisassociateNatGatewayAddress",
      "ModifyVpcEndpointServiceConfiguration", "RejectVpcEndpointConnections",
      "UnassignPrivateNatGatewayAddress"}},
    {"", {4, 0.3}, {"CreateVpcEndpoint", "DeleteVpcEndpoints", "ModifyVpcEndpoint"}},
    {"",
     {1, 1},
     {"CreateDefaultSubnet", "CreateDefaultVpc", "DescribeInstanceTopology",
      "DescribeMovingAddresses", "MoveAddressToVpc", "RestoreAddressToClassic"}},
    {"",
     {10, 10},
     {"DescribeIdFormat", "DescribeIdentityIdFormat", "DescribePrincipalIdFormat",
      "DescribeReservedInstancesOfferings"}},
    {"", {20, 5}, {"DescribeSecurityGroupReferences", "DescribeStaleSecurityGroups"}},
    {"",
     {5, 2},
     {"RunInstances", "StartInstances", "DescribeHostReservations",
      "DescribeHostReservationOfferings", "GetHostReservationPurchasePreview",
      "PurchaseHostReservation"}},
    {"",
     {50, 3},
     {"DescribeSpotFleetRequests", "CreateSpotDatafeedSubscription",
      "DeleteSpotDatafeedSubscription"}},
    {"", {100, 13}, {"DescribeSpotDatafeedSubscription"}},
    {"",
     {1, 0.1},
     {"AdvertiseByoipCidr", "DeprovisionByoipCidr", "ProvisionByoipCidr", "WithdrawByoipCidr"}},
    {"", {1, 0.5}, {"DescribeByoipCidrs"}},
};
constexpr std::string_view kEc2ReadPrefixes[] = {"Describe", "List", "Search", "Get"};

// ELB User Guide, "Request throttling for the ELB API".
constexpr std::string_view kElbAccountBucket = "account";
constexpr RateLimit kElbAccount{40, 10};
const Category kElbCategories[] = {
    {"resource-intensive", {10, 0.2}, {"CreateLoadBalancer", "SetSubnets"}},
    {"registration", {20, 4}, {"RegisterTargets", "DeregisterTargets"}},
    {"trust-store-create", {10, 0.2}, {"CreateTrustStore"}},
    {"trust-store-modify",
     {10, 0.2},
     {"AddTrustStoreRevocations", "DeleteSharedTrustStoreAssociation", "DeleteTrustStore",
      "ModifyTrustStore", "RemoveTrustStoreRevocations"}},
    {"trust-store-get",
     {20, 4},
     {"GetResourcePolicy", "GetTrustStoreCaCertificatesBundle", "GetTrustStoreRevocationContent"}},
    {"trust-store-describe",
     {40, 10},
     {"DescribeTrustStoreAssociations", "DescribeTrustStoreRevocations", "DescribeTrustStores"}},
};
constexpr RateLimit kElbNonMutating{40, 10};
constexpr RateLimit kElbMutating{20, 3};

template <size_t N>
const Category* FindCategory(const Category (&categories)[N], std::string_view operation) {
  for (const Category& c : categories) {
    if (std::find(c.operations.begin(), c.operations.end(), operation) != c.operations.end()) {
      return &c;
    }
  }
  return nullptr;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

void ApiRateTable::Override(std::string service, std::string bucket, RateLimit limit) {
  overrides_[{std::move(service), std::move(bucket)}] = limit;
}

std::vector<RateBucket> ApiRateTable::BucketsFor(std::string_view service,
                                                 std::string_view operation) const {
  std::vector<RateBucket> buckets;
  const std::string op(operation);
  if (service == "ecs") {
    if (const Category* c = FindCategory(kEcsCategories, operation)) {
      buckets.push_back({std::string(c->name), c->limit});
      if (operation == "RunTask") {
        buckets.push_back({std::string(kFargateRunTaskBucket), kFargateRunTask});
      }
    } else {
      buckets.push_back({op, default_limit_});
    }
  } else if (service == "ec2") {
    RateLimit limit = kEc2Mutating;
    if (const Category* c = FindCategory(kEc2Uncategorized, operation)) {
      limit = c->limit;
    } else if (std::find(std::begin(kEc2ResourceIntensiveActions),
                         std::end(kEc2ResourceIntensiveActions),
                         operation) != std::end(kEc2ResourceIntensiveActions)) {
      limit = kEc2ResourceIntensive;
    } else if (std::any_of(std::begin(kEc2ReadPrefixes), std::end(kEc2ReadPrefixes),
                           [&](std::string_view p) { return StartsWith(operation, p); })) {
      limit = kEc2NonMutating;
    }
    buckets.push_back({op, limit});
  } else if (service == "elasticloadbalancing") {
    buckets.push_back({std::string(kElbAccountBucket), kElbAccount});
    if (const Category* c = FindCategory(kElbCategories, operation)) {
      buckets.push_back({std::string(c->name), c->limit});
    } else if (StartsWith(operation, "Describe")) {
      buckets.push_back({"non-mutating", kElbNonMutating});
    } else {
      buckets.push_back({"mutating", kElbMutating});
    }
  } else {
    buckets.push_back({op, default_limit_});
  }
  if (!overrides_.empty()) {
    for (RateBucket& b : buckets) {
      auto it = overrides_.find(std::make_pair(std::string(service), b.name));
      if (it != overrides_.end()) b.limit = it->second;
    }
  }
  return buckets;
}

}  // namespace wharf::aws
