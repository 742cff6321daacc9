// AWS client benchmark: what one Wharf process pays per AWS call.
//
//   aws_client_bench [--calls N] [--runs R] [--endpoint http://127.0.0.1:PORT]
//
// Against a minimal HTTP/1.1 responder on 127.0.0.1 (keep-alive, a fixed
// ECS-shaped JSON answer, run in a forked child so that this process's CPU
// time is the client's alone), or against --endpoint (e.g. the local cloud,
// which then measures moto more than the client). Prints, as the median of
// R runs:
//   - AwsClient calls per second and p50/p99 latency with 1, 8 and 64 calls
//     in flight (ECS ListClusters: build, rate-limiter-free path, sign, send,
//     parse), and the client's CPU time per call;
//   - CPU time per call spent signing (SigV4Signer in a loop) and in HTTP
//     (CurlHttpTransport sending a pre-signed request: curl multi + Asio),
//     in microseconds (CLOCK_PROCESS_CPUTIME_ID over N calls).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/curl_http_transport.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/sigv4_signer.h"
#include "common/base/asio.h"
#include "common/base/clock.h"
#include "common/base/logging.h"

namespace wharf::aws {
namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// The responder: HTTP/1.1 keep-alive on 127.0.0.1, one fixed answer.

constexpr char kAnswerBody[] =
    R"({"clusterArns":["arn:aws:ecs:us-east-1:123456789012:cluster/web"]})";

class Responder {
 public:
  explicit Responder(asio::io_context& io)
      : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    answer_ = std::string("HTTP/1.1 200 OK\r\n") +
              "Content-Type: application/x-amz-json-1.1\r\n"
              "x-amzn-RequestId: 6c5c2d2e-0000-4000-8000-000000000000\r\n"
              "Content-Length: " +
              std::to_string(std::strlen(kAnswerBody)) + "\r\n\r\n" + kAnswerBody;
    Accept();
  }
  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Connection : std::enable_shared_from_this<Connection> {
    explicit Connection(asio::ip::tcp::socket s, const std::string& answer)
        : socket(std::move(s)), answer(answer) {}
    asio::ip::tcp::socket socket;
    const std::string& answer;
    std::string buffer;

    void Read() {
      // Answer every complete request in the buffer, then read more.
      for (;;) {
        size_t head_end = buffer.find("\r\n\r\n");
        if (head_end == std::string::npos) break;
        size_t length = 0;
        size_t cl = FindHeader(buffer, head_end, "content-length:");
        if (cl != std::string::npos) length = std::strtoul(buffer.c_str() + cl, nullptr, 10);
        const size_t total = head_end + 4 + length;
        if (buffer.size() < total) break;
        buffer.erase(0, total);
        pending_answers++;
      }
      if (pending_answers > 0) {
        auto self = shared_from_this();
        out.clear();
        for (int i = 0; i < pending_answers; ++i) out += answer;
        pending_answers = 0;
        asio::async_write(socket, asio::buffer(out), [self](boost::system::error_code ec, size_t) {
          if (!ec) self->Read();
        });
        return;
      }
      auto self = shared_from_this();
      socket.async_read_some(asio::buffer(chunk), [self](boost::system::error_code ec, size_t n) {
        if (ec) return;
        self->buffer.append(self->chunk.data(), n);
        self->Read();
      });
    }

    static size_t FindHeader(const std::string& text, size_t end, const char* name) {
      const size_t len = std::strlen(name);
      for (size_t i = 0; i + len < end; ++i) {
        if ((i == 0 || text[i - 1] == '\n') && strncasecmp(text.c_str() + i, name, len) == 0) {
          return i + len;
        }
      }
      return std::string::npos;
    }

    std::array<char, 16384> chunk{};
    std::string out;
    int pending_answers = 0;
  };

  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
      if (ec) return;
      socket.set_option(asio::ip::tcp::no_delay(true));
      std::make_shared<Connection>(std::move(socket), answer_)->Read();
      Accept();
    });
  }

  asio::ip::tcp::acceptor acceptor_;
  std::string answer_;
};

// Forks the responder; returns its port (or -1) and sets `child`.
int StartResponder(pid_t* child) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::close(fds[0]);
    asio::io_context io;
    Responder responder(io);
    int port = responder.port();
    if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(1);
    ::close(fds[1]);
    io.run();
    ::_exit(0);
  }
  ::close(fds[1]);
  int port = -1;
  if (::read(fds[0], &port, sizeof port) != sizeof port) port = -1;
  ::close(fds[0]);
  *child = pid;
  return port;
}

// ---------------------------------------------------------------------------

struct LoadResult {
  double calls_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  double cpu_us_per_call = 0;
  int failures = 0;
};

// `calls` operations, `in_flight` at a time, each started by `start(done)`.
LoadResult RunLoad(asio::io_context& io, int calls, int in_flight,
                   const std::function<void(std::function<void(bool)>)>& start) {
  LoadResult result;
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(calls));
  int started = 0;
  int completed = 0;
  std::function<void()> launch = [&] {
    ++started;
    const auto begin = Clock::now();
    start([&, begin](bool ok) {
      latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
      if (!ok) ++result.failures;
      ++completed;
      if (started < calls) launch();
    });
  };
  const double cpu0 = CpuSeconds();
  const auto wall0 = Clock::now();
  for (int i = 0; i < in_flight && started < calls; ++i) launch();
  auto guard = asio::make_work_guard(io);
  while (completed < calls) io.run_one_for(std::chrono::seconds(5));
  const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
  const double cpu = CpuSeconds() - cpu0;
  // Releasing the guard with no work left stops the io_context: restart it
  // for the next load.
  guard.reset();
  io.restart();
  result.calls_per_second = calls / wall;
  result.p50_us = Percentile(latencies, 0.50);
  result.p99_us = Percentile(latencies, 0.99);
  result.cpu_us_per_call = cpu * 1e6 / calls;
  return result;
}

