#include "common/aws/container_credentials_provider.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/aws/aws_client.h"
#include "common/aws/chain_credentials_provider.h"
#include "common/aws/curl_http_transport.h"
#include "common/aws/fake_http_transport.h"
#include "common/base/fake_clock.h"
#include "tests/support/run_until.h"

namespace wharf::aws {
namespace {

using std::chrono::milliseconds;
using Provider = ContainerCredentialsProvider;

// 2023-11-14T22:13:20Z is FakeClock's default start (1'700'000'000'000 ms).
constexpr int64_t kStartMs = 1'700'000'000'000;

std::string CredentialsJson(const std::string& key, const std::string& expiration) {
  return R"({"RoleArn":"arn:aws:iam::123456789012:role/task","AccessKeyId":")" + key +
         R"(","SecretAccessKey":"container-secret-)" + key + R"(","Token":"token-)" + key +
         R"(","Expiration":")" + expiration + R"("})";
}

TEST(ContainerCredentialsProviderTest, ResolvesTheEndpointLikeBotocore) {
  struct Case {
    const char* name;
    std::map<std::string, std::string> env;
    Status::Code want_code;
    std::string want_origin;
    std::string want_path;
  };
  const Case cases[] = {
      {"relative",
       {{Provider::kRelativeUriEnv, "/v2/credentials/abc"}},
       Status::Code::kOk,
       "http://169.254.170.2",
       "/v2/credentials/abc"},
      {"relative wins over full",
       {{Provider::kRelativeUriEnv, "/v2/x"}, {Provider::kFullUriEnv, "http://127.0.0.1:9/y"}},
       Status::Code::kOk,
       "http://169.254.170.2",
       "/v2/x"},
      {"full loopback with query",
       {{Provider::kFullUriEnv, "http://127.0.0.1:8080/creds?role=a"}},
       Status::Code::kOk,
       "http://127.0.0.1:8080",
       "/creds?role=a"},
      {"full loopback anywhere in 127/8",
       {{Provider::kFullUriEnv, "http://127.1.2.3/c"}},
       Status::Code::kOk,
       "http://127.1.2.3",
       "/c"},
      {"full ipv6 loopback",
       {{Provider::kFullUriEnv, "http://[::1]:80/c"}},
       Status::Code::kOk,
       "http://[::1]",
       "/c"},
      {"full localhost without path",
       {{Provider::kFullUriEnv, "http://localhost:1234"}},
       Status::Code::kOk,
       "http://localhost:1234",
       "/"},
      {"full EKS pod identity agent",
       {{Provider::kFullUriEnv, "http://169.254.170.23/v1/credentials"}},
       Status::Code::kOk,
       "http://169.254.170.23",
       "/v1/credentials"},
      {"full https any host",
       {{Provider::kFullUriEnv, "https://creds.example.com/x"}},
       Status::Code::kOk,
       "https://creds.example.com",
       "/x"},
      {"full http to another host is refused",
       {{Provider::kFullUriEnv, "http://creds.example.com/x"}},
       Status::Code::kInvalidArgument,
       "",
       ""},
      {"full not a url",
       {{Provider::kFullUriEnv, "169.254.170.2/x"}},
       Status::Code::kInvalidArgument,
       "",
       ""},
      {"relative without slash",
       {{Provider::kRelativeUriEnv, "v2/x"}},
       Status::Code::kInvalidArgument,
       "",
       ""},
      {"neither", {}, Status::Code::kNotFound, "", ""},
      {"empty values are unset",
       {{Provider::kRelativeUriEnv, ""}, {Provider::kFullUriEnv, ""}},
       Status::Code::kNotFound,
       "",
       ""},
  };
  for (const Case& c : cases) {
    auto got = Provider::ResolveEndpoint(Environment::FromMap(c.env), "http://169.254.170.2");
    EXPECT_EQ(got.status().code(), c.want_code) << c.name << ": " << got.status().ToString();
    if (got.ok()) {
      EXPECT_EQ(got->origin, c.want_origin) << c.name;
      EXPECT_EQ(got->path, c.want_path) << c.name;
    }
  }
}

