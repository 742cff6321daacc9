#include "common/aws/curl_http_transport.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/base/logging.h"

namespace wharf::aws {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t begin = s.find_first_not_of(ws);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(ws);
  return std::string(s.substr(begin, end - begin + 1));
}

Status CurlFailure(CURLcode code, const std::string& what) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status::DeadlineExceeded(what);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_NOT_BUILT_IN:
      return Status::InvalidArgument(what);
    default:
      // Refused, reset, DNS, TLS handshake, empty reply...: the next attempt
      // may get through.
      return Status::Unavailable(what);
  }
}

}  // namespace

class CurlHttpTransport::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, Options options);
  ~Impl();

  void Start(HttpRequest request, Callback done);
  asio::io_context& io() { return io_; }
  size_t in_flight() const { return transfers_.size(); }
  int64_t connections_opened() const { return connections_opened_.load(); }

 private:
  // One request in flight. Owned by transfers_.
  struct Transfer {
    HttpRequest request;
    std::string url;
    Callback done;
    curl_slist* headers = nullptr;
    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {0};
  };
  // One socket curl asked us to watch. Shared with pending wait handlers.
  struct Socket {
    Socket(asio::io_context& io, curl_socket_t fd, bool owned)
        : descriptor(io, fd), fd(fd), owned(owned) {}
    asio::posix::stream_descriptor descriptor;
    curl_socket_t fd;
    // Opened by OnOpenSocket (and closed by OnCloseSocket) rather than by curl.
    bool owned;
    int want = 0;  // CURL_POLL_* curl last asked for
    bool read_armed = false;
    bool write_armed = false;
    bool closed = false;
  };

  static int OnSocket(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp);
  static curl_socket_t OnOpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address);
  static int OnCloseSocket(void* clientp, curl_socket_t fd);
  static size_t OnWrite(char* data, size_t size, size_t count, void* userp);
  static size_t OnHeader(char* data, size_t size, size_t count, void* userp);

  void Arm(const std::shared_ptr<Socket>& socket);
  void OnReady(const std::shared_ptr<Socket>& socket, bool read,
               const boost::system::error_code& ec);
  void OnTimeout();
  void DrainCompleted();
  void Finish(CURL* easy, CURLcode code);
  void Fail(Callback done, Status status);

  asio::io_context& io_;
  const Options options_;
  CURLM* multi_ = nullptr;    // owned
  asio::steady_timer timer_;  // curl's single timeout
  std::map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers_;  // key owned with the value
  std::atomic<int64_t> connections_opened_{0};
};

CurlHttpTransport::Impl::Impl(asio::io_context& io, Options options)
    : io_(io), options_(options), timer_(io) {
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_connections_per_host);
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_total_connections);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options_.max_idle_connections);
}

CurlHttpTransport::Impl::~Impl() {
  for (auto& [easy, transfer] : transfers_) {
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(transfer->headers);
  }
  transfers_.clear();
  // Closes the cached connections through OnCloseSocket.
  curl_multi_cleanup(multi_);
  for (auto& [fd, socket] : sockets_) {
    socket->closed = true;
    boost::system::error_code ignored;
    socket->descriptor.cancel(ignored);
    socket->descriptor.release();
    if (socket->owned) ::close(fd);
  }
  sockets_.clear();
  timer_.cancel();
}

void CurlHttpTransport::Impl::Fail(Callback done, Status status) {
  asio::post(io_, [done = std::move(done), status = std::move(status)] { done(status); });
}

void CurlHttpTransport::Impl::Start(HttpRequest request, Callback done) {
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    Fail(std::move(done), Status::Internal("curl_easy_init failed"));
    return;
  }
  auto transfer = std::make_unique<Transfer>();
  transfer->request = std::move(request);
  transfer->url = transfer->request.Url();
  transfer->done = std::move(done);
  Transfer* t = transfer.get();
  const HttpRequest& req = t->request;

  curl_easy_setopt(easy, CURLOPT_URL, t->url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::OnWrite);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::OnCloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  auto total = req.timeout.count() > 0 ? req.timeout : options_.total_timeout;
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));

  if (req.method == "GET" && req.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    if (req.method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
    } else {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    if (req.method == "POST" || !req.body.empty()) {
      // The body lives in t->request until the transfer is finished.
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
    }
  }
  for (const auto& [name, value] : req.headers) {
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    t->headers = curl_slist_append(t->headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip.
  t->headers = curl_slist_append(t->headers, "Expect:");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);

  transfers_.emplace(easy, std::move(transfer));
  CURLMcode added = curl_multi_add_handle(multi_, easy);
  if (added != CURLM_OK) {
    auto node = transfers_.extract(easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(node.mapped()->headers);
    Fail(std::move(node.mapped()->done),
         Status::Internal(std::string("curl_multi_add_handle: ") + curl_multi_strerror(added)));
  }
}

int CurlHttpTransport::Impl::OnSocket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
  auto* self = static_cast<Impl*>(userp);
  auto it = self->sockets_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it == self->sockets_.end()) return 0;
    std::shared_ptr<Socket> socket = it->second;
    socket->want = 0;
    boost::system::error_code ignored;
    socket->descriptor.cancel(ignored);
    if (!socket->owned) {
      // curl closes its own sockets; stop watching before it does.
      socket->closed = true;
      socket->descriptor.release();
      self->sockets_.erase(it);
    }
    return 0;
  }
  if (it == self->sockets_.end()) {
    // A socket curl opened itself (not through OnOpenSocket).
    try {
      it = self->sockets_.emplace(fd, std::make_shared<Socket>(self->io_, fd, false)).first;
    } catch (const boost::system::system_error& e) {
      Logger("aws")->error("cannot watch curl socket {}: {}", fd, e.what());
      return -1;
    }
  }
  it->second->want = what;
  self->Arm(it->second);
  return 0;
}

