#include "common/bus/dispatch_client.h"

#include <deque>
#include <map>

#include "common/base/ids.h"
#include "common/bus/bus_log.h"
#include "common/bus/drop_counter.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {
namespace {

// How long the ExecutorBye may take to leave on Stop (the socket otherwise
// closes with linger 0).
constexpr std::chrono::milliseconds kByeLinger{250};
// Results kept for re-sending after a reconnect (oldest dropped beyond it).
constexpr size_t kMaxUnconfirmedResults = 10000;

}  // namespace

struct DispatchClient::Impl {
  // A result the controller may not have received yet.
  struct SentResult {
    Clock::TimePoint sent_at;
    v1::ActionResult result;
  };

  Impl(asio::io_context& io, SocketFactory& sockets, std::string endpoint, std::string executor_id,
       int capacity, HeartbeatOptions options, Handler handler, const Clock& clock,
       Counters& counters)
      : io(io),
        sockets(sockets),
        endpoint(std::move(endpoint)),
        executor_id(std::move(executor_id)),
        capacity(capacity),
        options(options),
        handler(std::move(handler)),
        clock(clock),
        counters(counters),
        drops(counters, "dispatch client " + this->endpoint),
        source("executor/" + this->executor_id + "@" + ProcessInstanceName()),
        timer(io) {}

  // Makes a fresh DEALER (routing id = executor id) and says hello.
  Status Connect() {
    WHARF_ASSIGN_OR_RETURN(auto fresh,
                           sockets.Connect(SocketFactory::Kind::kDealer, endpoint, executor_id));
    WHARF_RETURN_IF_ERROR(
        fresh->OnReadable(io, [this](const ZmqSocket::Message& message) { OnMessage(message); }));
    socket = std::move(fresh);
    last_heard = clock.Now();  // a fresh liveness window for the new connection
    v1::Envelope hello = NewEnvelope();
    hello.mutable_executor_hello()->set_executor_id(executor_id);
    hello.mutable_executor_hello()->set_capacity(capacity);
    return Send(hello);
  }

  // Drops the connection and makes a new one: messages queued for the old
  // connection are gone, so results the controller may have missed follow
  // the hello.
  void Reconnect() {
    counters.Increment("reconnects");
    BusLog().warn("dispatch client {}: controller at {} silent for {} intervals; reconnecting",
                  executor_id, endpoint, options.liveness);
    socket.reset();
    Status connected = Connect();
    if (!connected.ok()) {
      BusLog().error("dispatch client {}: reconnect failed: {}", executor_id, connected.ToString());
      socket.reset();
      return;  // next tick tries again
    }
    for (auto& unconfirmed : results) {
      v1::Envelope envelope = NewEnvelope();
      *envelope.mutable_action_result() = unconfirmed.result;
      if (Send(envelope).ok()) unconfirmed.sent_at = clock.Now();
    }
    if (!results.empty()) {
      BusLog().info("dispatch client {}: re-sent {} results after reconnecting", executor_id,
                    results.size());
    }
  }

  void OnMessage(const ZmqSocket::Message& message) {
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodeSingleFrame(message.frames, &reason);
    if (!decoded.ok()) {
      drops.Count(reason, decoded.status());
      return;
    }
    const auto now = clock.Now();
    last_heard = now;
    // Results sent an interval before anything the controller sent since
    // travelled the same live connection: it has them.
    while (!results.empty() && results.front().sent_at + options.interval < now) {
      results.pop_front();
    }
    switch (decoded->payload_case()) {
      case v1::Envelope::kHeartbeat:
        break;
      case v1::Envelope::kActionRequest:
        OnRequest(decoded->action_request());
        break;
      default:
        drops.Count("unexpected_payload", "dispatch client got " + EnvelopeCodec::Topic(*decoded));
        break;
    }
  }

  void OnRequest(const v1::ActionRequest& request) {
    const std::string& id = request.action().id();
    if (id.empty()) {
      drops.Count("bad_request", "action request without an action id");
      return;
    }
    auto running = in_flight.find(id);
    if (running != in_flight.end()) {
      // The controller re-dispatched what we still run (it took us for dead
      // or we reconnected): answer the newest attempt when it finishes.
      running->second = std::max(running->second, request.attempt());
      counters.Increment("redispatched_while_running");
      return;
    }
    if (static_cast<int>(in_flight.size()) >= capacity) {
      counters.Increment("over_capacity");
      BusLog().warn("dispatch client {}: controller sent {} beyond capacity {}", executor_id, id,
                    capacity);
    }
    in_flight.emplace(id, request.attempt());
    counters.Increment("actions_received");
    Done done = [this, weak = std::weak_ptr<int>(alive), id,
                 called = std::make_shared<bool>(false)](v1::ActionResult result) {
      if (weak.expired()) return;
      if (*called) {
        counters.Increment("done_called_twice");
        BusLog().error("dispatch client {}: done called twice for {}", executor_id, id);
        return;
      }
      *called = true;
      OnDone(id, std::move(result));
    };
    handler(request, std::move(done));
  }

