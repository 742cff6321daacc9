#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/base/asio.h"
#include "common/base/counters.h"
#include "common/bus/socket_factory.h"
#include "wharf/v1/control.pb.h"

namespace wharf::bus {

// The controller's "control" ROUTER: one ControlRequest envelope in, one
// ControlReply envelope out (same correlation id). Garbage is dropped and
// counted. Owned and called by one io thread; `handler` runs on it.
class ControlServer {
 public:
  using Handler = std::function<v1::ControlReply(const v1::ControlRequest&)>;
  ControlServer(asio::io_context& io, SocketFactory& sockets, std::string endpoint, Handler handler,
                Counters& counters);
  ~ControlServer();
  Status Start();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
