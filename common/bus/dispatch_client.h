#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/base/asio.h"
#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/bus/dispatch_server.h"
#include "common/bus/socket_factory.h"
#include "wharf/v1/dispatch.pb.h"
#include "wharf/v1/plan.pb.h"

namespace wharf::bus {

// Executor side of work dispatch (DEALER). Says hello with its capacity,
// heartbeats, hands each ActionRequest to `handler` and sends the result
// back. When the controller is silent for `liveness` intervals it drops the
// socket, reconnects and says hello again (results of actions finished in the
// meantime are sent after the hello).
// A request for an action it is still running (the controller took it for
// dead, or it reconnected) is not run twice: the eventual result answers the
// newest attempt. `done` fills action_id, attempt and executor_id.
// Owned and called by one io thread; `handler` runs on it and must call
// `done` exactly once, on the io thread (post to it from other threads).
// Calls after the client is gone, and second calls, are ignored.
class DispatchClient {
 public:
  using Done = std::function<void(v1::ActionResult)>;
  using Handler = std::function<void(const v1::ActionRequest&, Done)>;

  DispatchClient(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
                 std::string executor_id, int capacity, HeartbeatOptions options, Handler handler,
                 const Clock& clock, Counters& counters);
  ~DispatchClient();
  Status Start();
  // Sends ExecutorBye and closes the socket.
  void Stop();
  size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
