#include "common/aws/fake_http_transport.h"

#include <utility>

namespace wharf::aws {

FakeHttpTransport::FakeHttpTransport(asio::io_context& io) : io_(io) {}

void FakeHttpTransport::Send(HttpRequest request, Callback done) {
  std::optional<Result<HttpResponse>> answer;
  Handler handler;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (!queue_.empty()) {
      answer.emplace(std::move(queue_.front()));
      queue_.pop_front();
    } else {
      handler = handler_;
    }
  }
  if (!answer) {
    answer.emplace(handler ? handler(request)
                           : Result<HttpResponse>(Status::Unavailable(
                                 "FakeHttpTransport: no scripted response for " + request.Url())));
  }
  asio::post(io_, [done = std::move(done), result = std::move(*answer)]() mutable {
    done(std::move(result));
  });
}

void FakeHttpTransport::Enqueue(Result<HttpResponse> result) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(result));
}

void FakeHttpTransport::EnqueueResponse(int status, std::string body, HttpHeaders headers) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  Enqueue(std::move(response));
}

void FakeHttpTransport::SetHandler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

std::vector<HttpRequest> FakeHttpTransport::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t FakeHttpTransport::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

}  // namespace wharf::aws
