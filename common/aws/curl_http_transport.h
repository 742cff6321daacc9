#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "common/aws/http_transport.h"
#include "common/base/asio.h"

namespace wharf::aws {

// HttpTransport on libcurl's multi interface, driven by Asio: curl tells us
// which sockets to watch (CURLMOPT_SOCKETFUNCTION -> one
// asio::posix::stream_descriptor per socket) and when to wake it
// (CURLMOPT_TIMERFUNCTION -> one asio::steady_timer). Many requests run
// concurrently on the one io thread, and idle connections are kept for reuse.
// HTTP/1.1, no redirects, http and https only.
//
// Threading: Send() may be called from any thread (it posts to the
// io_context); everything else, including destruction, happens on the io
// thread (or when the io_context is not running). The io_context must outlive
// the transport. Destroying the transport abandons requests in flight (their
// callbacks are not called) and closes every connection.
class CurlHttpTransport final : public HttpTransport {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{5'000};
    // Whole-request limit when the request sets none.
    std::chrono::milliseconds total_timeout{30'000};
    // 0: unlimited. Requests beyond the limit queue inside curl.
    long max_connections_per_host = 0;
    long max_total_connections = 0;
    // Idle connections kept for reuse.
    long max_idle_connections = 64;
  };

  explicit CurlHttpTransport(asio::io_context& io);
  CurlHttpTransport(asio::io_context& io, Options options);
  ~CurlHttpTransport() override;
  CurlHttpTransport(const CurlHttpTransport&) = delete;
  CurlHttpTransport& operator=(const CurlHttpTransport&) = delete;

  void Send(HttpRequest request, Callback done) override;

  // TCP connections opened so far (a reused connection counts once).
  int64_t connections_opened() const;
  // Requests started and not yet finished. io thread only.
  size_t in_flight() const;

 private:
  class Impl;
  // Shared so that pending Asio handlers can tell (weak_ptr) whether the
  // transport still exists. Owned by the io thread.
  std::shared_ptr<Impl> impl_;
};

}  // namespace wharf::aws
