#include "common/aws/json_call.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/json_client_test_fixture.h"

namespace wharf::aws::json_call {
namespace {

using nlohmann::json;

TEST(JsonReadersTest, AbsentAndNullReadAsNotThere) {
  const json j = json::parse(R"({"n": null})");
  for (const char* key : {"n", "missing"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(String(j, key), "");
    EXPECT_EQ(OptionalInt(j, key), std::nullopt);
    EXPECT_EQ(Int(j, key), 0);
    EXPECT_EQ(OptionalInt32(j, key), std::nullopt);
    EXPECT_EQ(OptionalDouble(j, key), std::nullopt);
    EXPECT_EQ(OptionalBool(j, key), std::nullopt);
    EXPECT_FALSE(Bool(j, key));
    EXPECT_TRUE(Strings(j, key).empty());
    EXPECT_TRUE(Array(j, key).empty());
    EXPECT_EQ(Object(j, key), nullptr);
    EXPECT_EQ(TimestampMs(j, key), 0);
    EXPECT_TRUE(StringMap(j, key).empty());
    EXPECT_TRUE(TagList(j, key, "key", "value").empty());
    EXPECT_THROW(RequiredObject(j, key), MalformedJson);
    EXPECT_THROW(RequiredString(j, key), MalformedJson);
  }
}

TEST(JsonReadersTest, PresentValuesAreRead) {
  const json j = json::parse(R"({"s": "x", "i": 42, "f": 2.0, "d": 1.5, "b": true,
      "l": ["a", "b"], "o": {"k": "v"}, "t": 1795263280.249, "ti": 1795263287,
      "tags": [{"key": "app", "value": "shop"}, {"key": "empty"}]})");
  EXPECT_EQ(String(j, "s"), "x");
  EXPECT_EQ(Int(j, "i"), 42);
  EXPECT_EQ(Int(j, "f"), 2) << "an integral double is an integer";
  EXPECT_EQ(OptionalInt32(j, "i"), 42);
  EXPECT_EQ(Double(j, "d"), 1.5);
  EXPECT_EQ(Double(j, "i"), 42.0);
  EXPECT_TRUE(Bool(j, "b"));
  EXPECT_EQ(Strings(j, "l"), (std::vector<std::string>{"a", "b"}));
  ASSERT_NE(Object(j, "o"), nullptr);
  EXPECT_EQ(StringMap(j, "o").at("k"), "v");
  EXPECT_EQ(TimestampMs(j, "t"), 1795263280249);
  EXPECT_EQ(TimestampMs(j, "ti"), 1795263287000);
  EXPECT_EQ(TagList(j, "tags", "key", "value"),
            (std::map<std::string, std::string>{{"app", "shop"}, {"empty", ""}}));
  EXPECT_EQ(TagListJson({{"b", "2"}, {"a", "1"}}, "Key", "Value"),
            json::parse(R"([{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])"));
}

TEST(JsonReadersTest, WrongTypesThrowMalformedJsonNamingTheField) {
  const json j = json::parse(R"({"s": 1, "i": "1", "frac": 1.5, "big": 4294967296, "b": "true",
      "l": "a", "mixed": ["a", 1], "o": [], "t": "2026-01-01", "m": {"k": 1},
      "tags": [{"value": "no key"}]})");
  EXPECT_THROW(String(j, "s"), MalformedJson);
  EXPECT_THROW(Int(j, "i"), MalformedJson);
  EXPECT_THROW(Int(j, "frac"), MalformedJson);
  EXPECT_EQ(Int(j, "big"), 4294967296);
  EXPECT_THROW(OptionalInt32(j, "big"), MalformedJson);
  EXPECT_THROW(Bool(j, "b"), MalformedJson);
  EXPECT_THROW(Strings(j, "l"), MalformedJson);
  EXPECT_THROW(Strings(j, "mixed"), MalformedJson);
  EXPECT_THROW(Object(j, "o"), MalformedJson);
  EXPECT_THROW(Array(j, "s"), MalformedJson);
  EXPECT_THROW(TimestampMs(j, "t"), MalformedJson);
  EXPECT_THROW(StringMap(j, "m"), MalformedJson);
  EXPECT_THROW(TagList(j, "tags", "key", "value"), MalformedJson);
  EXPECT_THROW(String(json::array(), "s"), MalformedJson) << "not an object";
  try {
    String(j, "s");
  } catch (const MalformedJson& e) {
    EXPECT_NE(std::string(e.what()).find("\"s\""), std::string::npos) << e.what();
  }
}

class JsonPagingTest : public test::JsonClientTest {
 protected:
  using Items = std::vector<std::string>;

