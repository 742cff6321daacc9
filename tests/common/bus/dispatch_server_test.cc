#include "common/bus/dispatch_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "common/bus/dispatch_client.h"
#include "tests/common/bus/dispatch_test_util.h"

namespace wharf::bus {
namespace {

using namespace std::chrono_literals;
using testing::AwaitEnvelope;
using testing::Hello;
using testing::MakeAction;
using testing::RandomBytes;
using testing::Result;
using testing::RunUntil;
using testing::SendEnvelope;

// For tests whose raw peers never heartbeat: dead only after 5 s of silence.
const HeartbeatOptions kPatient{50ms, 100};

// An executor for tests: a DispatchClient whose handler records requests and
// either completes them after `work_time` or holds them until told.
struct TestExecutor {
  std::string id;
  std::vector<v1::ActionRequest> received;
  std::map<std::string, DispatchClient::Done> held;  // by action id
  int running = 0;
  int max_running = 0;
  std::unique_ptr<Counters> counters;
  std::unique_ptr<DispatchClient> client;

  // Completes a held action (as attempt `attempt` was dispatched).
  void Complete(const std::string& action_id) {
    auto done = std::move(held.at(action_id));
    held.erase(action_id);
    --running;
    v1::ActionResult result;
    result.set_outcome(v1::SUCCEEDED);
    done(result);
  }
};

class DispatchServerTest : public ::testing::Test {
 protected:
  void StartServer(HeartbeatOptions server_options) {
    DispatchServer::Callbacks callbacks;
    callbacks.on_result = [this](const v1::ActionResult& r) { results.push_back(r); };
    callbacks.on_dispatched = [this](const v1::ActionRequest& r, const std::string& executor) {
      dispatched.emplace_back(r.action().id(), executor);
      for (const auto& state : server->Executors()) {
        EXPECT_LE(state.in_flight(), state.capacity()) << state.executor_id();
      }
    };
    callbacks.on_requeued = [this](const std::string& action, const std::string& executor) {
      requeued.emplace_back(action, executor);
    };
    callbacks.on_executor = [this](const std::string& executor, bool alive) {
      executor_events.emplace_back(executor, alive);
    };
    server = std::make_unique<DispatchServer>(io, sockets, endpoint, server_options,
                                              std::move(callbacks), clock, server_counters);
    ASSERT_TRUE(server->Start().ok());
  }

  // `work_time` zero: hold every action until Complete().
  std::unique_ptr<TestExecutor> AddExecutor(const std::string& id, int capacity,
                                            std::chrono::milliseconds work_time,
                                            asio::io_context* on = nullptr) {
    asio::io_context& executor_io = on != nullptr ? *on : io;
    auto executor = std::make_unique<TestExecutor>();
    executor->id = id;
    executor->counters = std::make_unique<Counters>("executor_" + id);
    TestExecutor* raw = executor.get();
    executor->client = std::make_unique<DispatchClient>(
        executor_io, sockets, endpoint, id, capacity, options,
        [raw, work_time, &executor_io](const v1::ActionRequest& request,
                                       DispatchClient::Done done) {
          raw->received.push_back(request);
          raw->max_running = std::max(raw->max_running, ++raw->running);
          if (work_time.count() == 0) {
            raw->held.emplace(request.action().id(), std::move(done));
            return;
          }
          auto timer = std::make_shared<asio::steady_timer>(executor_io, work_time);
          timer->async_wait([raw, timer, done = std::move(done)](boost::system::error_code) {
            --raw->running;
            v1::ActionResult result;
            result.set_outcome(v1::SUCCEEDED);
            done(result);
          });
        },
        clock, *executor->counters);
    EXPECT_TRUE(executor->client->Start().ok());
    return executor;
  }

  bool Joined(const std::string& id) const {
    return std::find(executor_events.begin(), executor_events.end(), std::make_pair(id, true)) !=
           executor_events.end();
  }
  bool Left(const std::string& id) const {
    return std::find(executor_events.begin(), executor_events.end(), std::make_pair(id, false)) !=
           executor_events.end();
  }
  const v1::ActionResult* ResultFor(const std::string& action_id) const {
    for (const auto& r : results) {
      if (r.action_id() == action_id) return &r;
    }
    return nullptr;
  }

