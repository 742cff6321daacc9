// Bus benchmarks: the envelope codec per message, and pub -> proxy -> sub
// throughput over ipc:// (proxy on its own io thread, as in the bus process).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "common/base/asio.h"
#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/base/logging.h"
#include "common/bus/bus_proxy.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/publisher.h"
#include "common/bus/socket_factory.h"
#include "common/bus/subscriber.h"

namespace wharf::bus {
namespace {

// A typical controller event (~200 bytes encoded).
v1::Envelope ActionStatusEnvelope() {
  v1::Envelope envelope;
  envelope.set_schema_version(kSchemaVersion);
  envelope.set_id("0123456789abcdef");
  envelope.set_source("controller@host:1234");
  envelope.set_sequence(123456);
  envelope.set_timestamp_unix_ms(1'700'000'000'000);
  envelope.set_correlation_id("reconcile-fedcba9876543210");
  auto* status = envelope.mutable_action_status();
  status->set_app("shop");
  status->set_plan_id("plan-42");
  status->set_action_id("ecs_service/shop/update");
  status->set_verb(v1::UPDATE);
  status->mutable_resource()->set_kind(v1::ECS_SERVICE);
  status->mutable_resource()->set_name("shop-web");
  status->set_state(v1::ACTION_STATE_SUCCEEDED);
  status->set_attempt(1);
  status->set_executor_id("executor-1");
  status->set_message("service updated");
  status->set_resource_id("arn:aws:ecs:eu-west-1:123456789012:service/shop/shop-web");
  return envelope;
}

// A spec snapshot of `specs` apps, for size scaling.
v1::Envelope SnapshotEnvelope(int specs) {
  v1::Envelope envelope = ActionStatusEnvelope();
  auto* snapshot = envelope.mutable_spec_snapshot();
  for (int i = 0; i < specs; ++i) {
    auto* changed = snapshot->add_specs();
    changed->set_file("/etc/wharf/apps/app" + std::to_string(i) + ".yaml");
    changed->set_spec_hash(std::string(64, 'a' + i % 26));
  }
  return envelope;
}

void BM_EnvelopeEncodeDecode(benchmark::State& state) {
  const v1::Envelope envelope = state.range(0) == 0
                                    ? ActionStatusEnvelope()
                                    : SnapshotEnvelope(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    Frames frames = EnvelopeCodec::EncodePubSub(envelope);
    bytes += frames[1].size();
    auto decoded = EnvelopeCodec::DecodePubSub(frames);
    if (!decoded.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(decoded);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["envelope_bytes"] =
      static_cast<double>(EnvelopeCodec::EncodeSingle(envelope).size());
}
BENCHMARK(BM_EnvelopeEncodeDecode)->Arg(0)->Arg(10)->Arg(200);

// Publishes `messages` per iteration through a proxy to one subscriber,
// keeping at most `window` in flight so no high-water mark drops any.
void BM_PubProxySubThroughput(benchmark::State& state) {
  const int messages = static_cast<int>(state.range(0));
  constexpr int kWindow = 2000;

  char dir_template[] = "/tmp/wbbenchXXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string dir = dir_template;
  const std::string publish_endpoint = "ipc://" + dir + "/pub";
  const std::string subscribe_endpoint = "ipc://" + dir + "/sub";
  {
    SocketFactory sockets;
    SystemClock clock;
    Counters counters("bench");

    asio::io_context proxy_io;
    BusProxy proxy(proxy_io, sockets, publish_endpoint, subscribe_endpoint, counters);
    if (!proxy.Start().ok()) {
      state.SkipWithError("proxy start failed");
      return;
    }
    auto proxy_guard = asio::make_work_guard(proxy_io);
    std::thread proxy_thread([&proxy_io] { proxy_io.run(); });

    asio::io_context io;
    int64_t received = 0;
    Subscriber subscriber(
        io, sockets, subscribe_endpoint, {"action_"},
        [&received](const v1::Envelope&) { ++received; }, counters);
    Publisher publisher(sockets, publish_endpoint, "bench", clock, counters);
    bool ok = subscriber.Start().ok() && publisher.Start().ok();
    const v1::Envelope envelope = ActionStatusEnvelope();
    auto publish = [&] {
      v1::Envelope copy = envelope;
      copy.set_sequence(0);  // numbered by the publisher
      return publisher.Publish(std::move(copy)).ok();
    };
    // Until the subscription reaches the publisher, messages are dropped.
    auto work = asio::make_work_guard(io);
    for (int i = 0; ok && received == 0 && i < 500; ++i) {
      ok = publish();
      io.run_one_for(std::chrono::milliseconds(10));
    }
    if (!ok || received == 0) state.SkipWithError("pub/sub did not connect");
    while (io.poll() > 0) {
    }

    int64_t total = 0;
    for (auto _ : state) {
      const int64_t target = received + messages;
      int64_t sent = 0;
      while (received < target) {
        while (sent < messages && sent - (received - (target - messages)) < kWindow) {
          if (!publish()) break;
          ++sent;
        }
        io.run_one_for(std::chrono::milliseconds(100));
        while (io.poll_one() > 0) {
        }
      }
      total += messages;
    }
    state.SetItemsProcessed(total);
    state.counters["dropped"] = counters.Get("dropped_unparseable");

    proxy_guard.reset();
    proxy_io.stop();
    proxy_thread.join();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
BENCHMARK(BM_PubProxySubThroughput)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace wharf::bus

int main(int argc, char** argv) {
  wharf::SetLogLevel("warn");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
