#pragma once

// The fixture for tests of the Query/EC2 typed clients against the local cloud.

#include "tests/common/aws/local_cloud_client_fixture.h"

namespace wharf::aws::test {

using QueryLocalCloudTest = LocalCloudClientTest;

}  // namespace wharf::aws::test
