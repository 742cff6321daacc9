#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/asio.h"
#include "common/base/result.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/socket_factory.h"

namespace wharf::bus {

// The adapter between ZeroMQ and the rest of Wharf: the only code that
// includes <zmq.hpp>. No ZeroMQ exception leaves it; every failure is a
// Status.
//
// Error mapping:
//   would block (high-water mark)      -> kUnavailable
//   ROUTER peer gone (EHOSTUNREACH)    -> kNotFound
//   context terminated                 -> kCancelled
//   no message within ReceiveFor bound -> kDeadlineExceeded
//   anything else (bad endpoint, ...)  -> kInvalidArgument / kInternal
//
// Threading: a ZmqSocket is not thread-safe. It belongs to the thread that
// uses it; when attached to an io_context with OnReadable that is the
// io_context's (single) thread, and the io_context must outlive the socket.
// Sockets are made by SocketFactory, which decides their options.
class ZmqSocket {
 public:
  using Kind = SocketFactory::Kind;

  // A ZeroMQ context (the library's I/O thread). Must outlive every socket
  // opened on it. Thread-safe.
  class Context {
   public:
    Context();
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

   private:
    friend class ZmqSocket;
    struct Impl;
    std::unique_ptr<Impl> impl_;
  };

  // Socket options applied before bind/connect (SocketFactory chooses them).
  struct Options {
    int send_hwm = 1000;
    int receive_hwm = 1000;
    std::chrono::milliseconds linger{0};
    // Inbound frames larger than this close the sending peer's connection.
    int64_t max_message_bytes = int64_t{16} << 20;
    std::chrono::milliseconds reconnect_interval{100};
    // ZMTP-level heartbeats, so a dead TCP peer is noticed and reconnected;
    // zero disables.
    std::chrono::milliseconds zmtp_heartbeat_interval{0};
    std::chrono::milliseconds zmtp_heartbeat_timeout{0};
    // ROUTER: sending to an unknown/gone peer fails (kNotFound) instead of
    // silently dropping.
    bool router_mandatory = false;
    // ROUTER: a new connection with a known routing id takes it over.
    bool router_handover = false;
    // DEALER: the identity a ROUTER peer sees; empty = assigned by the peer.
    std::string routing_id;
  };

  // One received multipart message.
  struct Message {
    // ROUTER only: the sending peer's routing id (the identity frame, which is
    // not part of `frames`). Empty for other kinds.
    std::string routing_id;
    Frames frames;
  };
  // Called on the io thread once per received message.
  using MessageHandler = std::function<void(Message)>;

  static Result<std::unique_ptr<ZmqSocket>> Open(Context& context, Kind kind,
                                                 const Options& options);
  ~ZmqSocket();
  ZmqSocket(const ZmqSocket&) = delete;
  ZmqSocket& operator=(const ZmqSocket&) = delete;

  Kind kind() const;
  // The endpoint given to the last successful Bind/Connect.
  const std::string& endpoint() const;
  // The endpoint ZeroMQ resolved for the last bind ("tcp://127.0.0.1:40123"
  // for "tcp://127.0.0.1:*").
  std::string last_endpoint() const;

  Status Bind(const std::string& endpoint);
  Status Connect(const std::string& endpoint);
  // SUB only: receive messages whose first frame starts with `prefix`.
  Status Subscribe(std::string_view prefix);
  Status SetLinger(std::chrono::milliseconds linger);

  // Sends one multipart message without blocking. Not for ROUTER.
  // Preconditions: !frames.empty().
  Status Send(const Frames& frames);
  // ROUTER only: sends `frames` to the peer `routing_id`.
  Status SendRouted(const std::string& routing_id, const Frames& frames);

  // Receives one message without blocking; nullopt when none is waiting.
  Result<std::optional<Message>> TryReceive();
  // Blocks the calling thread up to `timeout` for one message. For sockets
  // that are not attached with OnReadable (e.g. a CLI's one-shot DEALER).
  Result<Message> ReceiveFor(std::chrono::milliseconds timeout);

  // Attaches the socket to `io`: from now on every received message is handed
  // to `handler` on the io thread. Waits on ZMQ_FD (edge-triggered) and drains
  // while ZMQ_EVENTS reports POLLIN; every send re-checks ZMQ_EVENTS, since a
  // send can consume the edge. At most once per socket. The handler may send
  // on this socket and may destroy it.
  Status OnReadable(asio::io_context& io, MessageHandler handler);

 private:
  struct Impl;
  explicit ZmqSocket(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
