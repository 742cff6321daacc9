#pragma once

#include <chrono>
#include <string>

#include "common/base/result.h"
#include "common/bus/socket_factory.h"
#include "wharf/v1/control.pb.h"

namespace wharf::bus {

// Blocking request/reply to the controller's control socket, for the CLI.
class ControlClient {
 public:
  // kUnavailable when no reply came within `timeout` (controller not running).
  static Result<v1::ControlReply> Call(SocketFactory& sockets, const std::string& endpoint,
                                       const v1::ControlRequest& request,
                                       std::chrono::milliseconds timeout);
};

}  // namespace wharf::bus