  std::unique_ptr<ZmqSocket> RawExecutor(const std::string& id) {
    auto socket = sockets.Connect(SocketFactory::Kind::kDealer, endpoint, id);
    EXPECT_TRUE(socket.ok());
    return std::move(*socket);
  }

  HeartbeatOptions options{50ms, 3};
  testing::TempDir dir;
  asio::io_context io;
  SocketFactory sockets;
  SystemClock clock;
  Counters server_counters{"dispatch"};
  const std::string endpoint = dir.Ipc("dispatch");
  std::vector<v1::ActionResult> results;
  std::vector<std::pair<std::string, std::string>> dispatched;
  std::vector<std::pair<std::string, std::string>> requeued;
  std::vector<std::pair<std::string, bool>> executor_events;
  std::unique_ptr<DispatchServer> server;
};

TEST_F(DispatchServerTest, CapacityOneExecutorNeverHoldsTwo) {
  StartServer(options);
  auto executor = AddExecutor("e1", 1, 5ms);
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("e1"); }));
  for (int i = 0; i < 8; ++i) server->Submit(MakeAction("a" + std::to_string(i)));
  EXPECT_EQ(server->in_flight(), 1u);
  EXPECT_EQ(server->queued(), 7u);
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() == 8; }));
  EXPECT_EQ(executor->max_running, 1);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(results[i].action_id(), "a" + std::to_string(i));  // FIFO
    EXPECT_EQ(results[i].attempt(), 1u);
    EXPECT_EQ(results[i].executor_id(), "e1");
    EXPECT_EQ(results[i].outcome(), v1::SUCCEEDED);
  }
  EXPECT_EQ(server->in_flight(), 0u);
  EXPECT_EQ(server->queued(), 0u);
  EXPECT_EQ(server_counters.Get("dropped_stale_result"), 0);
}

TEST_F(DispatchServerTest, DispatchesToMostFreeCredit) {
  StartServer(options);
  auto a = AddExecutor("a", 3, 0ms);
  auto b = AddExecutor("b", 1, 0ms);
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("a") && Joined("b"); }));
  for (int i = 0; i < 5; ++i) server->Submit(MakeAction("x" + std::to_string(i)));
  // a:3 free, b:1 -> a; a:2 -> a; a:1 = b:1 -> a (first by id); then b.
  ASSERT_EQ(dispatched.size(), 4u);
  EXPECT_EQ(dispatched[0].second, "a");
  EXPECT_EQ(dispatched[1].second, "a");
  EXPECT_EQ(dispatched[2].second, "a");
  EXPECT_EQ(dispatched[3].second, "b");
  EXPECT_EQ(server->queued(), 1u);
  ASSERT_TRUE(RunUntil(io, [&] { return a->received.size() == 3 && b->received.size() == 1; }));
  auto states = server->Executors();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].executor_id(), "a");
  EXPECT_EQ(states[0].in_flight(), 3);
  EXPECT_EQ(states[0].capacity(), 3);
  EXPECT_GT(states[0].last_seen_unix_ms(), 0);
  // A finished action frees credit for the queued one.
  b->Complete("x3");
  ASSERT_TRUE(RunUntil(io, [&] { return b->received.size() == 2; }));
  EXPECT_EQ(b->received[1].action().id(), "x4");
  EXPECT_EQ(b->received[1].action().correlation_id(), "trace-x4");
}

// Paranoid Pirate: an executor that stops talking (its io thread stalls, its
// connection stays up) is declared dead; its action goes to another
// executor with attempt + 1. Its late result is stale.
TEST_F(DispatchServerTest, SilentExecutorsActionIsRequeuedAndItsLateResultDropped) {
  StartServer(options);
  asio::io_context silent_io;
  auto a = AddExecutor("a", 1, 0ms, &silent_io);
  ASSERT_TRUE(RunUntil({&io, &silent_io}, [&] { return Joined("a"); }));
  server->Submit(MakeAction("x"));
  ASSERT_TRUE(RunUntil({&io, &silent_io}, [&] { return a->received.size() == 1; }));
  EXPECT_EQ(a->received[0].attempt(), 1u);

  auto b = AddExecutor("b", 1, 1ms);
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("b"); }));
  // From here on only the server and b run: a is silent.
  ASSERT_TRUE(RunUntil(io, [&] { return ResultFor("x") != nullptr; }));
  EXPECT_TRUE(Left("a"));
  ASSERT_EQ(requeued.size(), 1u);
  EXPECT_EQ(requeued[0], std::make_pair(std::string("x"), std::string("a")));
  EXPECT_EQ(ResultFor("x")->attempt(), 2u);
  EXPECT_EQ(ResultFor("x")->executor_id(), "b");
  ASSERT_EQ(b->received.size(), 1u);
  EXPECT_EQ(b->received[0].attempt(), 2u);

  // a wakes up and finishes attempt 1: dropped and counted, not delivered.
  a->Complete("x");
  ASSERT_TRUE(RunUntil({&io, &silent_io},
                       [&] { return server_counters.Get("dropped_stale_result") >= 1; }));
  EXPECT_EQ(results.size(), 1u);
}