TEST(ContainerCredentialsProviderTest, ParsesIso8601) {
  struct Case {
    const char* text;
    std::optional<int64_t> want_ms;
  };
  const Case cases[] = {
      {"2023-11-14T22:13:20Z", kStartMs},
      {"2023-11-14T22:13:20.250Z", kStartMs + 250},
      {"2023-11-14T23:13:20+01:00", kStartMs},
      {"2023-11-14T21:43:20-00:30", kStartMs},
      {"1970-01-01T00:00:00Z", 0},
      {"2023-11-14 22:13:20", std::nullopt},
      {"2023-13-14T22:13:20Z", std::nullopt},
      {"2023-11-14T22:13:20Zjunk", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    auto got = Provider::ParseIso8601(c.text);
    EXPECT_EQ(got.ok(), c.want_ms.has_value()) << c.text;
    if (got.ok() && c.want_ms) {
      EXPECT_EQ(got.value(), *c.want_ms) << c.text;
    }
  }
}

TEST(ContainerCredentialsProviderTest, ParsesTheAnswerAndNeverQuotesIt) {
  auto good = Provider::ParseCredentials(CredentialsJson("ASIA1", "2023-11-14T23:13:20Z"));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->credentials.access_key_id, "ASIA1");
  EXPECT_EQ(good->credentials.secret_access_key, "container-secret-ASIA1");
  EXPECT_EQ(good->credentials.session_token, "token-ASIA1");
  EXPECT_EQ(good->credentials.source, "container");
  EXPECT_EQ(good->expires_unix_ms, kStartMs + 3'600'000);

  for (const std::string& body :
       {std::string(R"({"AccessKeyId":"ASIA1","Token":"t","SecretAccessKey":""})"),
        std::string(R"({"AccessKeyId":"ASIA1","SecretAccessKey":"s3cr3t","Expiration":"soon"})"),
        std::string("s3cr3t not json")}) {
    auto bad = Provider::ParseCredentials(body);
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.status().message().find("s3cr3t"), std::string::npos) << bad.status().message();
  }
}

// The provider on a FakeHttpTransport and a FakeClock.
class ContainerProviderFakeTest : public ::testing::Test {
 protected:
  std::unique_ptr<Provider> Make(std::map<std::string, std::string> env) {
    Provider::Options options;
    options.retry_delay = milliseconds(0);
    return std::make_unique<Provider>(io_, transport_, clock_, Environment::FromMap(env), options);
  }
  std::unique_ptr<Provider> MakeEcs() {
    return Make({{Provider::kRelativeUriEnv, "/v2/credentials/task-1"}});
  }

  // Asks and runs the io_context until the answer is in.
  Result<Credentials> Ask(Provider& provider) {
    std::optional<Result<Credentials>> got;
    provider.GetCredentialsAsync([&](Result<Credentials> c) { got.emplace(std::move(c)); });
    EXPECT_TRUE(test_support::RunUntil(
        io_, [&] { return got.has_value(); }, milliseconds(5000)));
    return got.value_or(Status::Internal("no answer"));
  }

  static std::string In(int64_t ms_from_start) {
    std::time_t t = static_cast<std::time_t>((kStartMs + ms_from_start) / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  asio::io_context io_;
  FakeHttpTransport transport_{io_};
  FakeClock clock_{kStartMs};
};

TEST_F(ContainerProviderFakeTest, FetchesOnceForConcurrentCallers) {
  auto provider = MakeEcs();
  transport_.EnqueueResponse(200, CredentialsJson("ASIA1", In(3'600'000)));
  std::vector<Result<Credentials>> answers;
  for (int i = 0; i < 3; ++i) {
    provider->GetCredentialsAsync([&](Result<Credentials> c) { answers.push_back(c); });
  }
  EXPECT_TRUE(answers.empty()) << "nothing cached: callers wait for the fetch";
  ASSERT_TRUE(test_support::RunUntil(io_, [&] { return answers.size() == 3; }));
  for (const auto& a : answers) {
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->access_key_id, "ASIA1");
  }
  ASSERT_EQ(transport_.request_count(), 1u);
  const HttpRequest r = transport_.requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.Url(), "http://169.254.170.2/v2/credentials/task-1");
  EXPECT_EQ(r.FindHeader("Authorization"), nullptr);
  // Later calls are answered from the cache, inside the call.
  bool inline_answer = false;
  provider->GetCredentialsAsync([&](Result<Credentials> c) { inline_answer = c.ok(); });
  EXPECT_TRUE(inline_answer);
  EXPECT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(transport_.request_count(), 1u);
}