HttpRequest ListClustersRequest(const std::string& endpoint) {
  HttpRequest request;
  request.method = "POST";
  request.endpoint = endpoint;
  request.path = "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"},
                     {"User-Agent", "wharf/0.1"}};
  request.body = "{}";
  return request;
}

int Main(int argc, char** argv) {
  int calls = 5000;
  int runs = 5;
  std::string endpoint;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--calls" && i + 1 < argc) {
      calls = std::atoi(argv[++i]);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (arg == "--endpoint" && i + 1 < argc) {
      endpoint = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--calls N] [--runs R] [--endpoint URL]\n", argv[0]);
      return 2;
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  SetLogLevel("warn");
  pid_t responder = -1;
  if (endpoint.empty()) {
    const int port = StartResponder(&responder);
    if (port <= 0) {
      std::fprintf(stderr, "cannot start the responder\n");
      return 1;
    }
    endpoint = "http://127.0.0.1:" + std::to_string(port);
  }

  std::printf("machine: %u cpus (nproc), %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str());
  std::printf("endpoint: %s (%s)\n", endpoint.c_str(),
              responder > 0 ? "minimal keep-alive responder in a child process: measures the client"
                            : "given");
  std::printf("%d calls per run, median of %d runs\n\n", calls, runs);

  Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "bench"};
  SystemClock clock;

  // Signing alone.
  {
    SigV4Signer signer;
    const HttpRequest base = ListClustersRequest(endpoint);
    std::vector<double> per_call;
    const int n = std::max(calls * 4, 1000);
    for (int r = 0; r < runs; ++r) {
      const double cpu0 = CpuSeconds();
      for (int i = 0; i < n; ++i) {
        HttpRequest request = base;
        Status s =
            signer.SignInPlace(request, credentials, "us-east-1", "ecs", clock.NowUnixMs() / 1000);
        if (!s.ok()) return 1;
      }
      per_call.push_back((CpuSeconds() - cpu0) * 1e6 / n);
    }
    std::printf("signing (SigV4Signer, ECS ListClusters, cached key): %.2f us CPU per call\n",
                Median(per_call));
  }

  asio::io_context io;
  CurlHttpTransport transport(io);
  EnvCredentialsProvider env(
      Environment::FromMap({{"AWS_ACCESS_KEY_ID", credentials.access_key_id},
                            {"AWS_SECRET_ACCESS_KEY", credentials.secret_access_key}}));

  // HTTP alone: a pre-signed request through the transport.
  {
    SigV4Signer signer;
    HttpRequest signed_request = ListClustersRequest(endpoint);
    if (!signer
             .SignInPlace(signed_request, credentials, "us-east-1", "ecs", clock.NowUnixMs() / 1000)
             .ok()) {
      return 1;
    }
    std::printf("HTTP (CurlHttpTransport, pre-signed request):\n");
    for (int window : {1, 8, 64}) {
      std::vector<double> cpu;
      std::vector<double> rate;
      int failures = 0;
      RunLoad(io, std::min(calls, 500), window, [&](auto done) {  // warm connections
        transport.Send(signed_request, [done](Result<HttpResponse> r) { done(r.ok()); });
      });
      for (int r = 0; r < runs; ++r) {
        LoadResult got = RunLoad(io, calls, window, [&](auto done) {
          transport.Send(signed_request,
                         [done](Result<HttpResponse> r) { done(r.ok() && r->status == 200); });
        });
        cpu.push_back(got.cpu_us_per_call);
        rate.push_back(got.calls_per_second);
        failures += got.failures;
      }
      std::printf("  %2d in flight: %8.0f calls/s, %6.1f us CPU per call%s\n", window, Median(rate),
                  Median(cpu), failures ? " (FAILURES)" : "");
    }
  }

  // The whole client.
  {
    AwsClient::Options options;
    options.region = "us-east-1";
    AwsClient client(io, transport, env, EndpointResolver(Environment::FromMap({}), endpoint),
                     clock, options);
    std::printf("AwsClient (CallJson ECS ListClusters: build, sign, send, parse):\n");
    for (int window : {1, 8, 64}) {
      std::vector<double> rate, p50, p99, cpu;
      int failures = 0;
      auto start = [&](std::function<void(bool)> done) {
        client.CallJson(services::kEcs, "ListClusters", nlohmann::json::object(),
                        [done](Outcome<nlohmann::json> r) { done(r.ok()); });
      };
      RunLoad(io, std::min(calls, 500), window, start);
      for (int r = 0; r < runs; ++r) {
        LoadResult got = RunLoad(io, calls, window, start);
        rate.push_back(got.calls_per_second);
        p50.push_back(got.p50_us);
        p99.push_back(got.p99_us);
        cpu.push_back(got.cpu_us_per_call);
        failures += got.failures;
      }
      std::printf(
          "  %2d in flight: %8.0f calls/s, p50 %7.1f us, p99 %7.1f us, %6.1f us CPU per call%s\n",
          window, Median(rate), Median(p50), Median(p99), Median(cpu),
          failures ? " (FAILURES)" : "");
    }
    std::printf("  connections opened: %lld\n",
                static_cast<long long>(transport.connections_opened()));
  }

  if (responder > 0) {
    ::kill(responder, SIGTERM);
    ::waitpid(responder, nullptr, 0);
  }
  return 0;
}

}  // namespace
}  // namespace wharf::aws

int main(int argc, char** argv) { return wharf::aws::Main(argc, argv); }