// An executor that is destroyed without a bye: the send to it fails
// (ROUTER_MANDATORY) or it goes silent; either way its action moves on.
TEST_F(DispatchServerTest, DestroyedExecutorsActionIsRequeued) {
  StartServer(options);
  auto a = AddExecutor("a", 2, 0ms);
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("a"); }));
  server->Submit(MakeAction("x"));
  server->Submit(MakeAction("y"));
  ASSERT_TRUE(RunUntil(io, [&] { return a->received.size() == 2; }));
  a.reset();
  auto b = AddExecutor("b", 1, 1ms);
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() == 2; }));
  EXPECT_TRUE(Left("a"));
  // Requeued at the front, in their original order.
  ASSERT_EQ(requeued.size(), 2u);
  EXPECT_EQ(requeued[0].first, "x");
  EXPECT_EQ(requeued[1].first, "y");
  EXPECT_EQ(results[0].action_id(), "x");
  EXPECT_EQ(results[1].action_id(), "y");
  EXPECT_EQ(results[0].attempt(), 2u);
  EXPECT_EQ(b->max_running, 1);
}

TEST_F(DispatchServerTest, ByeRequeuesImmediately) {
  // Heartbeats far apart: only the bye can explain a quick requeue.
  options = HeartbeatOptions{2000ms, 3};
  StartServer(options);
  auto a = AddExecutor("a", 1, 0ms);
  auto b = AddExecutor("b", 1, 1ms);
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("a") && Joined("b"); }));
  server->Submit(MakeAction("x"));  // a and b tie: a by id
  server->Submit(MakeAction("y"));
  ASSERT_TRUE(RunUntil(io, [&] { return a->received.size() == 1; }));
  ASSERT_EQ(a->received[0].action().id(), "x");
  a->client->Stop();
  ASSERT_TRUE(RunUntil(
      io, [&] { return ResultFor("x") != nullptr; }, 1500ms));
  EXPECT_TRUE(Left("a"));
  EXPECT_EQ(ResultFor("x")->executor_id(), "b");
  EXPECT_EQ(ResultFor("x")->attempt(), 2u);
  // A result after Stop is not sent.
  a->Complete("x");
  EXPECT_EQ(a->counters->Get("results_after_stop"), 1);
}

TEST_F(DispatchServerTest, AcceptsOnlyTheHoldersCurrentAttempt) {
  StartServer(kPatient);
  auto r1 = RawExecutor("r1");
  auto r2 = RawExecutor("r2");
  ASSERT_TRUE(SendEnvelope(*r1, Hello("r1", 1)).ok());
  ASSERT_TRUE(SendEnvelope(*r2, Hello("r2", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("r1") && Joined("r2"); }));
  server->Submit(MakeAction("a"));
  ASSERT_EQ(dispatched.size(), 1u);
  ASSERT_EQ(dispatched[0].second, "r1");
  auto request = AwaitEnvelope({&io}, *r1, v1::Envelope::kActionRequest);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->action_request().attempt(), 1u);
  EXPECT_EQ(request->correlation_id(), "trace-a");

  ASSERT_TRUE(SendEnvelope(*r1, Result("a", 7)).ok());    // wrong attempt
  ASSERT_TRUE(SendEnvelope(*r1, Result("zzz", 1)).ok());  // unknown action
  ASSERT_TRUE(SendEnvelope(*r2, Result("a", 1)).ok());    // not the holder
  ASSERT_TRUE(RunUntil(io, [&] { return server_counters.Get("dropped_stale_result") == 3; }));
  EXPECT_TRUE(results.empty());
  ASSERT_TRUE(SendEnvelope(*r1, Result("a", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() == 1; }));
  EXPECT_EQ(results[0].executor_id(), "r1");
  ASSERT_TRUE(SendEnvelope(*r1, Result("a", 1)).ok());  // duplicate
  ASSERT_TRUE(RunUntil(io, [&] { return server_counters.Get("dropped_stale_result") == 4; }));
  EXPECT_EQ(results.size(), 1u);
}