int CurlHttpTransport::Impl::OnTimer(CURLM*, long timeout_ms, void* userp) {
  auto* self = static_cast<Impl*>(userp);
  if (timeout_ms < 0) {
    self->timer_.cancel();
    return 0;
  }
  // curl must not be re-entered from its own callback: even a zero timeout
  // goes through the io_context.
  self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  self->timer_.async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto impl = weak.lock()) impl->OnTimeout();
  });
  return 0;
}

curl_socket_t CurlHttpTransport::Impl::OnOpenSocket(void* clientp, curlsocktype purpose,
                                                    curl_sockaddr* address) {
  auto* self = static_cast<Impl*>(clientp);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  try {
    self->sockets_[fd] = std::make_shared<Socket>(self->io_, fd, true);
  } catch (const boost::system::system_error& e) {
    Logger("aws")->error("cannot watch socket {}: {}", fd, e.what());
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  self->connections_opened_.fetch_add(1);
  return fd;
}

int CurlHttpTransport::Impl::OnCloseSocket(void* clientp, curl_socket_t fd) {
  auto* self = static_cast<Impl*>(clientp);
  auto it = self->sockets_.find(fd);
  if (it != self->sockets_.end()) {
    // Deregister from the reactor before the descriptor number can be reused.
    std::shared_ptr<Socket> socket = std::move(it->second);
    self->sockets_.erase(it);
    socket->closed = true;
    boost::system::error_code ignored;
    socket->descriptor.cancel(ignored);
    socket->descriptor.release();
  }
  return ::close(fd);
}

size_t CurlHttpTransport::Impl::OnWrite(char* data, size_t size, size_t count, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  t->response.body.append(data, size * count);
  return size * count;
}

size_t CurlHttpTransport::Impl::OnHeader(char* data, size_t size, size_t count, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after 100 Continue): forget earlier headers.
    t->response.headers.clear();
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string name = Trim(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    t->response.headers.emplace_back(std::move(name), Trim(line.substr(colon + 1)));
  }
  return size * count;
}

void CurlHttpTransport::Impl::Arm(const std::shared_ptr<Socket>& socket) {
  if (socket->closed) return;
  if ((socket->want & CURL_POLL_IN) && !socket->read_armed) {
    socket->read_armed = true;
    socket->descriptor.async_wait(
        asio::posix::stream_descriptor::wait_read,
        [weak = weak_from_this(), socket](const boost::system::error_code& ec) {
          if (auto impl = weak.lock()) impl->OnReady(socket, true, ec);
        });
  }
  if ((socket->want & CURL_POLL_OUT) && !socket->write_armed) {
    socket->write_armed = true;
    socket->descriptor.async_wait(
        asio::posix::stream_descriptor::wait_write,
        [weak = weak_from_this(), socket](const boost::system::error_code& ec) {
          if (auto impl = weak.lock()) impl->OnReady(socket, false, ec);
        });
  }
}

void CurlHttpTransport::Impl::OnReady(const std::shared_ptr<Socket>& socket, bool read,
                                      const boost::system::error_code& ec) {
  (read ? socket->read_armed : socket->write_armed) = false;
  if (socket->closed) return;
  if (ec == asio::error::operation_aborted) {
    // Cancelled by a CURL_POLL_REMOVE; curl may have asked again since.
    Arm(socket);
    return;
  }
  int flags = ec ? CURL_CSELECT_ERR : (read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
  int running = 0;
  curl_multi_socket_action(multi_, socket->fd, flags, &running);
  DrainCompleted();
  Arm(socket);
}

void CurlHttpTransport::Impl::OnTimeout() {
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  DrainCompleted();
}

void CurlHttpTransport::Impl::DrainCompleted() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    // Finish() invalidates msg.
    CURL* easy = msg->easy_handle;
    CURLcode code = msg->data.result;
    Finish(easy, code);
  }
}

void CurlHttpTransport::Impl::Finish(CURL* easy, CURLcode code) {
  auto node = transfers_.extract(easy);
  curl_multi_remove_handle(multi_, easy);
  if (node.empty()) {
    curl_easy_cleanup(easy);
    return;
  }
  Transfer& t = *node.mapped();
  Result<HttpResponse> result = Status::Internal("unset");
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    t.response.status = static_cast<int>(status);
    result = std::move(t.response);
  } else {
    std::string what = t.request.method + " " + t.url + ": " + curl_easy_strerror(code);
    if (t.error[0] != '\0') what += std::string(" (") + t.error + ")";
    result = CurlFailure(code, what);
  }
  curl_easy_cleanup(easy);
  curl_slist_free_all(t.headers);
  asio::post(io_, [done = std::move(t.done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

CurlHttpTransport::CurlHttpTransport(asio::io_context& io) : CurlHttpTransport(io, Options()) {}

CurlHttpTransport::CurlHttpTransport(asio::io_context& io, Options options) {
  GlobalInitOnce();
  impl_ = std::make_shared<Impl>(io, options);
}

CurlHttpTransport::~CurlHttpTransport() = default;

void CurlHttpTransport::Send(HttpRequest request, Callback done) {
  // Posted even on the io thread, so `done` never runs inside Send().
  asio::post(impl_->io(), [weak = std::weak_ptr<Impl>(impl_), request = std::move(request),
                           done = std::move(done)]() mutable {
    if (auto impl = weak.lock()) impl->Start(std::move(request), std::move(done));
  });
}

int64_t CurlHttpTransport::connections_opened() const { return impl_->connections_opened(); }

size_t CurlHttpTransport::in_flight() const { return impl_->in_flight(); }

}  // namespace wharf::aws
