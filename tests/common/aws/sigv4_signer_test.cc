#include "common/aws/sigv4_signer.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/run_command.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

struct SigningCase {
  std::string name{};
  std::string method{};
  std::string endpoint{};
  std::string path{};
  QueryParams query{};
  HttpHeaders headers{};
  std::string body{};
  std::string service{};
  std::string region{};
  std::string session_token{};
  int64_t unix_seconds = 1'700'000'000;  // 2023-11-14T22:13:20Z
  std::string access_key_id = "AKIDEXAMPLE";
  std::string secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
};

const std::string kJson11 = "application/x-amz-json-1.1";
const std::string kForm = "application/x-www-form-urlencoded; charset=utf-8";

std::vector<SigningCase> Cases() {
  std::vector<SigningCase> cases;
  auto add = [&](SigningCase c) { cases.push_back(std::move(c)); };
  add({.name = "ecs_json_create_cluster",
       .method = "POST",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kJson11},
                   {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.CreateCluster"}},
       .body = R"({"clusterName":"web","tags":[{"key":"app","value":"shop"}]})",
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "ecs_json_session_token",
       .method = "POST",
       .endpoint = "https://ecs.eu-west-1.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kJson11},
                   {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeClusters"}},
       .body = R"({"clusters":["web"]})",
       .service = "ecs",
       .region = "eu-west-1",
       .session_token = "IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes=="});
  add({.name = "sts_query_form",
       .method = "POST",
       .endpoint = "https://sts.us-west-2.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kForm}},
       .body = "Action=GetCallerIdentity&Version=2011-06-15",
       .service = "sts",
       .region = "us-west-2"});
  add({.name = "iam_global_form",
       .method = "POST",
       .endpoint = "https://iam.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kForm}},
       .body = "Action=GetRole&RoleName=wharf-exec&Version=2010-05-08",
       .service = "iam",
       .region = "us-east-1"});
  add({.name = "elbv2_form_reserved_body",
       .method = "POST",
       .endpoint = "https://elasticloadbalancing.ap-northeast-1.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kForm}},
       .body = "Action=DescribeLoadBalancers&Names.member.1=a%20b%2Fc&Version=2015-12-01",
       .service = "elasticloadbalancing",
       .region = "ap-northeast-1"});
  add({.name = "get_empty_body_no_query",
       .method = "GET",
       .endpoint = "https://monitoring.us-east-2.amazonaws.com",
       .path = "/",
       .service = "monitoring",
       .region = "us-east-2"});
  add({.name = "query_reserved_characters",
       .method = "GET",
       .endpoint = "https://ec2.us-east-1.amazonaws.com",
       .path = "/",
       .query = {{"Action", "DescribeVpcs"},
                 {"Filter.1.Value.1", "a b=c&d?e/f+g"},
                 {"Version", "2016-11-15"},
                 {"weird key!*'()", "~-_."},
                 {"unicode", "caf\xc3\xa9 \xe2\x82\xac"}},
       .service = "ec2",
       .region = "us-east-1"});
  add({.name = "query_repeated_keys_sorted_by_value",
       .method = "GET",
       .endpoint = "https://ssm.us-east-1.amazonaws.com",
       .path = "/",
       .query = {{"k", "b"}, {"k", "a"}, {"j", "z"}, {"k", "a"}, {"k", ""}},
       .service = "ssm",
       .region = "us-east-1"});
  add({.name = "query_case_sorting_and_empty_values",
       .method = "GET",
       .endpoint = "https://logs.eu-central-1.amazonaws.com",
       .path = "/",
       .query = {{"b", "1"}, {"B", "2"}, {"a", ""}, {"_", "x"}, {"A", "%"}},
       .service = "logs",
       .region = "eu-central-1"});
  add({.name = "path_encoded_chars_double_encoded",
       .method = "GET",
       .endpoint = "https://secretsmanager.us-east-1.amazonaws.com",
       .path = "/a%20b/c%2Fd/%E2%82%AC",
       .service = "secretsmanager",
       .region = "us-east-1"});
  add({.name = "path_dot_segments",
       .method = "GET",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "/a/./b/../c/",
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "path_repeated_slashes",
       .method = "GET",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "//a//b///c",
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "path_sub_delims",
       .method = "GET",
       .endpoint = "https://application-autoscaling.us-east-1.amazonaws.com",
       .path = "/x:y@z!$'()*+,;=~-_.",
       .service = "application-autoscaling",
       .region = "us-east-1"});
  add({.name = "path_empty_is_root",
       .method = "GET",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "",
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "header_whitespace_collapsed",
       .method = "POST",
       .endpoint = "https://logs.us-east-1.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kJson11},
                   {"X-Amz-Target", "Logs_20140328.CreateLogGroup"},
                   {"My-Header1", "   a   b\t\tc  "},
                   {"My-Header2", "\"a   b   c\""}},
       .body = R"({"logGroupName":"/wharf/web"})",
       .service = "logs",
       .region = "us-east-1"});
  add({.name = "header_repeated_names_joined",
       .method = "GET",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "/",
       .headers = {{"X-Custom", "one"}, {"x-custom", "two"}, {"X-CUSTOM", " three "}},
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "unsigned_headers_skipped",
       .method = "POST",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kJson11},
                   {"User-Agent", "wharf/0.1"},
                   {"Expect", "100-continue"},
                   {"X-Amzn-Trace-Id", "Root=1-abc"},
                   {"Connection", "keep-alive"}},
       .body = "{}",
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "explicit_host_header",
       .method = "GET",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "/",
       .headers = {{"Host", "ecs.us-east-1.amazonaws.com"}},
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "loopback_endpoint_with_port",
       .method = "POST",
       .endpoint = "http://127.0.0.1:5000",
       .path = "/",
       .headers = {{"Content-Type", kJson11},
                   {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"}},
       .body = "{}",
       .service = "ecs",
       .region = "us-east-1",
       .session_token = "local-token"});
  add({.name = "default_port_not_in_host",
       .method = "GET",
       .endpoint = "https://ECS.us-east-1.amazonaws.com:443",
       .path = "/",
       .service = "ecs",
       .region = "us-east-1"});
  add({.name = "ecr_other_region_day_boundary",
       .method = "POST",
       .endpoint = "https://api.ecr.ap-southeast-2.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kJson11},
                   {"X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DescribeImages"}},
       .body = R"({"repositoryName":"web","imageIds":[{"imageTag":"v1.2.3"}]})",
       .service = "ecr",
       .region = "ap-southeast-2",
       .unix_seconds = 1'709'251'199});  // 2024-02-29T23:59:59Z
  add({.name = "secret_with_special_characters",
       .method = "POST",
       .endpoint = "https://sts.amazonaws.com",
       .path = "/",
       .headers = {{"Content-Type", kForm}},
       .body = "Action=GetCallerIdentity&Version=2011-06-15",
       .service = "sts",
       .region = "us-east-1",
       .access_key_id = "ASIAQEXAMPLE123",
       .secret_access_key = "a+b/c=d%e f~g"});
  add({.name = "put_with_query_and_body",
       .method = "PUT",
       .endpoint = "https://ssm.us-east-1.amazonaws.com",
       .path = "/params/a%2Fb",
       .query = {{"overwrite", "true"}, {"tags", "a=1,b=2"}},
       .headers = {{"Content-Type", "text/plain"}},
       .body = "hello world\n",
       .service = "ssm",
       .region = "us-east-1"});
  add({.name = "s3_put_object_signs_content_sha256",
       .method = "PUT",
       .endpoint = "http://127.0.0.1:5000",
       .path = "/bucket/key%20with%20spaces//x",
       .query = {{"x-id", "PutObject"}},
       .headers = {{"Content-Type", "application/octet-stream"}},
       .body = "object bytes",
       .service = "s3",
       .region = "us-east-1"});
  add({.name = "delete_method",
       .method = "DELETE",
       .endpoint = "https://ecs.us-east-1.amazonaws.com",
       .path = "/clusters/web",
       .service = "ecs",
       .region = "us-east-1"});
  return cases;
}

json CaseToJson(const SigningCase& c) {
  json query = json::array();
  for (const auto& [k, v] : c.query) query.push_back(json::array({k, v}));
  json headers = json::array();
  for (const auto& [k, v] : c.headers) headers.push_back(json::array({k, v}));
  return json{{"name", c.name},
              {"method", c.method},
              {"endpoint", c.endpoint},
              {"path", c.path},
              {"query", query},
              {"headers", headers},
              {"body", c.body},
              {"service", c.service},
              {"region", c.region},
              {"session_token", c.session_token},
              {"unix_seconds", c.unix_seconds},
              {"access_key_id", c.access_key_id},
              {"secret_access_key", c.secret_access_key}};
}

HttpRequest CaseToRequest(const SigningCase& c) {
  HttpRequest r;
  r.method = c.method;
  r.endpoint = c.endpoint;
  r.path = c.path;
  r.query = c.query;
  r.headers = c.headers;
  r.body = c.body;
  return r;
}

std::string SourceDir() { return WHARF_TEST_SOURCE_DIR; }

TEST(SigV4SignerTest, MatchesBotocoreByteForByte) {
  const std::vector<SigningCase> cases = Cases();
  ASSERT_GE(cases.size(), 20u);
  json table = json::array();
  for (const auto& c : cases) table.push_back(CaseToJson(c));

  char path[] = "/tmp/wharf-sigv4-cases-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  {
    std::ofstream out(path);
    out << table.dump();
  }
  const std::string script = SourceDir() + "/tests/common/aws/sigv4_reference.py";
  auto ran = test_support::RunCommand("python3 " + test_support::ShellQuote(script) + " " +
                                      test_support::ShellQuote(path));
  ::unlink(path);
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  json reference = json::parse(ran.output, nullptr, false);
  ASSERT_TRUE(reference.is_array()) << ran.output;
  ASSERT_EQ(reference.size(), cases.size());

  SigV4Signer signer;
  for (size_t i = 0; i < cases.size(); ++i) {
    const SigningCase& c = cases[i];
    Credentials creds{c.access_key_id, c.secret_access_key, c.session_token, "test"};
    auto sig = signer.Sign(CaseToRequest(c), creds, c.region, c.service, c.unix_seconds);
    ASSERT_TRUE(sig.ok()) << c.name << ": " << sig.status().ToString();
    EXPECT_EQ(sig->authorization, reference[i]["authorization"].get<std::string>())
        << "case " << c.name << "\n--- ours:\n"
        << sig->canonical_request << "\n--- botocore:\n"
        << reference[i]["canonical_request"].get<std::string>();
  }
}

