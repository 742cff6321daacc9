#include "common/bus/socket_factory.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <filesystem>
#include <string_view>
#include <system_error>

#include "common/bus/bus_log.h"
#include "common/bus/zmq_socket.h"

namespace wharf::bus {
namespace {

constexpr std::string_view kIpcScheme = "ipc://";
// Queue bound per pub/sub peer. Beyond it ZeroMQ drops (PUB/XPUB), which
// costs latency, never correctness: consumers resync on sequence gaps.
constexpr int kPubSubHwm = 10000;

// Every socket Wharf makes, by kind. ZMQ_MAXMSGSIZE stays well above the
// codec's kMaxEnvelopeBytes so an oversized envelope reaches the codec and is
// counted there; it only guards memory.
ZmqSocket::Options OptionsFor(SocketFactory::Kind kind, const std::string& routing_id) {
  ZmqSocket::Options options;
  options.linger = std::chrono::milliseconds(0);
  options.max_message_bytes = int64_t{16} << 20;
  options.reconnect_interval = std::chrono::milliseconds(100);
  options.zmtp_heartbeat_interval = std::chrono::milliseconds(2000);
  options.zmtp_heartbeat_timeout = std::chrono::milliseconds(6000);
  switch (kind) {
    case SocketFactory::Kind::kPub:
    case SocketFactory::Kind::kXPub:
      options.send_hwm = kPubSubHwm;
      break;
    case SocketFactory::Kind::kSub:
    case SocketFactory::Kind::kXSub:
      options.receive_hwm = kPubSubHwm;
      break;
    case SocketFactory::Kind::kRouter:
      options.router_mandatory = true;
      // A reconnecting executor (new connection, same routing id) replaces
      // its old connection instead of being refused.
      options.router_handover = true;
      break;
    case SocketFactory::Kind::kDealer:
      options.routing_id = routing_id;
      break;
  }
  return options;
}

// True when something accepts connections on the unix socket at `path`.
bool IsServed(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path.copy(address.sun_path, sizeof(address.sun_path) - 1);
  const bool served = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return served;
}

// ZeroMQ binds ipc:// by unlinking whatever file is at the path, which would
// silently take the endpoint from a running process (a second controller).
// Refuse while something serves it. A socket this process closed a moment
// ago (a restart in-process) stops serving within milliseconds: wait for it,
// as its late unlink would otherwise remove the new socket's file.
Status CheckIpcFree(const std::string& path) {
  constexpr auto kWait = std::chrono::milliseconds(500);
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (IsServed(path)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::AlreadyExists("ipc://" + path + " is served by another socket or process");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::Ok();
}

// For ipc:// endpoints: the path fits a unix socket address and its directory
// exists; when binding, nothing serves it yet. Other endpoints pass through.
Status PrepareIpc(const std::string& endpoint, bool binding) {
  if (endpoint.rfind(kIpcScheme, 0) != 0) return Status::Ok();
  const std::string path = endpoint.substr(kIpcScheme.size());
  if (path.empty()) return Status::InvalidArgument("empty ipc path in " + endpoint);
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return Status::InvalidArgument("ipc path longer than " +
                                   std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                   " bytes: " + path);
  }
  if (path == "*") return Status::Ok();     // ZeroMQ picks a fresh path
  if (path[0] == '@') return Status::Ok();  // abstract namespace: bind fails itself when taken
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return Status::InvalidArgument("cannot create " + parent.string() + ": " + ec.message());
  if (binding) return CheckIpcFree(path);
  return Status::Ok();
}

}  // namespace

struct SocketFactory::Impl {
  ZmqSocket::Context context;
};

SocketFactory::SocketFactory() : impl_(std::make_unique<Impl>()) {}
SocketFactory::~SocketFactory() = default;

Result<std::unique_ptr<ZmqSocket>> SocketFactory::Bind(Kind kind, const std::string& endpoint) {
  WHARF_RETURN_IF_ERROR(PrepareIpc(endpoint, /*binding=*/true));
  WHARF_ASSIGN_OR_RETURN(auto socket, ZmqSocket::Open(impl_->context, kind, OptionsFor(kind, "")));
  WHARF_RETURN_IF_ERROR(socket->Bind(endpoint));
  BusLog().debug("bound {}", socket->last_endpoint());
  return socket;
}

Result<std::unique_ptr<ZmqSocket>> SocketFactory::Connect(Kind kind, const std::string& endpoint,
                                                          const std::string& routing_id) {
  if (!routing_id.empty() && kind != Kind::kDealer) {
    return Status::InvalidArgument("a routing id is for DEALER sockets only");
  }
  WHARF_RETURN_IF_ERROR(PrepareIpc(endpoint, /*binding=*/false));
  WHARF_ASSIGN_OR_RETURN(auto socket,
                         ZmqSocket::Open(impl_->context, kind, OptionsFor(kind, routing_id)));
  WHARF_RETURN_IF_ERROR(socket->Connect(endpoint));
  return socket;
}

}  // namespace wharf::bus
