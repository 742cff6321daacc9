#include "common/bus/dispatch_server.h"

#include <algorithm>
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

// Upper bound on an executor's announced capacity (a guard against garbage).
constexpr int kMaxCapacity = 10000;
// Room an ActionRequest envelope needs beyond its Action.
constexpr size_t kEnvelopeOverhead = 4096;

// "ECS_CLUSTER/CREATE": how ExecutorHello.handlers names what an executor runs.
std::string HandlerName(const v1::Action& action) {
  return v1::ResourceKind_Name(action.resource().ref().kind()) + "/" +
         v1::ActionVerb_Name(action.verb());
}

}  // namespace

struct DispatchServer::Impl {
  // One dispatch of an action to an executor.
  struct Held {
    uint32_t attempt = 0;
    // Cancelled after dispatch: still counts against the executor's credit
    // until its result comes back or the executor goes away.
    bool cancelled = false;
    uint64_t order = 0;  // dispatch order, so requeues keep it
  };
  struct Executor {
    std::string id;  // its routing id, equal to ExecutorHello.executor_id
    int capacity = 0;
    std::vector<std::string> handlers;  // empty: every action
    std::map<std::string, Held> held;   // by action id
    Clock::TimePoint last_seen;         // liveness, by `clock`
    Clock::TimePoint last_sent;
    int64_t last_seen_unix_ms = 0;

    int free_credit() const { return capacity - static_cast<int>(held.size()); }
  };
  // An action the server is responsible for until its result is accepted or
  // it is cancelled.
  struct Tracked {
    v1::Action action;
    uint32_t attempt = 1;
    std::string executor;  // holder; empty while queued
  };

  Impl(asio::io_context& io, SocketFactory& sockets, std::string endpoint, HeartbeatOptions options,
       Callbacks callbacks, const Clock& clock, Counters& counters)
      : io(io),
        sockets(sockets),
        endpoint(std::move(endpoint)),
        options(options),
        callbacks(std::move(callbacks)),
        clock(clock),
        counters(counters),
        drops(counters, "dispatch " + this->endpoint),
        source("controller@" + ProcessInstanceName()),
        timer(io) {}

  // ---- Inbound ----

  void OnMessage(const ZmqSocket::Message& message) {
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodeSingleFrame(message.frames, &reason);
    if (!decoded.ok()) {
      drops.Count(reason, decoded.status());
      return;
    }
    const std::string& peer = message.routing_id;
    v1::Envelope& envelope = *decoded;
    auto it = executors.find(peer);
    if (it != executors.end()) Touch(it->second);
    switch (envelope.payload_case()) {
      case v1::Envelope::kExecutorHello:
        OnHello(peer, envelope.executor_hello());
        break;
      case v1::Envelope::kHeartbeat:
        if (it == executors.end()) {
          // Typically after a controller restart: the executor reconnects and
          // says hello once it notices our silence.
          drops.Count("unknown_executor", "heartbeat from unknown executor " + peer);
        }
        break;
      case v1::Envelope::kActionResult:
        OnResult(peer, std::move(*envelope.mutable_action_result()));
        break;
      case v1::Envelope::kExecutorBye:
        if (it != executors.end()) {
          RemoveExecutor(peer, "said bye");
        } else {
          drops.Count("unknown_executor", "bye from unknown executor " + peer);
        }
        break;
      default:
        drops.Count("unexpected_payload", "dispatch socket got " + EnvelopeCodec::Topic(envelope));
        return;
    }
    Dispatch();
    Flush();
  }

  void OnHello(const std::string& peer, const v1::ExecutorHello& hello) {
    if (hello.executor_id() != peer) {
      drops.Count("bad_hello", "hello names executor \"" + hello.executor_id() +
                                   "\" but its routing id is \"" + peer + "\"");
      return;
    }
    if (hello.capacity() < 1 || hello.capacity() > kMaxCapacity) {
      drops.Count("bad_hello",
                  "executor " + peer + " announced capacity " + std::to_string(hello.capacity()));
      return;
    }
    auto [it, added] = executors.try_emplace(peer);
    Executor& executor = it->second;
    if (!added) {
      // It restarted or reconnected: whatever it held is presumed lost.
      size_t requeued = TakeBack(executor);
      BusLog().info("executor {} said hello again (capacity {}); requeued {} actions", peer,
                    hello.capacity(), requeued);
    } else {
      BusLog().info("executor {} joined (capacity {})", peer, hello.capacity());
      counters.Increment("executors_joined");
    }
    executor.id = peer;
    executor.capacity = hello.capacity();
    executor.handlers.assign(hello.handlers().begin(), hello.handlers().end());
    Touch(executor);
    if (added)
      Notify([this, peer] {
        if (callbacks.on_executor) callbacks.on_executor(peer, true);
      });
  }

