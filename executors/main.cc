// wharf-executor: carries out the controller's actions against AWS. Wires
// the AWS client, the action handlers and the dispatch client.
#include <cstdio>
#include <memory>

#include "common/aws/aws_client.h"
#include "common/aws/chain_credentials_provider.h"
#include "common/aws/curl_http_transport.h"
#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/base/ids.h"
#include "common/base/logging.h"
#include "common/bus/dispatch_client.h"
#include "common/bus/health_reporter.h"
#include "common/bus/publisher.h"
#include "common/runtime/process_runtime.h"
#include "executors/app_handlers.h"
#include "executors/aws_clients.h"
#include "executors/ecs_cluster_handler.h"
#include "executors/executor.h"
#include "executors/network_handlers.h"

int main(int argc, char** argv) {
  using namespace wharf;
  CLI::App app{"wharf-executor: carries out actions against AWS"};
  ProcessRuntime::Flags flags;
  ProcessRuntime::AddFlags(app, &flags);
  std::string id;
  int capacity = 0;
  int hold_ms = 0;
  app.add_option("--id", id, "Executor id (default: executor@host:pid)");
  app.add_option("--capacity", capacity, "Actions held at once (default: the config's)");
  app.add_option("--test-hold-result-ms", hold_ms, "Test hook: hold each result this long")
      ->group("");
  CLI11_PARSE(app, argc, argv);
  auto config = ProcessRuntime::LoadConfig(flags);
  if (!config.ok()) {
    std::fprintf(stderr, "wharf-executor: %s\n", config.status().message().c_str());
    return 2;
  }
  auto env = aws::Environment::Process();
  // The config loader already resolved the region (file, AWS_REGION,
  // AWS_DEFAULT_REGION, default): one answer for every process.
  const std::string region = config->aws().region();
  const std::string instance = ProcessInstanceName();
  if (id.empty()) id = "executor@" + instance;
  if (capacity <= 0) capacity = config->executor_capacity();
  auto log = Logger("executor");
  asio::io_context io;
  SystemClock clock;
  Counters counters("wharf_executor");
  bus::SocketFactory sockets;

  aws::CurlHttpTransport transport(io);
  auto credentials =
      aws::ChainCredentialsProvider::Default(env, config->aws().profile(), {io, transport, clock});
  // One retry quota and one set of per-API rate buckets for every AWS client
  // of the process.
  aws::RetryQuota retry_quota;
  aws::ApiRateLimiter rate_limiter(io, clock);
  aws::AwsClient::Options aws_options;
  aws_options.region = region;
  aws_options.retry_quota = &retry_quota;
  aws_options.rate_limiter = &rate_limiter;
  aws::AwsClient aws_client(io, transport, *credentials,
                            aws::EndpointResolver(env, config->aws().endpoint_url()), clock,
                            aws_options);
  executors::AwsClients clients(aws_client);
  executors::HandlerRegistry registry;
  auto clusters = std::make_shared<executors::EcsClusterHandler>(clients.ecs);
  for (auto verb : {v1::CREATE, v1::UPDATE, v1::DELETE})
    registry.Register(v1::ECS_CLUSTER, verb, clusters);
  executors::RegisterNetworkHandlers(registry, clients);
  executors::RegisterAppHandlers(registry, clients);

  executors::Executor::Options executor_options;
  executor_options.hold_result = std::chrono::milliseconds(hold_ms);
  executors::Executor executor(io, registry, id, executor_options, counters);
  bus::HeartbeatOptions heartbeat{std::chrono::milliseconds(config->heartbeat_interval_ms()),
                                  config->heartbeat_liveness()};
  bus::DispatchClient dispatch(
      io, sockets, config->bus().dispatch(), id, capacity, heartbeat,
      [&](const v1::ActionRequest& r, bus::DispatchClient::Done done) {
        executor.Handle(r, std::move(done));
      },
      clock, counters);
  bus::Publisher publisher(sockets, config->bus().publish(), "executor@" + instance, clock,
                           counters);
  bus::HealthReporter health(
      io, publisher, "executor", id, counters, [] { return true; }, heartbeat.interval);
  for (Status s : {publisher.Start(), dispatch.Start()}) {
    if (!s.ok()) {
      log->error("cannot start: {}", s.ToString());
      return 1;
    }
  }
  health.Start();
  log->info("{} ready: capacity {}, region {}, handlers {}", id, capacity, region,
            registry.Names().size());
  ProcessRuntime::RunUntilSignal(io, [&] { dispatch.Stop(); });
  return 0;
}