TEST_F(ContainerProviderFakeTest, RefreshesFiveMinutesBeforeExpiryWithoutMakingCallersWait) {
  auto provider = MakeEcs();
  transport_.EnqueueResponse(200, CredentialsJson("ASIA1", In(3'600'000)));
  ASSERT_EQ(Ask(*provider)->access_key_id, "ASIA1");

  struct Step {
    int64_t advance_to_ms;  // from the start
    size_t want_requests;
    std::string want_key;  // what the call signs with
  };
  transport_.EnqueueResponse(200, CredentialsJson("ASIA2", In(7'200'000)));
  const Step steps[] = {
      {3'000'000, 1, "ASIA1"},      // 50 min: fresh
      {3'300'000 - 1, 1, "ASIA1"},  // 1 ms before the refresh window
      {3'300'000, 2, "ASIA1"},      // in the window: refresh starts, cached answer
      {3'300'001, 2, "ASIA2"},      // the refreshed ones
      {6'900'000 - 1, 2, "ASIA2"},
  };
  int64_t at = 0;
  for (const Step& s : steps) {
    clock_.Advance(milliseconds(s.advance_to_ms - at));
    at = s.advance_to_ms;
    bool answered_inline = false;
    std::string key;
    provider->GetCredentialsAsync([&](Result<Credentials> c) {
      answered_inline = true;
      key = c.ok() ? c->access_key_id : c.status().ToString();
    });
    EXPECT_TRUE(answered_inline) << "at " << at << ": valid credentials never wait";
    EXPECT_EQ(key, s.want_key) << "at " << at;
    test_support::RunUntil(
        io_, [] { return false; }, milliseconds(20));
    EXPECT_EQ(transport_.request_count(), s.want_requests) << "at " << at;
  }
}