  void OnResult(const std::string& peer, v1::ActionResult result) {
    auto executor = executors.find(peer);
    bool held = false;
    if (executor != executors.end()) {
      auto h = executor->second.held.find(result.action_id());
      if (h != executor->second.held.end() && h->second.attempt == result.attempt()) {
        executor->second.held.erase(h);  // its credit is free again, cancelled or not
        held = true;
      }
    }
    auto tracked = actions.find(result.action_id());
    if (!held || tracked == actions.end() || tracked->second.executor != peer ||
        tracked->second.attempt != result.attempt()) {
      drops.Count("stale_result", "result for " + result.action_id() + " attempt " +
                                      std::to_string(result.attempt()) + " from " + peer);
      return;
    }
    actions.erase(tracked);
    counters.Increment("results");
    if (result.executor_id().empty()) result.set_executor_id(peer);
    Notify([this, result = std::move(result)] {
      if (callbacks.on_result) callbacks.on_result(result);
    });
  }

  // ---- Liveness ----

  void Touch(Executor& executor) {
    executor.last_seen = clock.Now();
    executor.last_seen_unix_ms = clock.NowUnixMs();
  }

  void ScheduleTick() {
    timer.expires_after(options.interval);
    timer.async_wait([this, weak = std::weak_ptr<int>(alive)](boost::system::error_code ec) {
      if (weak.expired() || ec) return;
      Tick();
      ScheduleTick();
    });
  }

  void Tick() {
    const auto now = clock.Now();
    const auto deadline = options.interval * options.liveness;
    std::vector<std::string> dead;
    for (const auto& [id, executor] : executors) {
      if (now - executor.last_seen > deadline) dead.push_back(id);
    }
    for (const auto& id : dead)
      RemoveExecutor(id, "silent for " + std::to_string(options.liveness) + " heartbeat intervals");
    // Heartbeat peers we have not sent anything to for half an interval, so
    // one arrives at least once per interval despite timer jitter.
    std::vector<std::string> unreachable;
    for (auto& [id, executor] : executors) {
      if (now - executor.last_sent < options.interval / 2) continue;
      v1::Envelope envelope = NewEnvelope();
      envelope.mutable_heartbeat();
      if (!SendTo(executor, envelope).ok()) unreachable.push_back(id);
    }
    for (const auto& id : unreachable) RemoveExecutor(id, "unreachable");
    Dispatch();
    Flush();
  }

  // Puts the live actions `executor` holds back at the front of the queue, in
  // their dispatch order, with attempt + 1. Returns how many.
  size_t TakeBack(Executor& executor) {
    std::vector<std::pair<uint64_t, std::string>> live;
    for (const auto& [action_id, held] : executor.held) {
      if (!held.cancelled) live.emplace_back(held.order, action_id);
    }
    executor.held.clear();
    std::sort(live.begin(), live.end());
    for (auto it = live.rbegin(); it != live.rend(); ++it) {
      Tracked& tracked = actions.at(it->second);
      tracked.executor.clear();
      ++tracked.attempt;
      queue.push_front(it->second);
    }
    counters.Increment("requeued", static_cast<double>(live.size()));
    for (const auto& [order, action_id] : live) {
      Notify([this, action_id = action_id, executor_id = executor.id] {
        if (callbacks.on_requeued) callbacks.on_requeued(action_id, executor_id);
      });
    }
    return live.size();
  }

  // Takes `id` by value: callers often pass a string owned by the entry this
  // erases.
  void RemoveExecutor(std::string id, const std::string& why) {
    auto it = executors.find(id);
    if (it == executors.end()) return;
    size_t requeued = TakeBack(it->second);
    executors.erase(it);
    counters.Increment("executors_lost");
    BusLog().warn("executor {} removed ({}); requeued {} actions", id, why, requeued);
    Notify([this, id] {
      if (callbacks.on_executor) callbacks.on_executor(id, false);
    });
  }

