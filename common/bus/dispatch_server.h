#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/asio.h"
#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/bus/socket_factory.h"
#include "wharf/v1/control.pb.h"
#include "wharf/v1/dispatch.pb.h"
#include "wharf/v1/plan.pb.h"

namespace wharf::bus {

struct HeartbeatOptions {
  std::chrono::milliseconds interval{1000};
  // Heartbeat intervals of silence after which the peer is dead. Use at least
  // 2 (a heartbeat may arrive up to ~1.5 intervals after the previous one).
  int liveness = 3;
};

// Controller side of reliable work dispatch (ROUTER), after the ZeroMQ
// guide's Paranoid Pirate pattern:
// - executors say ExecutorHello with their capacity; each holds at most that
//   many actions (its credit);
// - heartbeats flow both ways every interval; an executor silent for
//   `liveness` intervals is dead and the actions it held go back to the
//   front of the queue with attempt + 1;
// - a result is accepted only from the executor holding that attempt; late
//   or duplicate results are dropped and counted ("dropped_stale_result").
// Also: a second hello from a known executor (it restarted or reconnected)
// requeues what it held; ExecutorBye requeues at once; a send that fails
// because the executor's connection is gone (ROUTER_MANDATORY) or its queue
// is full counts as its death. Each executor gets the queued actions it may
// run (ExecutorHello.handlers, "KIND/VERB"; empty = all), the one with the
// most free credit first. Liveness is measured with `clock`; the heartbeat
// timer is a real io timer.
// Owned and called by one io thread; callbacks run on it after the state
// change that caused them, and may call Submit and Cancel (not destroy the
// server).
class DispatchServer {
 public:
  struct Callbacks {
    std::function<void(const v1::ActionResult&)> on_result;
    std::function<void(const v1::ActionRequest&, const std::string& executor_id)> on_dispatched;
    // An action went back to the queue because its executor died or left.
    std::function<void(const std::string& action_id, const std::string& executor_id)> on_requeued;
    std::function<void(const std::string& executor_id, bool alive)> on_executor;
  };

  DispatchServer(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
                 HeartbeatOptions options, Callbacks callbacks, const Clock& clock,
                 Counters& counters);
  ~DispatchServer();
  Status Start();

  // Queues `action` (attempt 1); dispatched as soon as an executor has credit.
  // Submitting an id that is already queued or in flight is a no-op.
  void Submit(v1::Action action);
  // Forgets a queued or in-flight action; a later result for it is dropped.
  // An in-flight action keeps its executor's credit until that executor
  // answers or dies.
  void Cancel(const std::string& action_id);

  std::vector<v1::ExecutorState> Executors() const;
  size_t queued() const;
  size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