TEST_F(ContainerProviderFakeTest, ExpiredCredentialsMakeCallersWaitForNewOnes) {
  auto provider = MakeEcs();
  transport_.EnqueueResponse(200, CredentialsJson("ASIA1", In(60'000)));
  ASSERT_TRUE(Ask(*provider).ok());
  clock_.Advance(milliseconds(60'000));
  EXPECT_EQ(provider->GetCredentials().status().code(), Status::Code::kUnavailable);
  transport_.EnqueueResponse(200, CredentialsJson("ASIA2", In(3'660'000)));
  auto got = Ask(*provider);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->access_key_id, "ASIA2");
}

TEST_F(ContainerProviderFakeTest, AFailedRefreshKeepsTheCachedOnesAndIsRetriedLater) {
  auto provider = MakeEcs();
  transport_.EnqueueResponse(200, CredentialsJson("ASIA1", In(3'600'000)));
  ASSERT_TRUE(Ask(*provider).ok());
  clock_.Advance(milliseconds(3'400'000));  // in the refresh window
  for (int i = 0; i < 3; ++i) transport_.EnqueueResponse(500, R"({"code":"InternalError"})");
  EXPECT_EQ(Ask(*provider)->access_key_id, "ASIA1");
  test_support::RunUntil(
      io_, [&] { return transport_.request_count() == 4; }, milliseconds(2000));
  EXPECT_EQ(transport_.request_count(), 4u) << "1 + 3 attempts";
  test_support::RunUntil(
      io_, [] { return false; }, milliseconds(20));  // the last answer
  // Within refresh_retry_interval (30 s) no new fetch; after it, one.
  clock_.Advance(milliseconds(29'000));
  EXPECT_EQ(Ask(*provider)->access_key_id, "ASIA1");
  test_support::RunUntil(
      io_, [] { return false; }, milliseconds(20));
  EXPECT_EQ(transport_.request_count(), 4u);
  transport_.EnqueueResponse(200, CredentialsJson("ASIA2", In(7'200'000)));
  clock_.Advance(milliseconds(1'000));
  EXPECT_EQ(Ask(*provider)->access_key_id, "ASIA1");
  test_support::RunUntil(
      io_, [&] { return transport_.request_count() == 5; }, milliseconds(2000));
  test_support::RunUntil(
      io_, [] { return false; }, milliseconds(20));
  EXPECT_EQ(Ask(*provider)->access_key_id, "ASIA2");
}

TEST_F(ContainerProviderFakeTest, ErrorsReachWaitersClassified) {
  struct Case {
    std::vector<Result<HttpResponse>> answers;
    Status::Code want;
    size_t want_requests;
  };
  auto response = [](int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return Result<HttpResponse>(std::move(r));
  };
  const Case cases[] = {
      {{response(403, R"({"code":"AccessDenied","message":"bad token"})")},
       Status::Code::kPermissionDenied,
       1},
      {{response(404, "")}, Status::Code::kFailedPrecondition, 1},
      {{response(503, ""), response(503, ""), response(503, "")}, Status::Code::kUnavailable, 3},
      {{Status::DeadlineExceeded("timed out"), Status::Unavailable("refused"),
        Status::DeadlineExceeded("timed out")},
       Status::Code::kDeadlineExceeded,
       3},
      {{response(200, "<html>")}, Status::Code::kUnavailable, 1},
  };
  for (const Case& c : cases) {
    FakeHttpTransport transport(io_);
    Provider::Options options;
    options.retry_delay = milliseconds(0);
    Provider provider(io_, transport, clock_,
                      Environment::FromMap({{Provider::kRelativeUriEnv, "/v2/c"}}), options);
    for (const auto& a : c.answers) transport.Enqueue(a);
    transport.EnqueueResponse(200, CredentialsJson("NEVER", In(3'600'000)));
    auto got = Ask(provider);
    EXPECT_EQ(got.status().code(), c.want) << got.status().ToString();
    EXPECT_NE(got.status().message().find("http://169.254.170.2/v2/c"), std::string::npos)
        << got.status().message();
    EXPECT_EQ(transport.request_count(), c.want_requests);
  }
}

TEST_F(ContainerProviderFakeTest, AuthorizationTokenFromFileFirstReadAtEachFetch) {
  char path[] = "/tmp/wharf-container-token-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "token-from-file\n";
  auto provider = Make({{Provider::kFullUriEnv, "http://127.0.0.1:1234/creds"},
                        {Provider::kTokenFileEnv, path},
                        {Provider::kTokenEnv, "token-from-env"}});
  transport_.EnqueueResponse(200, CredentialsJson("ASIA1", In(60'000)));
  ASSERT_TRUE(Ask(*provider).ok());
  std::ofstream(path) << "rotated-token";
  clock_.Advance(milliseconds(60'000));
  transport_.EnqueueResponse(200, CredentialsJson("ASIA2", In(3'660'000)));
  ASSERT_TRUE(Ask(*provider).ok());
  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Url(), "http://127.0.0.1:1234/creds");
  EXPECT_EQ(*requests[0].FindHeader("Authorization"), "token-from-file");
  EXPECT_EQ(*requests[1].FindHeader("Authorization"), "rotated-token");
  ::unlink(path);

  auto from_env = Make({{Provider::kFullUriEnv, "http://127.0.0.1:1234/creds"},
                        {Provider::kTokenEnv, "token-from-env"}});
  transport_.EnqueueResponse(200, CredentialsJson("ASIA3", In(3'660'000)));
  ASSERT_TRUE(Ask(*from_env).ok());
  EXPECT_EQ(*transport_.requests().back().FindHeader("Authorization"), "token-from-env");

  auto injected = Make({{Provider::kFullUriEnv, "http://127.0.0.1:1234/creds"},
                        {Provider::kTokenEnv, "a\r\nX-Evil: 1"}});
  auto refused = Ask(*injected);
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(refused.status().message().find("Evil"), std::string::npos);
}

// A one-shot HTTP/1.1 server on 127.0.0.1 for the fetch over real sockets:
// answers every request with `body` (Connection: close) and keeps the last
// request's head.
class LoopbackCredentialsServer {
 public:
  LoopbackCredentialsServer(asio::io_context& io, std::string body)
      : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        body_(std::move(body)) {
    Accept();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  const std::string& last_request() const { return last_request_; }
  int requests() const { return requests_; }

 private:
  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
      if (ec) return;
      auto s = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
      auto buffer = std::make_shared<asio::streambuf>();
      asio::async_read_until(
          *s, *buffer, "\r\n\r\n", [this, s, buffer](boost::system::error_code ec, size_t) {
            if (ec) return;
            last_request_.assign(asio::buffers_begin(buffer->data()),
                                 asio::buffers_end(buffer->data()));
            ++requests_;
            auto answer = std::make_shared<std::string>(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                "Connection: close\r\nContent-Length: " +
                std::to_string(body_.size()) + "\r\n\r\n" + body_);
            asio::async_write(*s, asio::buffer(*answer),
                              [s, answer](boost::system::error_code, size_t) {
                                s->shutdown(asio::ip::tcp::socket::shutdown_both);
                              });
          });
      Accept();
    });
  }

  asio::ip::tcp::acceptor acceptor_;
  std::string body_;
  std::string last_request_;
  int requests_ = 0;
};

// The default chain finds container credentials over a real loopback
// connection when neither the environment nor the shared files have keys, and
// AwsClient signs with them (session token included).
TEST(ContainerCredentialsLoopbackTest, DefaultChainFetchesAndTheClientSignsWithThem) {
  asio::io_context io;
  SystemClock clock;
  LoopbackCredentialsServer server(io, CredentialsJson("ASIACONTAINER", "2100-01-01T00:00:00Z"));
  CurlHttpTransport curl(io);
  const std::string url =
      "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/credentials?role=task";
  Environment env = Environment::FromMap({{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c"},
                                          {"AWS_CONFIG_FILE", "/nonexistent/config"},
                                          {Provider::kFullUriEnv, url},
                                          {Provider::kTokenEnv, "pod-identity-token"}});
  auto chain = ChainCredentialsProvider::Default(env, "", {io, curl, clock});
  ASSERT_EQ(chain->size(), 3u);

  FakeHttpTransport aws(io);
  aws.EnqueueResponse(200, "{}");
  AwsClient::Options options;
  options.region = "eu-west-1";
  AwsClient client(io, aws, *chain, EndpointResolver(Environment::FromMap({})), clock, options);
  std::optional<Outcome<nlohmann::json>> got;
  client.CallJson(services::kEcs, "ListClusters", {},
                  [&](Outcome<nlohmann::json> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(
      io, [&] { return got.has_value(); }, milliseconds(10'000)));
  ASSERT_TRUE(got->ok()) << got->status().ToString();

  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(server.last_request().rfind("GET /v1/credentials?role=task HTTP/1.1\r\n", 0), 0u)
      << server.last_request();
  EXPECT_NE(server.last_request().find("\r\nAuthorization: pod-identity-token\r\n"),
            std::string::npos)
      << server.last_request();
  const HttpRequest signed_request = aws.requests().at(0);
  EXPECT_NE(signed_request.FindHeader("Authorization")->find("Credential=ASIACONTAINER/"),
            std::string::npos);
  EXPECT_EQ(*signed_request.FindHeader("X-Amz-Security-Token"), "token-ASIACONTAINER");

  // The environment comes first when it has keys.
  Environment with_keys = Environment::FromMap({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                                                {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                                                {Provider::kFullUriEnv, url}});
  auto env_first = ChainCredentialsProvider::Default(with_keys, "", {io, curl, clock});
  EXPECT_EQ(env_first->GetCredentials()->access_key_id, "AKIAENV");
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace wharf::aws