  // ---- Outbound ----

  v1::Envelope NewEnvelope() {
    v1::Envelope envelope;
    envelope.set_schema_version(kSchemaVersion);
    envelope.set_id(ids.Next());
    envelope.set_source(source);
    envelope.set_sequence(++sequence);
    envelope.set_timestamp_unix_ms(clock.NowUnixMs());
    return envelope;
  }

  // kNotFound: the peer is gone (ROUTER_MANDATORY); kUnavailable: its queue
  // is full, i.e. it stopped reading. Both mean it is dead to us.
  Status SendTo(Executor& executor, const v1::Envelope& envelope) {
    Status sent = socket->SendRouted(executor.id, {EnvelopeCodec::EncodeSingle(envelope)});
    if (sent.ok()) {
      executor.last_sent = clock.Now();
    } else {
      BusLog().debug("dispatch: send to {} failed: {}", executor.id, sent.ToString());
    }
    return sent;
  }

  bool Handles(const Executor& executor, const v1::Action& action) const {
    if (executor.handlers.empty()) return true;
    const std::string name = HandlerName(action);
    return std::find(executor.handlers.begin(), executor.handlers.end(), name) !=
           executor.handlers.end();
  }

  // The live executor with the most free credit that may take `id`.
  Executor* Choose(const std::string& id, const Tracked& tracked) {
    Executor* best = nullptr;
    for (auto& [executor_id, executor] : executors) {
      if (executor.free_credit() <= 0) continue;
      if (executor.held.count(id) != 0) continue;  // still holds a cancelled dispatch of it
      if (!Handles(executor, tracked.action)) continue;
      if (best == nullptr || executor.free_credit() > best->free_credit()) best = &executor;
    }
    return best;
  }

  bool AnyFreeCredit() const {
    return std::any_of(executors.begin(), executors.end(),
                       [](const auto& entry) { return entry.second.free_credit() > 0; });
  }

  // Hands queued actions, front first, to executors with credit. An action
  // no executor can take now is skipped, not blocking those behind it.
  void Dispatch() {
    if (!socket) return;
    size_t i = 0;
    while (i < queue.size() && AnyFreeCredit()) {
      const std::string id = queue[i];
      Tracked& tracked = actions.at(id);
      Executor* executor = Choose(id, tracked);
      if (executor == nullptr) {
        ++i;
        continue;
      }
      v1::Envelope envelope = NewEnvelope();
      envelope.set_correlation_id(tracked.action.correlation_id());
      auto* request = envelope.mutable_action_request();
      *request->mutable_action() = tracked.action;
      request->set_attempt(tracked.attempt);
      if (!SendTo(*executor, envelope).ok()) {
        // Never delivered: the action keeps its place and attempt; the
        // executor's other actions go to the front.
        RemoveExecutor(executor->id, "unreachable");
        i = 0;
        continue;
      }
      queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(i));
      executor->held[id] = Held{tracked.attempt, false, ++dispatch_order};
      tracked.executor = executor->id;
      counters.Increment("dispatched");
      Notify([this, request = *request, executor_id = executor->id] {
        if (callbacks.on_dispatched) callbacks.on_dispatched(request, executor_id);
      });
    }
  }

  // ---- Callbacks ----

  // Callbacks run after the state change that caused them is complete, so a
  // callback may call Submit or Cancel.
  void Notify(std::function<void()> callback) { pending.push_back(std::move(callback)); }

  void Flush() {
    if (flushing) return;  // the outer Flush picks up what this call added
    flushing = true;
    while (!pending.empty()) {
      auto callback = std::move(pending.front());
      pending.pop_front();
      callback();
    }
    flushing = false;
  }

  asio::io_context& io;
  SocketFactory& sockets;
  const std::string endpoint;
  const HeartbeatOptions options;
  const Callbacks callbacks;
  const Clock& clock;
  Counters& counters;
  DropCounter drops;
  const std::string source;
  // Everything below is owned by the io thread.
  asio::steady_timer timer;
  IdGenerator ids;
  uint64_t sequence = 0;
  uint64_t dispatch_order = 0;
  std::unique_ptr<ZmqSocket> socket;          // ROUTER bound at endpoint
  std::map<std::string, Executor> executors;  // by routing id
  std::map<std::string, Tracked> actions;     // queued and in flight, by action id
  std::deque<std::string> queue;              // queued action ids, front first
  std::deque<std::function<void()>> pending;  // callbacks to run
  bool flushing = false;
  // Io handlers hold weak references; expired means the server is gone.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