  void OnDone(const std::string& id, v1::ActionResult result) {
    auto running = in_flight.find(id);
    const uint32_t attempt = running != in_flight.end() ? running->second : result.attempt();
    if (running != in_flight.end()) in_flight.erase(running);
    result.set_action_id(id);
    result.set_attempt(attempt);
    result.set_executor_id(executor_id);
    if (stopped) {
      counters.Increment("results_after_stop");
      return;
    }
    counters.Increment("results_sent");
    v1::Envelope envelope = NewEnvelope();
    *envelope.mutable_action_result() = result;
    if (socket) (void)Send(envelope);  // kept below either way, until confirmed
    results.push_back(SentResult{clock.Now(), std::move(result)});
    if (results.size() > kMaxUnconfirmedResults) results.pop_front();
  }

  void ScheduleTick() {
    timer.expires_after(options.interval);
    timer.async_wait([this, weak = std::weak_ptr<int>(alive)](boost::system::error_code ec) {
      if (weak.expired() || ec || stopped) return;
      Tick();
      ScheduleTick();
    });
  }

  void Tick() {
    const auto now = clock.Now();
    if (!socket || now - last_heard >= options.interval * options.liveness) {
      Reconnect();
      return;
    }
    if (now - last_sent >= options.interval / 2) {
      v1::Envelope envelope = NewEnvelope();
      auto* heartbeat = envelope.mutable_heartbeat();
      for (const auto& [id, attempt] : in_flight) heartbeat->add_in_flight(id);
      (void)Send(envelope);
    }
  }

  v1::Envelope NewEnvelope() {
    v1::Envelope envelope;
    envelope.set_schema_version(kSchemaVersion);
    envelope.set_id(ids.Next());
    envelope.set_source(source);
    envelope.set_sequence(++sequence);
    envelope.set_timestamp_unix_ms(clock.NowUnixMs());
    return envelope;
  }

  // A DEALER queues while disconnected; a failure means the queue is full
  // (the controller is gone), which the liveness check handles.
  Status Send(const v1::Envelope& envelope) {
    Status sent = socket->Send({EnvelopeCodec::EncodeSingle(envelope)});
    if (sent.ok()) {
      last_sent = clock.Now();
    } else {
      counters.Increment("send_failed");
      BusLog().debug("dispatch client {}: send failed: {}", executor_id, sent.ToString());
    }
    return sent;
  }

  asio::io_context& io;
  SocketFactory& sockets;
  const std::string endpoint;
  const std::string executor_id;
  const int capacity;
  const HeartbeatOptions options;
  Handler handler;
  const Clock& clock;
  Counters& counters;
  DropCounter drops;
  const std::string source;
  // Everything below is owned by the io thread.
  asio::steady_timer timer;
  IdGenerator ids;
  uint64_t sequence = 0;
  std::unique_ptr<ZmqSocket> socket;          // DEALER; replaced on reconnect
  std::map<std::string, uint32_t> in_flight;  // action id -> newest attempt
  std::deque<SentResult> results;             // sent, not yet known to have arrived
  Clock::TimePoint last_heard{};
  Clock::TimePoint last_sent{};
  bool started = false;
  bool stopped = false;
  // Io handlers and Done callbacks hold weak references; expired means the
  // client is gone.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

DispatchClient::DispatchClient(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
                               std::string executor_id, int capacity, HeartbeatOptions options,
                               Handler handler, const Clock& clock, Counters& counters)
    : impl_(std::make_unique<Impl>(io, sockets, std::move(endpoint), std::move(executor_id),
                                   capacity, options, std::move(handler), clock, counters)) {}

// Without Stop the controller is not told; it finds out by our silence.
DispatchClient::~DispatchClient() = default;

Status DispatchClient::Start() {
  if (impl_->started) return Status::FailedPrecondition("dispatch client already started");
  if (impl_->executor_id.empty()) return Status::InvalidArgument("executor id is empty");
  if (impl_->capacity < 1) return Status::InvalidArgument("capacity must be at least 1");
  if (impl_->options.interval.count() <= 0 || impl_->options.liveness < 1) {
    return Status::InvalidArgument("heartbeat interval must be positive and liveness >= 1");
  }
  WHARF_RETURN_IF_ERROR(impl_->Connect());
  impl_->started = true;
  impl_->ScheduleTick();
  BusLog().info("executor {} dispatching from {} (capacity {})", impl_->executor_id,
                impl_->endpoint, impl_->capacity);
  return Status::Ok();
}

void DispatchClient::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->timer.cancel();
  if (!impl_->socket) return;
  v1::Envelope bye = impl_->NewEnvelope();
  bye.mutable_executor_bye()->set_executor_id(impl_->executor_id);
  if (impl_->Send(bye).ok()) (void)impl_->socket->SetLinger(kByeLinger);
  impl_->socket.reset();
  BusLog().info("executor {} stopped", impl_->executor_id);
}

size_t DispatchClient::in_flight() const { return impl_->in_flight.size(); }

}  // namespace wharf::bus