// The "get-vanilla" case of AWS's SigV4 test suite, independent of botocore.
TEST(SigV4SignerTest, AwsTestSuiteGetVanilla) {
  HttpRequest request;
  request.method = "GET";
  request.endpoint = "https://example.amazonaws.com";
  request.path = "/";
  Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test"};
  SigV4Signer signer;
  // 2015-08-30T12:36:00Z
  auto sig = signer.Sign(request, creds, "us-east-1", "service", 1440938160);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4SignerTest, SignInPlaceReplacesStaleAuthHeaders) {
  HttpRequest request;
  request.method = "POST";
  request.endpoint = "http://127.0.0.1:4566";
  request.headers = {{"Authorization", "old"}, {"X-Amz-Date", "old"}, {"Content-Type", "x"}};
  Credentials creds{"AKIDEXAMPLE", "secret", "token", "test"};
  SigV4Signer signer;
  ASSERT_TRUE(signer.SignInPlace(request, creds, "us-east-1", "ecs", 1'700'000'000).ok());
  int authorization = 0;
  for (const auto& [name, value] : request.headers) {
    if (name == "Authorization") {
      ++authorization;
      EXPECT_NE(value, "old");
    }
    EXPECT_NE(value, "old") << name;
  }
  EXPECT_EQ(authorization, 1);
  ASSERT_NE(request.FindHeader("x-amz-security-token"), nullptr);
  EXPECT_EQ(*request.FindHeader("x-amz-date"), "20231114T221320Z");
}

TEST(SigV4SignerTest, CachesTheDaysSigningKey) {
  HttpRequest request;
  request.endpoint = "https://ecs.us-east-1.amazonaws.com";
  Credentials creds{"AKIDEXAMPLE", "secret", "", "test"};
  SigV4Signer signer;
  ASSERT_TRUE(signer.Sign(request, creds, "us-east-1", "ecs", 1'700'000'000).ok());
  ASSERT_TRUE(signer.Sign(request, creds, "us-east-1", "ecs", 1'700'000'100).ok());
  EXPECT_EQ(signer.keys_derived(), 1);
  ASSERT_TRUE(signer.Sign(request, creds, "us-east-1", "logs", 1'700'000'100).ok());
  EXPECT_EQ(signer.keys_derived(), 2);
  ASSERT_TRUE(signer.Sign(request, creds, "us-east-1", "ecs", 1'700'000'000 + 86'400).ok());
  EXPECT_EQ(signer.keys_derived(), 3);
  Credentials rotated{"AKIDEXAMPLE", "other", "", "test"};
  ASSERT_TRUE(signer.Sign(request, rotated, "us-east-1", "ecs", 1'700'000'000 + 86'400).ok());
  EXPECT_EQ(signer.keys_derived(), 4);
}

TEST(SigV4SignerTest, RejectsIncompleteCredentials) {
  HttpRequest request;
  request.endpoint = "https://ecs.us-east-1.amazonaws.com";
  SigV4Signer signer;
  auto sig = signer.Sign(request, Credentials{"AKID", "", "", ""}, "us-east-1", "ecs", 0);
  EXPECT_FALSE(sig.ok());
  EXPECT_EQ(sig.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace wharf::aws