TEST_F(DispatchServerTest, SecondHelloRequeuesWhatItHeld) {
  StartServer(kPatient);
  auto r1 = RawExecutor("r1");
  ASSERT_TRUE(SendEnvelope(*r1, Hello("r1", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("r1"); }));
  server->Submit(MakeAction("a"));
  auto first = AwaitEnvelope({&io}, *r1, v1::Envelope::kActionRequest);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(SendEnvelope(*r1, Hello("r1", 1)).ok());
  auto second = AwaitEnvelope({&io}, *r1, v1::Envelope::kActionRequest);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->action_request().action().id(), "a");
  EXPECT_EQ(second->action_request().attempt(), 2u);
  ASSERT_EQ(requeued.size(), 1u);
  EXPECT_EQ(requeued[0].second, "r1");
  EXPECT_EQ(executor_events.size(), 1u);                // still the same, live executor
  ASSERT_TRUE(SendEnvelope(*r1, Result("a", 1)).ok());  // the superseded attempt
  ASSERT_TRUE(SendEnvelope(*r1, Result("a", 2)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() == 1; }));
  EXPECT_EQ(results[0].attempt(), 2u);
  EXPECT_EQ(server_counters.Get("dropped_stale_result"), 1);
}

TEST_F(DispatchServerTest, HeartbeatsIdlePeersAndDropsSilentOnes) {
  StartServer(options);
  auto r1 = RawExecutor("r1");
  ASSERT_TRUE(SendEnvelope(*r1, Hello("r1", 1)).ok());
  ASSERT_TRUE(AwaitEnvelope({&io}, *r1, v1::Envelope::kHeartbeat).has_value());
  // r1 never heartbeats back: dead after `liveness` intervals.
  ASSERT_TRUE(RunUntil(io, [&] { return Left("r1"); }));
  EXPECT_TRUE(server->Executors().empty());
  EXPECT_EQ(server_counters.Get("executors_lost"), 1);
}

TEST_F(DispatchServerTest, CancelForgetsActionButKeepsCreditUntilItsResult) {
  StartServer(kPatient);
  auto r1 = RawExecutor("r1");
  ASSERT_TRUE(SendEnvelope(*r1, Hello("r1", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("r1"); }));
  server->Submit(MakeAction("a"));
  server->Submit(MakeAction("b"));
  server->Submit(MakeAction("a"));  // already known: no-op
  EXPECT_EQ(server->in_flight(), 1u);
  EXPECT_EQ(server->queued(), 1u);
  server->Cancel("b");
  EXPECT_EQ(server->queued(), 0u);
  server->Cancel("a");
  EXPECT_EQ(server->in_flight(), 0u);
  server->Submit(MakeAction("c"));
  EXPECT_EQ(server->queued(), 1u);  // r1 still works on the cancelled "a"
  ASSERT_TRUE(AwaitEnvelope({&io}, *r1, v1::Envelope::kActionRequest).has_value());
  ASSERT_TRUE(SendEnvelope(*r1, Result("a", 1)).ok());
  auto next = AwaitEnvelope({&io}, *r1, v1::Envelope::kActionRequest);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->action_request().action().id(), "c");
  EXPECT_TRUE(results.empty());
  EXPECT_EQ(server_counters.Get("dropped_stale_result"), 1);
}

