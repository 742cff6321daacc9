// wharf-controller: wires the Controller to the bus (events in and out),
// the dispatch socket (executors) and the control socket (CLI).
#include <cstdio>
#include <memory>

#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/base/ids.h"
#include "common/base/logging.h"
#include "common/bus/control_server.h"
#include "common/bus/dispatch_server.h"
#include "common/bus/health_reporter.h"
#include "common/bus/publisher.h"
#include "common/bus/subscriber.h"
#include "common/runtime/process_runtime.h"
#include "controller/bus_action_dispatcher.h"
#include "controller/controller.h"

int main(int argc, char** argv) {
  using namespace wharf;
  CLI::App app{"wharf-controller: plans and drives every app toward its spec"};
  ProcessRuntime::Flags flags;
  ProcessRuntime::AddFlags(app, &flags);
  CLI11_PARSE(app, argc, argv);
  auto config = ProcessRuntime::LoadConfig(flags);
  if (!config.ok()) {
    std::fprintf(stderr, "wharf-controller: %s\n", config.status().message().c_str());
    return 2;
  }
  auto log = Logger("controller");
  asio::io_context io;
  SystemClock clock;
  Counters counters("wharf_controller");
  bus::SocketFactory sockets;
  const std::string instance = ProcessInstanceName();
  bus::Publisher publisher(sockets, config->bus().publish(), "controller@" + instance, clock,
                           counters);

  std::unique_ptr<controller::Controller> ctl;  // built after the dispatcher it uses
  bus::HeartbeatOptions heartbeat{std::chrono::milliseconds(config->heartbeat_interval_ms()),
                                  config->heartbeat_liveness()};
  bus::DispatchServer dispatch(
      io, sockets, config->bus().dispatch(), heartbeat,
      {.on_result = [&](const v1::ActionResult& r) { ctl->OnResult(r); },
       .on_dispatched = [&](const v1::ActionRequest& r,
                            const std::string& ex) { ctl->OnDispatched(r, ex); },
       .on_requeued = [&](const std::string& a, const std::string& ex) { ctl->OnRequeued(a, ex); },
       .on_executor =
           [&](const std::string& ex, bool alive) {
             log->info("executor {} {}", ex, alive ? "connected" : "gone");
           }},
      clock, counters);
  controller::BusActionDispatcher dispatcher(dispatch);
  // The journal: what the controller was doing when it last stopped.
  auto journal = controller::Journal::Open(config->state_dir() + "/journal");
  if (!journal.ok()) {
    log->error("cannot open the journal: {}", journal.status().ToString());
    return 1;
  }
  controller::Controller::Options options;
  options.region = config->aws().region();
  options.resync_period = std::chrono::milliseconds(config->drift_poll_ms());
  options.journal = journal->get();
  options.required_watchers = {config->required_watchers().begin(),
                               config->required_watchers().end()};
  ctl =
      std::make_unique<controller::Controller>(io, publisher, dispatcher, clock, counters, options);
  if (auto recovered = ctl->Recover(); !recovered.ok()) {
    log->error("cannot replay the journal in {}/journal: {}", config->state_dir(),
               recovered.ToString());
    return 1;
  }
  bus::Subscriber events(
      io, sockets, config->bus().subscribe(), {"spec_", "component_health"},
      [&](const v1::Envelope& e) { ctl->OnEnvelope(e); }, counters);
  bus::ControlServer control(
      io, sockets, config->bus().control(),
      [&](const v1::ControlRequest& r) { return ctl->HandleControl(r); }, counters);
  bus::HealthReporter health(
      io, publisher, "controller", instance, counters, [&] { return ctl->synced(); },
      heartbeat.interval);
  for (Status s : {publisher.Start(), dispatch.Start(), events.Start(), control.Start()}) {
    if (!s.ok()) {
      log->error("cannot start: {}", s.ToString());
      return 1;
    }
  }
  ctl->Start();
  health.Start();
  log->info("dispatching on {}, control on {}", config->bus().dispatch(), config->bus().control());
  ProcessRuntime::RunUntilSignal(io, [&] { io.stop(); });
  return 0;
}
