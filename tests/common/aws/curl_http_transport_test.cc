#include "common/aws/curl_http_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "common/aws/aws_client.h"
#include "common/aws/env_credentials_provider.h"
#include "common/base/clock.h"
#include "tests/support/free_port.h"
#include "tests/support/local_cloud_server.h"
#include "tests/support/run_until.h"

namespace wharf::aws {
namespace {

using std::chrono::milliseconds;

// A TCP listener on 127.0.0.1 that accepts connections into its backlog and
// never answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::listen(fd_, 16) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentServer() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = -1;
};

// A minimal HTTP/1.1 server with keep-alive on the test's io_context: answers
// every request with 200 and the request path as the body (after reading a
// Content-Length body, if any).
class KeepAliveServer {
 public:
  explicit KeepAliveServer(asio::io_context& io)
      : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    Accept();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }
  int max_concurrent() const { return max_concurrent_; }

 private:
  struct Connection {
    explicit Connection(asio::ip::tcp::socket s) : socket(std::move(s)) {}
    asio::ip::tcp::socket socket;
    asio::streambuf buffer;
  };

  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
      if (ec) return;
      ++connections_;
      Read(std::make_shared<Connection>(std::move(socket)));
      Accept();
    });
  }

  void Read(std::shared_ptr<Connection> c) {
    asio::async_read_until(
        c->socket, c->buffer, "\r\n\r\n",
        [this, c](boost::system::error_code ec, size_t header_size) {
          if (ec) return;
          std::string head(asio::buffers_begin(c->buffer.data()),
                           asio::buffers_begin(c->buffer.data()) + header_size);
          c->buffer.consume(header_size);
          size_t length = 0;
          if (size_t at = head.find("Content-Length: "); at != std::string::npos) {
            length = std::stoul(head.substr(at + 16));
          }
          std::string path = head.substr(head.find(' ') + 1);
          path = path.substr(0, path.find(' '));
          ++active_;
          max_concurrent_ = std::max(max_concurrent_, active_);
          size_t have = c->buffer.size();
          asio::async_read(c->socket, c->buffer,
                           asio::transfer_exactly(length > have ? length - have : 0),
                           [this, c, length, path](boost::system::error_code ec, size_t) {
                             if (ec) return;
                             c->buffer.consume(length);
                             Respond(c, path);
                           });
        });
  }

  void Respond(std::shared_ptr<Connection> c, const std::string& path) {
    // Answer on a later turn so concurrent requests overlap.
    asio::post(acceptor_.get_executor(), [this, c, path] {
      --active_;
      auto response = std::make_shared<std::string>(
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Served-By: test\r\n"
          "Content-Length: " +
          std::to_string(path.size()) + "\r\n\r\n" + path);
      asio::async_write(c->socket, asio::buffer(*response),
                        [this, c, response](boost::system::error_code ec, size_t) {
                          if (!ec) Read(c);
                        });
    });
  }

  asio::ip::tcp::acceptor acceptor_;
  int connections_ = 0;
  int active_ = 0;
  int max_concurrent_ = 0;
};

HttpRequest Get(const std::string& endpoint, const std::string& path) {
  HttpRequest request;
  request.method = "GET";
  request.endpoint = endpoint;
  request.path = path;
  return request;
}

TEST(CurlHttpTransportTest, ClosedPortIsUnavailable) {
  asio::io_context io;
  CurlHttpTransport transport(io);
  int port = test_support::PickFreeTcpPort();
  ASSERT_GT(port, 0);
  std::optional<Result<HttpResponse>> got;
  transport.Send(Get("http://127.0.0.1:" + std::to_string(port), "/"),
                 [&](Result<HttpResponse> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(io, [&] { return got.has_value(); }));
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->status().code(), Status::Code::kUnavailable) << got->status().ToString();
  EXPECT_EQ(transport.in_flight(), 0u);
}