DispatchServer::DispatchServer(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
                               HeartbeatOptions options, Callbacks callbacks, const Clock& clock,
                               Counters& counters)
    : impl_(std::make_unique<Impl>(io, sockets, std::move(endpoint), options, std::move(callbacks),
                                   clock, counters)) {}

DispatchServer::~DispatchServer() = default;

Status DispatchServer::Start() {
  if (impl_->socket) return Status::FailedPrecondition("dispatch server already started");
  if (impl_->options.interval.count() <= 0 || impl_->options.liveness < 1) {
    return Status::InvalidArgument("heartbeat interval must be positive and liveness >= 1");
  }
  WHARF_ASSIGN_OR_RETURN(auto socket,
                         impl_->sockets.Bind(SocketFactory::Kind::kRouter, impl_->endpoint));
  Impl* impl = impl_.get();
  WHARF_RETURN_IF_ERROR(socket->OnReadable(
      impl_->io, [impl](const ZmqSocket::Message& message) { impl->OnMessage(message); }));
  impl_->socket = std::move(socket);
  impl_->ScheduleTick();
  BusLog().info("dispatch server at {} (heartbeat {} ms, liveness {})", impl_->endpoint,
                impl_->options.interval.count(), impl_->options.liveness);
  impl_->Dispatch();  // nothing can go out before executors say hello; harmless
  impl_->Flush();
  return Status::Ok();
}

void DispatchServer::Submit(v1::Action action) {
  if (action.id().empty()) {
    BusLog().error("dispatch: ignoring an action without id (app {})", action.app());
    return;
  }
  if (impl_->actions.count(action.id()) != 0) return;
  if (action.ByteSizeLong() + kEnvelopeOverhead > kMaxEnvelopeBytes) {
    // No executor could receive it; fail it rather than requeue it forever.
    BusLog().error("action {} is {} bytes, too large to dispatch", action.id(),
                   action.ByteSizeLong());
    v1::ActionResult result;
    result.set_action_id(action.id());
    result.set_app(action.app());
    result.set_attempt(1);
    result.set_outcome(v1::FAILED_TERMINAL);
    result.mutable_error()->set_message("action too large to dispatch (" +
                                        std::to_string(action.ByteSizeLong()) + " bytes)");
    impl_->counters.Increment("rejected_oversized");
    impl_->Notify([impl = impl_.get(), result = std::move(result)] {
      if (impl->callbacks.on_result) impl->callbacks.on_result(result);
    });
    impl_->Flush();
    return;
  }
  const std::string id = action.id();
  impl_->actions.emplace(id, Impl::Tracked{std::move(action), 1, ""});
  impl_->queue.push_back(id);
  impl_->counters.Increment("submitted");
  impl_->Dispatch();
  impl_->Flush();
}

void DispatchServer::Cancel(const std::string& action_id) {
  auto tracked = impl_->actions.find(action_id);
  if (tracked == impl_->actions.end()) return;
  if (tracked->second.executor.empty()) {
    auto& queue = impl_->queue;
    queue.erase(std::remove(queue.begin(), queue.end(), action_id), queue.end());
  } else {
    auto executor = impl_->executors.find(tracked->second.executor);
    if (executor != impl_->executors.end()) {
      auto held = executor->second.held.find(action_id);
      if (held != executor->second.held.end()) held->second.cancelled = true;
    }
  }
  impl_->actions.erase(tracked);
  impl_->counters.Increment("cancelled");
}

std::vector<v1::ExecutorState> DispatchServer::Executors() const {
  std::vector<v1::ExecutorState> out;
  for (const auto& [id, executor] : impl_->executors) {
    v1::ExecutorState state;
    state.set_executor_id(id);
    state.set_capacity(executor.capacity);
    state.set_in_flight(static_cast<int32_t>(executor.held.size()));
    state.set_last_seen_unix_ms(executor.last_seen_unix_ms);
    out.push_back(std::move(state));
  }
  return out;
}

size_t DispatchServer::queued() const { return impl_->queue.size(); }

size_t DispatchServer::in_flight() const { return impl_->actions.size() - impl_->queue.size(); }

}  // namespace wharf::bus
