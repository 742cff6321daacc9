#include "common/bus/zmq_socket.h"

#include <zmq.hpp>

#include <cerrno>
#include <optional>
#include <utility>

#include "common/bus/bus_log.h"

namespace wharf::bus {
namespace {

// Messages handled per io turn before yielding, so one busy socket cannot
// starve the rest of the io thread's work.
constexpr int kDrainBudget = 1000;

std::string_view KindName(ZmqSocket::Kind kind) {
  switch (kind) {
    case ZmqSocket::Kind::kPub:
      return "PUB";
    case ZmqSocket::Kind::kSub:
      return "SUB";
    case ZmqSocket::Kind::kXPub:
      return "XPUB";
    case ZmqSocket::Kind::kXSub:
      return "XSUB";
    case ZmqSocket::Kind::kRouter:
      return "ROUTER";
    case ZmqSocket::Kind::kDealer:
      return "DEALER";
  }
  return "?";
}

zmq::socket_type ZmqType(ZmqSocket::Kind kind) {
  switch (kind) {
    case ZmqSocket::Kind::kPub:
      return zmq::socket_type::pub;
    case ZmqSocket::Kind::kSub:
      return zmq::socket_type::sub;
    case ZmqSocket::Kind::kXPub:
      return zmq::socket_type::xpub;
    case ZmqSocket::Kind::kXSub:
      return zmq::socket_type::xsub;
    case ZmqSocket::Kind::kRouter:
      return zmq::socket_type::router;
    case ZmqSocket::Kind::kDealer:
      return zmq::socket_type::dealer;
  }
  return zmq::socket_type::pair;
}

Status FromErrno(int error, std::string_view what) {
  std::string message = std::string(what) + ": " + zmq_strerror(error);
  switch (error) {
    case EAGAIN:
      return Status::Unavailable(std::move(message));
    case EHOSTUNREACH:
      return Status::NotFound(std::move(message));
    case ETERM:
      return Status::Cancelled(std::move(message));
    case EINVAL:
    case EPROTONOSUPPORT:
    case ENOCOMPATPROTO:
    case EADDRINUSE:
    case EADDRNOTAVAIL:
    case ENODEV:
    case ENAMETOOLONG:
    case ENOENT:
    case EACCES:
      return Status::InvalidArgument(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

Status FromZmq(const zmq::error_t& e, std::string_view what) { return FromErrno(e.num(), what); }

}  // namespace

struct ZmqSocket::Context::Impl {
  // Empty when ZeroMQ could not make a context; Open then fails.
  std::optional<zmq::context_t> context;
};

ZmqSocket::Context::Context() : impl_(std::make_unique<Impl>()) {
  try {
    impl_->context.emplace();
  } catch (const zmq::error_t& e) {
    BusLog().error("cannot create ZeroMQ context: {}", e.what());
  }
}

ZmqSocket::Context::~Context() = default;

struct ZmqSocket::Impl {
  Impl(zmq::socket_t s, Kind k) : socket(std::move(s)), kind(k) {}

  ~Impl() {
    alive.reset();  // pending io handlers see this and do nothing
    if (descriptor) {
      // The descriptor must not close ZMQ_FD (ZeroMQ owns it): deregister it
      // from the reactor and let go of it before the socket closes.
      boost::system::error_code ignored;
      descriptor->cancel(ignored);
      descriptor->release();
      descriptor.reset();
    }
    // `socket` closes here; its linger applies.
  }

  Result<std::optional<Message>> TryReceive() {
    Message message;
    try {
      bool more = true;
      bool first = true;
      while (more) {
        zmq::message_t part;
        // The first part must not block; the rest of a multipart message
        // arrives atomically with it.
        auto received = RecvPart(part, first ? zmq::recv_flags::dontwait : zmq::recv_flags::none);
        if (!received) {
          // EAGAIN on a non-blocking recv: ZeroMQ processed its command
          // mailbox first (like a ZMQ_EVENTS check), so the next arrival
          // signals ZMQ_FD again.
          if (first) return std::optional<Message>();
          return Status::Internal("multipart message ended early");
        }
        more = part.more();
        if (first && kind == Kind::kRouter) {
          message.routing_id = part.to_string();
        } else {
          message.frames.push_back(part.to_string());
        }
        first = false;
      }
    } catch (const zmq::error_t& e) {
      return FromZmq(e, "recv");
    }
    return std::optional<Message>(std::move(message));
  }

  // socket.recv, retried when a signal interrupts it.
  zmq::recv_result_t RecvPart(zmq::message_t& part, zmq::recv_flags flags) {
    while (true) {
      try {
        return socket.recv(part, flags);
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) throw;
      }
    }
  }

  // socket.send, retried when a signal interrupts it.
  zmq::send_result_t SendPart(zmq::message_t& part, zmq::send_flags flags) {
    while (true) {
      try {
        return socket.send(part, flags);
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) throw;
      }
    }
  }

  Status SendParts(const std::string* routing_id, const Frames& frames) {
    if (frames.empty()) return Status::InvalidArgument("send: no frames");
    const size_t total = frames.size() + (routing_id != nullptr ? 1 : 0);
    size_t index = 0;
    try {
      auto send_part = [&](const std::string& bytes) -> bool {
        zmq::message_t part(bytes.data(), bytes.size());
        const bool last = ++index == total;
        auto flags = last ? zmq::send_flags::dontwait
                          : (zmq::send_flags::dontwait | zmq::send_flags::sndmore);
        return SendPart(part, flags).has_value();
      };
      if (routing_id != nullptr && !send_part(*routing_id)) {
        ScheduleRecheck();
        return Status::Unavailable("send: peer's queue is full (high-water mark)");
      }
      for (const auto& frame : frames) {
        if (!send_part(frame)) {
          ScheduleRecheck();
          if (index == 1) return Status::Unavailable("send: queue is full (high-water mark)");
          // ZeroMQ checks the high-water mark on a message's first part only,
          // so this does not happen; if it did, the rest of the message is lost.
          return Status::Internal("send: multipart message cut short");
        }
      }
    } catch (const zmq::error_t& e) {
      ScheduleRecheck();
      return FromZmq(e, "send");
    }
    ScheduleRecheck();
    return Status::Ok();
  }

  // A send (or any call into the socket) may have processed the command that
  // would have made ZMQ_FD readable, consuming the edge Asio waits for.
  // Schedules a drain, which finds whatever became readable.
  void ScheduleRecheck() {
    if (!handler || draining) return;  // a running drain re-checks by itself
    PostDrain();
  }

  void PostDrain() {
    if (drain_posted) return;
    drain_posted = true;
    asio::post(*io, [this, weak = std::weak_ptr<int>(alive)] {
      if (weak.expired()) return;
      drain_posted = false;
      Drain();
    });
  }

  void ArmWait() {
    if (wait_pending || !descriptor) return;
    wait_pending = true;
    descriptor->async_wait(asio::posix::stream_descriptor::wait_read,
                           [this, weak = std::weak_ptr<int>(alive)](boost::system::error_code ec) {
                             if (weak.expired()) return;
                             wait_pending = false;
                             if (ec == asio::error::operation_aborted) return;
                             if (ec) {
                               BusLog().error("{} {}: waiting on ZMQ_FD failed: {}", KindName(kind),
                                              endpoint, ec.message());
                               return;
                             }
                             Drain();
                           });
  }

  // Hands every waiting message to the handler (up to the budget), then waits
  // for the next edge.
  void Drain() {
    std::weak_ptr<int> weak = alive;
    draining = true;
    int handled = 0;
    bool more = false;
    while (true) {
      auto received = TryReceive();
      if (!received.ok()) {
        BusLog().error("{} {}: {}", KindName(kind), endpoint, received.status().ToString());
        break;
      }
      if (!received->has_value()) break;
      handler(std::move(**received));
      if (weak.expired()) return;  // the handler destroyed this socket
      if (++handled == kDrainBudget) {
        more = true;
        break;
      }
    }
    draining = false;
    if (more) PostDrain();
    ArmWait();
  }

  // All members are owned by the thread using the socket (the io thread once
  // attached).
  zmq::socket_t socket;
  const Kind kind;
  std::string endpoint;
  asio::io_context* io = nullptr;  // set by OnReadable; outlives the socket
  std::unique_ptr<asio::posix::stream_descriptor> descriptor;  // wraps ZMQ_FD, never closes it
  MessageHandler handler;
  // Io handlers hold weak references; expired means the socket is gone.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  bool wait_pending = false;
  bool drain_posted = false;
  bool draining = false;
};

ZmqSocket::ZmqSocket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ZmqSocket::~ZmqSocket() = default;

Result<std::unique_ptr<ZmqSocket>> ZmqSocket::Open(Context& context, Kind kind,
                                                   const Options& options) {
  if (!context.impl_->context) return Status::Internal("no ZeroMQ context");
  try {
    zmq::socket_t socket(*context.impl_->context, ZmqType(kind));
    socket.set(zmq::sockopt::linger, static_cast<int>(options.linger.count()));
    socket.set(zmq::sockopt::sndhwm, options.send_hwm);
    socket.set(zmq::sockopt::rcvhwm, options.receive_hwm);
    socket.set(zmq::sockopt::maxmsgsize, options.max_message_bytes);
    socket.set(zmq::sockopt::reconnect_ivl, static_cast<int>(options.reconnect_interval.count()));
    if (options.zmtp_heartbeat_interval.count() > 0) {
      socket.set(zmq::sockopt::heartbeat_ivl,
                 static_cast<int>(options.zmtp_heartbeat_interval.count()));
      socket.set(zmq::sockopt::heartbeat_timeout,
                 static_cast<int>(options.zmtp_heartbeat_timeout.count()));
    }
    if (kind == Kind::kRouter) {
      socket.set(zmq::sockopt::router_mandatory, options.router_mandatory);
      socket.set(zmq::sockopt::router_handover, options.router_handover);
    }
    if (!options.routing_id.empty()) socket.set(zmq::sockopt::routing_id, options.routing_id);
    return std::unique_ptr<ZmqSocket>(
        new ZmqSocket(std::make_unique<Impl>(std::move(socket), kind)));
  } catch (const zmq::error_t& e) {
    return FromZmq(e, std::string("open ") + std::string(KindName(kind)));
  }
}

ZmqSocket::Kind ZmqSocket::kind() const { return impl_->kind; }

const std::string& ZmqSocket::endpoint() const { return impl_->endpoint; }

std::string ZmqSocket::last_endpoint() const {
  try {
    return impl_->socket.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t&) {
    return "";
  }
}

Status ZmqSocket::Bind(const std::string& endpoint) {
  try {
    impl_->socket.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return FromZmq(e, "bind " + endpoint);
  }
  impl_->endpoint = endpoint;
  return Status::Ok();
}

Status ZmqSocket::Connect(const std::string& endpoint) {
  try {
    impl_->socket.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return FromZmq(e, "connect " + endpoint);
  }
  impl_->endpoint = endpoint;
  return Status::Ok();
}

Status ZmqSocket::Subscribe(std::string_view prefix) {
  if (impl_->kind != Kind::kSub) return Status::FailedPrecondition("subscribe: not a SUB socket");
  try {
    impl_->socket.set(zmq::sockopt::subscribe, prefix);
  } catch (const zmq::error_t& e) {
    return FromZmq(e, "subscribe");
  }
  impl_->ScheduleRecheck();
  return Status::Ok();
}

Status ZmqSocket::SetLinger(std::chrono::milliseconds linger) {
  try {
    impl_->socket.set(zmq::sockopt::linger, static_cast<int>(linger.count()));
  } catch (const zmq::error_t& e) {
    return FromZmq(e, "set linger");
  }
  return Status::Ok();
}

Status ZmqSocket::Send(const Frames& frames) {
  if (impl_->kind == Kind::kRouter) {
    return Status::FailedPrecondition("send: ROUTER sockets send with SendRouted");
  }
  return impl_->SendParts(nullptr, frames);
}

Status ZmqSocket::SendRouted(const std::string& routing_id, const Frames& frames) {
  if (impl_->kind != Kind::kRouter) {
    return Status::FailedPrecondition("send: SendRouted needs a ROUTER socket");
  }
  return impl_->SendParts(&routing_id, frames);
}

Result<std::optional<ZmqSocket::Message>> ZmqSocket::TryReceive() {
  auto received = impl_->TryReceive();
  impl_->ScheduleRecheck();
  return received;
}

Result<ZmqSocket::Message> ZmqSocket::ReceiveFor(std::chrono::milliseconds timeout) {
  using std::chrono::steady_clock;
  const auto deadline = steady_clock::now() + timeout;
  while (true) {
    auto received = impl_->TryReceive();
    if (!received.ok()) return received.status();
    if (received->has_value()) return std::move(**received);
    const auto remaining =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - steady_clock::now());
    if (remaining.count() <= 0) {
      return Status::DeadlineExceeded("no message within " + std::to_string(timeout.count()) +
                                      " ms");
    }
    zmq_pollitem_t item{impl_->socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, static_cast<long>(remaining.count())) < 0 && zmq_errno() != EINTR) {
      return FromErrno(zmq_errno(), "poll");
    }
  }
}

Status ZmqSocket::OnReadable(asio::io_context& io, MessageHandler handler) {
  if (impl_->handler) return Status::FailedPrecondition("socket already attached to an io_context");
  if (!handler) return Status::InvalidArgument("OnReadable: no handler");
  int fd = -1;
  try {
    fd = impl_->socket.get(zmq::sockopt::fd);
  } catch (const zmq::error_t& e) {
    return FromZmq(e, "get ZMQ_FD");
  }
  boost::system::error_code ec;
  auto descriptor = std::make_unique<asio::posix::stream_descriptor>(io);
  descriptor->assign(fd, ec);
  if (ec) return Status::Internal("watching ZMQ_FD: " + ec.message());
  impl_->descriptor = std::move(descriptor);
  impl_->io = &io;
  impl_->handler = std::move(handler);
  // Messages may have arrived before the descriptor was watched (their edge
  // is gone): drain once, which then waits for the next edge.
  impl_->PostDrain();
  return Status::Ok();
}

}  // namespace wharf::bus
