#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "common/aws/http_transport.h"
#include "common/base/asio.h"

namespace wharf::aws {

// HttpTransport for tests: records every request and answers with scripted
// results, first from the FIFO queue, then from the handler; with neither,
// kUnavailable. Answers are posted to the io_context. Thread-safe.
class FakeHttpTransport final : public HttpTransport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  explicit FakeHttpTransport(asio::io_context& io);

  void Send(HttpRequest request, Callback done) override;

  // Queues the answer to one future request.
  void Enqueue(Result<HttpResponse> result);
  // Convenience: queues a response with `status`, `body` and headers.
  void EnqueueResponse(int status, std::string body, HttpHeaders headers = {});
  // Answers requests once the queue is empty.
  void SetHandler(Handler handler);

  // Requests seen so far, in order.
  std::vector<HttpRequest> requests() const;
  size_t request_count() const;

 private:
  asio::io_context& io_;
  mutable std::mutex mu_;
  std::deque<Result<HttpResponse>> queue_;  // guarded by mu_
  Handler handler_;                         // guarded by mu_
  std::vector<HttpRequest> requests_;       // guarded by mu_
};

}  // namespace wharf::aws
