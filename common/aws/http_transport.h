#pragma once

#include <functional>

#include "common/aws/http_request.h"
#include "common/aws/http_response.h"
#include "common/base/result.h"

namespace wharf::aws {

// Sends HTTP requests asynchronously. Threading: every implementation is
// bound to one io_context; Send() may be called from any thread, and `done`
// always runs later on the io thread (never inside Send()).
//
// `done` receives the response for any HTTP status (4xx/5xx included), or a
// Status for transport failures: kDeadlineExceeded for timeouts, kUnavailable
// for connection failures (refused, reset, DNS, TLS), kInvalidArgument for a
// request that can never be sent (bad URL). Destroying a transport abandons
// its requests in flight: their callbacks are destroyed without being called
// (a callback already queued on the io_context still runs).
class HttpTransport {
 public:
  using Callback = std::function<void(Result<HttpResponse>)>;
  virtual ~HttpTransport() = default;
  virtual void Send(HttpRequest request, Callback done) = 0;
};

}  // namespace wharf::aws
