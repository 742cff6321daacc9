#include "common/base/status.h"

#include <gtest/gtest.h>

#include "common/base/result.h"

namespace wharf {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::InvalidArgument("must be positive");
  return v;
}

Result<int> Doubled(int v) {
  WHARF_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return x * 2;
}

TEST(StatusTest, OkAndErrorsReportTheirCode) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  Status s = Status::NotFound("cluster web");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "NOT_FOUND: cluster web");
  EXPECT_FALSE(s.retryable());
  EXPECT_TRUE(Status::Unavailable("throttled").retryable());
  EXPECT_TRUE(Status::DeadlineExceeded("slow").retryable());
}

TEST(ResultTest, CarriesValueOrStatusThroughAssignOrReturn) {
  auto good = Doubled(21);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  auto bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace wharf
