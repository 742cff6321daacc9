// wharf-watcher: runs one watcher kind and publishes what it sees. Today the
// kind is "spec" (a directory of app YAML files).
#include <cstdio>

#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/base/ids.h"
#include "common/base/logging.h"
#include "common/bus/health_reporter.h"
#include "common/bus/publisher.h"
#include "common/bus/subscriber.h"
#include "common/runtime/process_runtime.h"
#include "watchers/spec_watcher.h"

int main(int argc, char** argv) {
  using namespace wharf;
  CLI::App app{"wharf-watcher: publishes desired state and cloud events onto the bus"};
  ProcessRuntime::Flags flags;
  ProcessRuntime::AddFlags(app, &flags);
  std::string kind = "spec";
  std::string dir;
  app.add_option("--kind", kind, "Watcher kind")->check(CLI::IsMember({"spec"}));
  app.add_option("--dir", dir, "Specs directory (default: the config's specs_dir)");
  CLI11_PARSE(app, argc, argv);
  auto config = ProcessRuntime::LoadConfig(flags);
  if (!config.ok()) {
    std::fprintf(stderr, "wharf-watcher: %s\n", config.status().message().c_str());
    return 2;
  }
  if (dir.empty()) dir = config->specs_dir();
  auto log = Logger("watcher");
  asio::io_context io;
  SystemClock clock;
  Counters counters("wharf_watcher");
  bus::SocketFactory sockets;
  const std::string component = "watcher/" + kind;
  const std::string instance = ProcessInstanceName();
  bus::Publisher publisher(sockets, config->bus().publish(), component + "@" + instance, clock,
                           counters);
  watchers::SpecWatcher watcher(io, dir, publisher, clock, {});
  // The controller asks for a snapshot until it has one, and on sequence gaps.
  bus::Subscriber resync(
      io, sockets, config->bus().subscribe(), {"resync_request"},
      [&](const v1::Envelope& e) {
        const std::string& who = e.resync_request().source();
        if (who.empty() || who == component) watcher.Resync();
      },
      counters);
  bus::HealthReporter health(
      io, publisher, component, instance, counters, [] { return true; },
      std::chrono::milliseconds(config->heartbeat_interval_ms()));
  for (Status s : {publisher.Start(), resync.Start()}) {
    if (!s.ok()) {
      log->error("cannot start: {}", s.ToString());
      return 1;
    }
  }
  if (auto s = watcher.Start(); !s.ok()) {
    log->error("cannot watch {}: {}", dir, s.ToString());
    return 1;
  }
  health.Start();
  log->info("watching {}", dir);
  ProcessRuntime::RunUntilSignal(io, [&] { io.stop(); });
  return 0;
}
