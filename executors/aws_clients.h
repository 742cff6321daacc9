#pragma once

#include "common/aws/application_autoscaling_client.h"
#include "common/aws/aws_client.h"
#include "common/aws/cloudwatch_client.h"
#include "common/aws/ec2_client.h"
#include "common/aws/ecr_client.h"
#include "common/aws/ecs_client.h"
#include "common/aws/elbv2_client.h"
#include "common/aws/iam_client.h"
#include "common/aws/logs_client.h"
#include "common/aws/secrets_manager_client.h"
#include "common/aws/ssm_client.h"
#include "common/aws/sts_client.h"

namespace wharf::executors {

// Every typed AWS client the handlers use, over one AwsClient (one retry
// quota, one set of rate buckets). Owned by the executor's main; handlers
// keep references. Used on the executor's io thread only.
struct AwsClients {
  explicit AwsClients(aws::AwsClient& client)
      : ec2(client),
        elbv2(client),
        iam(client),
        cloudwatch(client),
        sts(client),
        ecs(client),
        ecr(client),
        logs(client),
        autoscaling(client),
        secrets(client),
        ssm(client) {}

  aws::Ec2Client ec2;
  aws::Elbv2Client elbv2;
  aws::IamClient iam;
  aws::CloudWatchClient cloudwatch;
  aws::StsClient sts;
  aws::EcsClient ecs;
  aws::EcrClient ecr;
  aws::LogsClient logs;
  aws::ApplicationAutoScalingClient autoscaling;
  aws::SecretsManagerClient secrets;
  aws::SsmClient ssm;
};

}  // namespace wharf::executors
