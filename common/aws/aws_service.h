#pragma once

#include <string_view>

namespace wharf::aws {

// Wire protocol of an AWS service.
enum class AwsProtocol {
  kJson,   // POST /, X-Amz-Target, application/x-amz-json-1.1, JSON errors
  kQuery,  // POST / form-encoded Action & Version, XML responses and errors
  kEc2,    // like kQuery; errors as <Response><Errors><Error>
};

// Static facts about one AWS service, from its API model's metadata.
struct AwsService {
  // The model's serviceId ("ECS", "Elastic Load Balancing v2"); names the
  // AWS_ENDPOINT_URL_<SERVICE> variable.
  std::string_view service_id{};
  // Host label of the regional endpoint ("ecs", "api.ecr").
  std::string_view endpoint_prefix{};
  // SigV4 credential-scope service name ("ecs", "ecr").
  std::string_view signing_name{};
  AwsProtocol protocol = AwsProtocol::kJson;
  // kJson: X-Amz-Target prefix ("AmazonEC2ContainerServiceV20141113").
  std::string_view target_prefix{};
  // The API version ("2011-06-15"); the Version parameter of kQuery/kEc2.
  std::string_view api_version{};
  // Global services (IAM): one endpoint host and a fixed signing region.
  std::string_view global_endpoint_host{};
  std::string_view global_signing_region{};
};

// The services Wharf talks to.
namespace services {
inline constexpr AwsService kEcs{.service_id = "ECS",
                                 .endpoint_prefix = "ecs",
                                 .signing_name = "ecs",
                                 .protocol = AwsProtocol::kJson,
                                 .target_prefix = "AmazonEC2ContainerServiceV20141113",
                                 .api_version = "2014-11-13"};
inline constexpr AwsService kEc2{.service_id = "EC2",
                                 .endpoint_prefix = "ec2",
                                 .signing_name = "ec2",
                                 .protocol = AwsProtocol::kEc2,
                                 .api_version = "2016-11-15"};
inline constexpr AwsService kElbv2{.service_id = "Elastic Load Balancing v2",
                                   .endpoint_prefix = "elasticloadbalancing",
                                   .signing_name = "elasticloadbalancing",
                                   .protocol = AwsProtocol::kQuery,
                                   .api_version = "2015-12-01"};
inline constexpr AwsService kIam{.service_id = "IAM",
                                 .endpoint_prefix = "iam",
                                 .signing_name = "iam",
                                 .protocol = AwsProtocol::kQuery,
                                 .api_version = "2010-05-08",
                                 .global_endpoint_host = "iam.amazonaws.com",
                                 .global_signing_region = "us-east-1"};
inline constexpr AwsService kSts{.service_id = "STS",
                                 .endpoint_prefix = "sts",
                                 .signing_name = "sts",
                                 .protocol = AwsProtocol::kQuery,
                                 .api_version = "2011-06-15"};
inline constexpr AwsService kLogs{.service_id = "CloudWatch Logs",
                                  .endpoint_prefix = "logs",
                                  .signing_name = "logs",
                                  .protocol = AwsProtocol::kJson,
                                  .target_prefix = "Logs_20140328",
                                  .api_version = "2014-03-28"};
inline constexpr AwsService kEcr{.service_id = "ECR",
                                 .endpoint_prefix = "api.ecr",
                                 .signing_name = "ecr",
                                 .protocol = AwsProtocol::kJson,
                                 .target_prefix = "AmazonEC2ContainerRegistry_V20150921",
                                 .api_version = "2015-09-21"};
inline constexpr AwsService kApplicationAutoScaling{.service_id = "Application Auto Scaling",
                                                    .endpoint_prefix = "application-autoscaling",
                                                    .signing_name = "application-autoscaling",
                                                    .protocol = AwsProtocol::kJson,
                                                    .target_prefix = "AnyScaleFrontendService",
                                                    .api_version = "2016-02-06"};
// CloudWatch also speaks CBOR and JSON; Query is the one moto and every
// region support.
inline constexpr AwsService kCloudWatch{.service_id = "CloudWatch",
                                        .endpoint_prefix = "monitoring",
                                        .signing_name = "monitoring",
                                        .protocol = AwsProtocol::kQuery,
                                        .api_version = "2010-08-01"};
inline constexpr AwsService kSecretsManager{.service_id = "Secrets Manager",
                                            .endpoint_prefix = "secretsmanager",
                                            .signing_name = "secretsmanager",
                                            .protocol = AwsProtocol::kJson,
                                            .target_prefix = "secretsmanager",
                                            .api_version = "2017-10-17"};
inline constexpr AwsService kSsm{.service_id = "SSM",
                                 .endpoint_prefix = "ssm",
                                 .signing_name = "ssm",
                                 .protocol = AwsProtocol::kJson,
                                 .target_prefix = "AmazonSSM",
                                 .api_version = "2014-11-06"};
}  // namespace services

}  // namespace wharf::aws
