#pragma once

#include <memory>
#include <string>

#include "common/base/result.h"

namespace wharf::bus {

class ZmqSocket;

// The one place sockets are made (a later change puts CURVE on every tcp://
// socket here). Owns the ZeroMQ context; outlives every socket it made.
// Thread-safe.
class SocketFactory {
 public:
  enum class Kind { kPub, kSub, kXPub, kXSub, kRouter, kDealer };

  SocketFactory();
  ~SocketFactory();
  SocketFactory(const SocketFactory&) = delete;
  SocketFactory& operator=(const SocketFactory&) = delete;

  // A socket that binds `endpoint` (tcp://host:port or ipc://path).
  Result<std::unique_ptr<ZmqSocket>> Bind(Kind kind, const std::string& endpoint);
  // A socket that connects to `endpoint`; ZeroMQ reconnects by itself.
  // `routing_id` (DEALER only, optional) names the peer to a ROUTER.
  Result<std::unique_ptr<ZmqSocket>> Connect(Kind kind, const std::string& endpoint,
                                             const std::string& routing_id = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
