// wharf-bus: the message bus (XSUB/XPUB proxy). Wires BusProxy to the config.
#include <cstdio>

#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/base/ids.h"
#include "common/base/logging.h"
#include "common/bus/bus_proxy.h"
#include "common/bus/health_reporter.h"
#include "common/bus/publisher.h"
#include "common/runtime/process_runtime.h"

int main(int argc, char** argv) {
  using namespace wharf;
  CLI::App app{"wharf-bus: forwards every event from publishers to subscribers"};
  ProcessRuntime::Flags flags;
  ProcessRuntime::AddFlags(app, &flags);
  CLI11_PARSE(app, argc, argv);
  auto config = ProcessRuntime::LoadConfig(flags);
  if (!config.ok()) {
    std::fprintf(stderr, "wharf-bus: %s\n", config.status().message().c_str());
    return 2;
  }

  asio::io_context io;
  SystemClock clock;
  Counters counters("wharf_bus");
  bus::SocketFactory sockets;
  bus::BusProxy proxy(io, sockets, config->bus().publish(), config->bus().subscribe(), counters);
  if (auto s = proxy.Start(); !s.ok()) {
    Logger("bus")->error("cannot start: {}", s.ToString());
    return 1;
  }
  // The bus reports its own health (and drop counters) through itself.
  const std::string instance = ProcessInstanceName();
  bus::Publisher publisher(sockets, config->bus().publish(), "bus@" + instance, clock, counters);
  if (auto s = publisher.Start(); !s.ok()) {
    Logger("bus")->error("cannot start: {}", s.ToString());
    return 1;
  }
  bus::HealthReporter health(
      io, publisher, "bus", instance, counters, [] { return true; },
      std::chrono::milliseconds(config->heartbeat_interval_ms()));
  health.Start();
  Logger("bus")->info("forwarding {} -> {}", config->bus().publish(), config->bus().subscribe());
  ProcessRuntime::RunUntilSignal(io, [&] { io.stop(); });
  return 0;
}
