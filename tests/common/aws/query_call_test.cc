#include "common/aws/query_call.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/query_client_test_fixture.h"

namespace wharf::aws {
namespace {

using test::QueryClientTest;

// A paged operation of names: <ListThingsResult><Things><member>...
// <NextToken>.
QueryPage<std::string> ParseNames(const XmlReader& r) {
  return {r.Strings("Things", "member"), r.String("NextToken")};
}

std::string Page(const std::vector<std::string>& names, const std::string& next) {
  std::string xml = "<ListThingsResponse xmlns=\"http://x/\"><ListThingsResult><Things>";
  for (const auto& n : names) xml += "<member>" + n + "</member>";
  xml += "</Things>";
  if (!next.empty()) xml += "<NextToken>" + next + "</NextToken>";
  return xml +
         "</ListThingsResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>"
         "</ListThingsResponse>";
}

class QueryCallTest : public QueryClientTest {
 protected:
  Outcome<std::vector<std::string>> ListThings() {
    return Call<std::vector<std::string>>([&](auto done) {
      CallQueryPaged<std::string>(*client_, services::kCloudWatch, "ListThings", {{"Filter", "x"}},
                                  "NextToken", &ParseNames, done);
    });
  }
};

TEST_F(QueryCallTest, FollowsTokensAcrossPages) {
  Respond(Page({"a", "b"}, "t1"));
  Respond(Page({}, "t2"));  // an empty page in the middle
  Respond(Page({"c"}, ""));
  auto got = ListThings();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got.value(), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(transport_.request_count(), 3u);
  EXPECT_EQ(SentArguments(0), (QueryParams{{"Filter", "x"}}));
  EXPECT_EQ(SentArguments(1), (QueryParams{{"Filter", "x"}, {"NextToken", "t1"}}));
  EXPECT_EQ(SentArguments(2), (QueryParams{{"Filter", "x"}, {"NextToken", "t2"}}));
}

TEST_F(QueryCallTest, ATokenThatDoesNotAdvanceIsMalformed) {
  Respond(Page({"a"}, "same"));
  Respond(Page({"b"}, "same"));
  auto got = ListThings();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), "MalformedResponse");
  EXPECT_EQ(got.error().request_id(), "rid");
  EXPECT_EQ(got.status().code(), Status::Code::kInternal);
  EXPECT_EQ(transport_.request_count(), 2u);
}

TEST_F(QueryCallTest, TokensGoingInACircleAreMalformed) {
  Respond(Page({"a"}, "t1"));
  Respond(Page({"b"}, "t2"));
  Respond(Page({"c"}, "t1"));
  auto got = ListThings();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), "MalformedResponse");
  EXPECT_EQ(transport_.request_count(), 3u);
}

TEST_F(QueryCallTest, AnErrorOnALaterPageIsTheResult) {
  Respond(Page({"a"}, "t1"));
  Respond(R"(<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>
             <Message>bad token</Message></Error><RequestId>r2</RequestId></ErrorResponse>)",
          400);
  auto got = ListThings();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), "ValidationError");
  EXPECT_EQ(got.error().message(), "bad token");
  EXPECT_EQ(got.error().operation(), "ListThings");
}

TEST_F(QueryCallTest, WrongRootElementIsMalformed) {
  Respond("<SomethingElse/>");
  auto got = ListThings();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), "MalformedResponse");
  EXPECT_NE(got.error().message().find("<ListThingsResponse>"), std::string::npos)
      << got.error().message();
}

TEST_F(QueryCallTest, ParserProblemsBecomeMalformedResponseWithThePath) {
  Respond(R"(<GetThingResponse><GetThingResult><Port>eighty</Port></GetThingResult>
             <ResponseMetadata><RequestId>rid-7</RequestId></ResponseMetadata></GetThingResponse>)");
  auto got = Call<int64_t>([&](auto done) {
    CallQueryOperation<int64_t>(
        *client_, services::kElbv2, "GetThing", {},
        [](const XmlReader& r) { return r.Int("Port"); }, done);
  });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), "MalformedResponse");
  EXPECT_EQ(got.error().service(), "elasticloadbalancing");
  EXPECT_EQ(got.error().request_id(), "rid-7");
  EXPECT_NE(got.error().message().find("GetThingResponse/GetThingResult/Port: not an integer"),
            std::string::npos)
      << got.error().message();
  EXPECT_FALSE(got.error().retryable());
}

TEST_F(QueryCallTest, OperationsWithoutOutputAcceptAnAbsentResult) {
  Respond(
      "<DeleteThingResponse><ResponseMetadata><RequestId>r</RequestId>"
      "</ResponseMetadata></DeleteThingResponse>");
  auto got = Call<bool>([&](auto done) {
    CallQueryOperation<bool>(
        *client_, services::kIam, "DeleteThing", {{"Name", "x"}},
        [](const XmlReader& r) { return !r.present(); }, done);
  });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got.value());
  EXPECT_EQ(SentAction(), "DeleteThing");
}

TEST_F(QueryCallTest, Ec2OutputIsTheResponseElement) {
  Respond(
      "<DescribeThingResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<requestId>r</requestId><thing>t</thing></DescribeThingResponse>");
  auto got = Call<std::string>([&](auto done) {
    CallQueryOperation<std::string>(
        *client_, services::kEc2, "DescribeThing", {},
        [](const XmlReader& r) { return r.RequiredString("thing"); }, done);
  });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got.value(), "t");
}

}  // namespace
}  // namespace wharf::aws