  Outcome<Pages<std::string>> List(Paging paging, json input = json::object()) {
    return Call<Pages<std::string>>([&](auto done) {
      CallPaged<std::string>(
          *client_, services::kEcs, "ListClusters", std::move(input), paging,
          [](const json& page, Items& out) {
            for (std::string& s : Strings(page, "clusterArns")) out.push_back(std::move(s));
          },
          std::move(done));
    });
  }
};

TEST_F(JsonPagingTest, FollowsTheTokenUntilItIsEmptyOrNull) {
  Respond(R"({"clusterArns": ["a", "b"], "nextToken": "t1"})");
  Respond(R"({"clusterArns": [], "nextToken": "t2"})");
  Respond(R"({"clusterArns": ["c"], "nextToken": null})");
  auto pages = List({}, {{"maxResults", 2}});
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  EXPECT_EQ(pages->items, (Items{"a", "b", "c"}));
  EXPECT_EQ(pages->next_token, "");
  ASSERT_EQ(transport_.request_count(), 3u);
  EXPECT_EQ(Body(0), json::parse(R"({"maxResults": 2})"));
  EXPECT_EQ(Body(1), json::parse(R"({"maxResults": 2, "nextToken": "t1"})"));
  EXPECT_EQ(Body(2), json::parse(R"({"maxResults": 2, "nextToken": "t2"})"));
}

TEST_F(JsonPagingTest, CapitalizedTokensAndARepeatedTokenEndsTheWalk) {
  Paging paging;
  paging.request_token = "NextToken";
  paging.response_token = "NextToken";
  Respond(R"({"clusterArns": ["a"], "NextToken": "same"})");
  Respond(R"({"clusterArns": ["b"], "NextToken": "same"})");
  auto pages = List(paging);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  EXPECT_EQ(pages->items, (Items{"a", "b"}));
  EXPECT_EQ(pages->next_token, "same") << "where a reader resumes";
  EXPECT_EQ(Body(1), json::parse(R"({"NextToken": "same"})"));
}

TEST_F(JsonPagingTest, MaxItemsStopsEarlyAndGivesTheToken) {
  Paging paging;
  paging.max_items = 2;
  Respond(R"({"clusterArns": ["a"], "nextToken": "t1"})");
  Respond(R"({"clusterArns": ["b", "c"], "nextToken": "t2"})");
  auto pages = List(paging);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  EXPECT_EQ(pages->items, (Items{"a", "b", "c"}));
  EXPECT_EQ(pages->next_token, "t2");
  EXPECT_EQ(transport_.request_count(), 2u);
}

TEST_F(JsonPagingTest, AnErrorOnAnyPageFailsTheCall) {
  Respond(R"({"clusterArns": ["a"], "nextToken": "t1"})");
  Respond(R"({"__type": "ClusterNotFoundException", "message": "gone"})", 400);
  auto pages = List({});
  ASSERT_FALSE(pages.ok());
  EXPECT_EQ(pages.error().code(), "ClusterNotFoundException");
  EXPECT_EQ(pages.error().request_id(), "req-2");
}

TEST_F(JsonPagingTest, AMalformedPageOrTokenIsMalformedResponse) {
  Respond(R"({"clusterArns": ["a"], "nextToken": 7})");
  auto bad_token = List({});
  ASSERT_FALSE(bad_token.ok());
  EXPECT_EQ(bad_token.error().code(), "MalformedResponse");
  EXPECT_EQ(bad_token.error().operation(), "ListClusters");
  EXPECT_EQ(bad_token.status().code(), Status::Code::kInternal);

  Respond(R"({"clusterArns": {"a": 1}})");
  auto bad_page = List({});
  ASSERT_FALSE(bad_page.ok());
  EXPECT_EQ(bad_page.error().code(), "MalformedResponse");
}

TEST_F(JsonPagingTest, CallAdaptsParseErrorsAndPassesAwsErrorsThrough) {
  Respond(R"({"value": "x"})");
  auto parsed = Call<std::string>([&](auto done) {
    json_call::Call<std::string>(
        *client_, services::kLogs, "Anything", json::object(),
        [](const json& r) { return RequiredString(r, "value"); }, std::move(done));
  });
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed.value(), "x");
  EXPECT_EQ(Target(0), "Logs_20140328.Anything");

  Respond(R"({"other": 1})");
  auto malformed = Call<std::string>([&](auto done) {
    json_call::Call<std::string>(
        *client_, services::kLogs, "Anything", json::object(),
        [](const json& r) { return RequiredString(r, "value"); }, std::move(done));
  });
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code(), "MalformedResponse");
  EXPECT_EQ(malformed.error().service(), "logs");
  EXPECT_FALSE(malformed.retryable());

  // A JSON library exception (at() on a missing key) is caught too.
  Respond(R"({"other": 1})");
  auto thrown = Call<int>([&](auto done) {
    json_call::Call<int>(
        *client_, services::kLogs, "Anything", json::object(),
        [](const json& r) { return r.at("value").get<int>(); }, std::move(done));
  });
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().code(), "MalformedResponse");
}

}  // namespace
}  // namespace wharf::aws::json_call