TEST_F(DispatchServerTest, HandlersRestrictWhatAnExecutorGets) {
  StartServer(kPatient);
  auto r1 = RawExecutor("r1");
  v1::Envelope hello = Hello("r1", 2);
  hello.mutable_executor_hello()->add_handlers("ECS_SERVICE/CREATE");
  ASSERT_TRUE(SendEnvelope(*r1, hello).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return Joined("r1"); }));
  server->Submit(MakeAction("cluster", v1::ResourceKind::ECS_CLUSTER));
  server->Submit(MakeAction("service", v1::ResourceKind::ECS_SERVICE));
  // The cluster action waits without blocking the service action behind it.
  ASSERT_EQ(dispatched.size(), 1u);
  EXPECT_EQ(dispatched[0].first, "service");
  EXPECT_EQ(server->queued(), 1u);
}

TEST_F(DispatchServerTest, GarbageFromPeersIsDroppedAndCounted) {
  StartServer(kPatient);
  auto r1 = RawExecutor("r1");
  v1::Envelope wrong_version = Hello("r1", 1);
  wrong_version.set_schema_version(3);
  v1::Envelope heartbeat = testing::NewEnvelope();
  heartbeat.mutable_heartbeat();
  ASSERT_TRUE(r1->Send({RandomBytes(1, 40), RandomBytes(2, 40)}).ok());
  ASSERT_TRUE(r1->Send({std::string(30, '\xff')}).ok());
  ASSERT_TRUE(r1->Send({std::string(2 << 20, 'x')}).ok());
  ASSERT_TRUE(SendEnvelope(*r1, wrong_version).ok());
  ASSERT_TRUE(SendEnvelope(*r1, heartbeat).ok());                 // before hello
  ASSERT_TRUE(SendEnvelope(*r1, Hello("someone-else", 1)).ok());  // id mismatch
  ASSERT_TRUE(SendEnvelope(*r1, Hello("r1", 0)).ok());            // no capacity
  ASSERT_TRUE(SendEnvelope(*r1, testing::ImagePushedEnvelope("x")).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return server_counters.Get("dropped_unexpected_payload") == 1; }));
  EXPECT_EQ(server_counters.Get("dropped_frame_count"), 1);
  EXPECT_EQ(server_counters.Get("dropped_unparseable"), 1);
  EXPECT_EQ(server_counters.Get("dropped_oversized"), 1);
  EXPECT_EQ(server_counters.Get("dropped_bad_version"), 1);
  EXPECT_EQ(server_counters.Get("dropped_unknown_executor"), 1);
  EXPECT_EQ(server_counters.Get("dropped_bad_hello"), 2);
  EXPECT_TRUE(executor_events.empty());

  // Raw bytes on the endpoint: a bad ZMTP greeting closes the connection; bytes
  // without the ZMTP 3 signature are read as ZMTP 1.0 frames, whose messages
  // are garbage to the codec. Either way: dropped, counted, no harm done.
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ASSERT_TRUE(testing::WriteRawUnix(dir.path() + "/dispatch", RandomBytes(seed, 10 + seed * 60)));
  }
  testing::RunFor(io, 20ms);

  // Still serving.
  auto e = AddExecutor("e", 1, 1ms);
  server->Submit(MakeAction("after"));
  ASSERT_TRUE(RunUntil(io, [&] { return ResultFor("after") != nullptr; }));
}

TEST_F(DispatchServerTest, OversizedActionFailsInsteadOfCirculating) {
  StartServer(options);
  v1::Action huge = MakeAction("huge");
  (*huge.mutable_inputs())["blob"] = std::string(kMaxEnvelopeBytes, 'b');
  server->Submit(huge);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome(), v1::FAILED_TERMINAL);
  EXPECT_EQ(server->queued(), 0u);
}

TEST_F(DispatchServerTest, CallbacksMaySubmit) {
  // on_result submits the next action: the server must not be mid-update.
  DispatchServer::Callbacks callbacks;
  int submitted = 0;
  callbacks.on_result = [&](const v1::ActionResult& r) {
    results.push_back(r);
    if (submitted < 5) server->Submit(MakeAction("chain" + std::to_string(++submitted)));
  };
  server = std::make_unique<DispatchServer>(io, sockets, endpoint, options, std::move(callbacks),
                                            clock, server_counters);
  ASSERT_TRUE(server->Start().ok());
  auto e = AddExecutor("e", 1, 1ms);
  server->Submit(MakeAction("chain0"));
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() == 6; }));
  EXPECT_EQ(results.back().action_id(), "chain5");
}

}  // namespace
}  // namespace wharf::bus