TEST(CurlHttpTransportTest, AwsCallToClosedPortGivesRetryableError) {
  asio::io_context io;
  CurlHttpTransport transport(io);
  EnvCredentialsProvider credentials(
      Environment::FromMap({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}}));
  SystemClock clock;
  AwsClient::Options options;
  options.region = "us-east-1";
  options.retry.base_delay = milliseconds(10);
  int port = test_support::PickFreeTcpPort();
  AwsClient client(
      io, transport, credentials,
      EndpointResolver(Environment::FromMap({}), "http://127.0.0.1:" + std::to_string(port)), clock,
      options);
  std::optional<Outcome<nlohmann::json>> got;
  client.CallJson(services::kEcs, "ListClusters", {},
                  [&](Outcome<nlohmann::json> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(io, [&] { return got.has_value(); }));
  ASSERT_FALSE(got->ok());
  EXPECT_TRUE(got->error().retryable());
  EXPECT_EQ(got->error().code(), "ConnectionError");
  EXPECT_EQ(got->error().http_status(), 0);
  EXPECT_EQ(got->status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(client.attempts_sent(), 3);
}

TEST(CurlHttpTransportTest, TotalTimeout) {
  asio::io_context io;
  CurlHttpTransport transport(io);
  SilentServer silent;
  ASSERT_GT(silent.port(), 0);
  HttpRequest request = Get("http://127.0.0.1:" + std::to_string(silent.port()), "/");
  request.timeout = milliseconds(200);
  std::optional<Result<HttpResponse>> got;
  const auto start = std::chrono::steady_clock::now();
  transport.Send(request, [&](Result<HttpResponse> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(io, [&] { return got.has_value(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->status().code(), Status::Code::kDeadlineExceeded) << got->status().ToString();
}

TEST(CurlHttpTransportTest, DestructionAbandonsRequestsInFlight) {
  asio::io_context io;
  SilentServer silent;
  bool called = false;
  {
    CurlHttpTransport transport(io);
    for (int i = 0; i < 5; ++i) {
      transport.Send(Get("http://127.0.0.1:" + std::to_string(silent.port()), "/"),
                     [&](Result<HttpResponse>) { called = true; });
    }
    test_support::RunUntil(io, [&] { return transport.in_flight() == 5; });
    EXPECT_EQ(transport.in_flight(), 5u);
  }
  // Handlers still queued for the destroyed transport run harmlessly.
  io.run_for(milliseconds(50));
  EXPECT_FALSE(called);
}

TEST(CurlHttpTransportTest, BadUrlIsInvalidArgument) {
  asio::io_context io;
  CurlHttpTransport transport(io);
  std::optional<Result<HttpResponse>> got;
  transport.Send(Get("gopher://127.0.0.1:1", "/"),
                 [&](Result<HttpResponse> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(io, [&] { return got.has_value(); }));
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->status().code(), Status::Code::kInvalidArgument) << got->status().ToString();
}

TEST(CurlHttpTransportTest, ReusesKeepAliveConnections) {
  asio::io_context io;
  KeepAliveServer server(io);
  CurlHttpTransport transport(io);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(server.port());
  for (int i = 0; i < 10; ++i) {
    std::optional<Result<HttpResponse>> got;
    transport.Send(Get(endpoint, "/item/" + std::to_string(i)),
                   [&](Result<HttpResponse> r) { got.emplace(std::move(r)); });
    ASSERT_TRUE(test_support::RunUntil(io, [&] { return got.has_value(); }));
    ASSERT_TRUE(got->ok()) << got->status().ToString();
    EXPECT_EQ(got->value().status, 200);
    EXPECT_EQ(got->value().body, "/item/" + std::to_string(i));
    ASSERT_NE(got->value().FindHeader("x-served-by"), nullptr);
  }
  EXPECT_EQ(transport.connections_opened(), 1);
  EXPECT_EQ(server.connections(), 1);
}

TEST(CurlHttpTransportTest, ManyConcurrentRequestsOnOneThread) {
  asio::io_context io;
  KeepAliveServer server(io);
  CurlHttpTransport transport(io);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(server.port());
  constexpr int kRequests = 100;
  int ok = 0;
  int done = 0;
  for (int i = 0; i < kRequests; ++i) {
    HttpRequest request = Get(endpoint, "/n/" + std::to_string(i));
    request.method = "POST";
    request.body = std::string(1000 + i, 'x');
    transport.Send(request, [&, i](Result<HttpResponse> r) {
      ++done;
      if (r.ok() && r->status == 200 && r->body == "/n/" + std::to_string(i)) ++ok;
    });
  }
  ASSERT_TRUE(test_support::RunUntil(
      io, [&] { return done == kRequests; }, std::chrono::seconds(30)));
  EXPECT_EQ(ok, kRequests);
  EXPECT_GT(server.max_concurrent(), 1) << "requests did not overlap";
  // A second wave reuses the idle connections.
  const int64_t opened = transport.connections_opened();
  done = 0;
  for (int i = 0; i < 10; ++i) {
    transport.Send(Get(endpoint, "/again"), [&](Result<HttpResponse>) { ++done; });
  }
  ASSERT_TRUE(test_support::RunUntil(io, [&] { return done == 10; }));
  EXPECT_EQ(transport.connections_opened(), opened);
}

TEST(CurlHttpTransportTest, GetAgainstTheLocalCloud) {
  test_support::LocalCloudServer cloud;
  Status started = cloud.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  asio::io_context io;
  CurlHttpTransport transport(io);
  std::optional<Result<HttpResponse>> got;
  transport.Send(Get(cloud.endpoint(), "/_localcloud/health"),
                 [&](Result<HttpResponse> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(io, [&] { return got.has_value(); }));
  ASSERT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_EQ(got->value().status, 200);
}

}  // namespace
}  // namespace wharf::aws
