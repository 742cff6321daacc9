#include "common/bus/dispatch_client.h"

#include <gtest/gtest.h>

#include <map>

#include "common/bus/dispatch_server.h"
#include "tests/common/bus/dispatch_test_util.h"

namespace wharf::bus {
namespace {

using namespace std::chrono_literals;
using testing::AwaitEnvelope;
using testing::MakeAction;
using testing::RandomBytes;
using testing::RunUntil;

// For tests whose fake controller never heartbeats.
const HeartbeatOptions kPatient{50ms, 100};

class DispatchClientTest : public ::testing::Test {
 protected:
  // An executor that holds every action until Complete().
  void StartClient(HeartbeatOptions options, int capacity = 2) {
    client = std::make_unique<DispatchClient>(
        io, sockets, endpoint, "e1", capacity, options,
        [this](const v1::ActionRequest& request, DispatchClient::Done done) {
          received.push_back(request);
          held[request.action().id()] = std::move(done);
        },
        clock, counters);
    ASSERT_TRUE(client->Start().ok());
  }

  void Complete(const std::string& id, v1::ActionOutcome outcome = v1::SUCCEEDED) {
    auto done = std::move(held.at(id));
    held.erase(id);
    v1::ActionResult result;
    result.set_outcome(outcome);
    done(result);
  }

  // A fake controller: a bare ROUTER the test drives by hand.
  std::unique_ptr<ZmqSocket> BindRouter() {
    auto router = sockets.Bind(SocketFactory::Kind::kRouter, endpoint);
    EXPECT_TRUE(router.ok());
    return std::move(*router);
  }

  static Status SendTo(ZmqSocket& router, const v1::Envelope& envelope) {
    return router.SendRouted("e1", {EnvelopeCodec::EncodeSingle(envelope)});
  }

  static v1::Envelope Request(const std::string& id, uint32_t attempt) {
    v1::Envelope envelope = testing::NewEnvelope();
    *envelope.mutable_action_request()->mutable_action() = MakeAction(id);
    envelope.mutable_action_request()->set_attempt(attempt);
    return envelope;
  }

  testing::TempDir dir;
  asio::io_context io;
  SocketFactory sockets;
  SystemClock clock;
  Counters counters{"executor"};
  Counters server_counters{"dispatch"};
  const std::string endpoint = dir.Ipc("dispatch");
  std::vector<v1::ActionRequest> received;
  std::map<std::string, DispatchClient::Done> held;
  std::unique_ptr<DispatchClient> client;
};

TEST_F(DispatchClientTest, SaysHelloAndHeartbeatsWithWhatItHolds) {
  auto router = BindRouter();
  StartClient(kPatient, 3);
  std::string peer;
  auto hello = AwaitEnvelope({&io}, *router, v1::Envelope::kExecutorHello, &peer);
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(peer, "e1");
  EXPECT_EQ(hello->executor_hello().executor_id(), "e1");
  EXPECT_EQ(hello->executor_hello().capacity(), 3);

  ASSERT_TRUE(SendTo(*router, Request("a", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return received.size() == 1; }));
  EXPECT_EQ(client->in_flight(), 1u);
  auto heartbeat = AwaitEnvelope({&io}, *router, v1::Envelope::kHeartbeat);
  ASSERT_TRUE(heartbeat.has_value());
  ASSERT_EQ(heartbeat->heartbeat().in_flight_size(), 1);
  EXPECT_EQ(heartbeat->heartbeat().in_flight(0), "a");

  Complete("a", v1::FAILED_RETRYABLE);
  auto result = AwaitEnvelope({&io}, *router, v1::Envelope::kActionResult);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->action_result().action_id(), "a");
  EXPECT_EQ(result->action_result().attempt(), 1u);
  EXPECT_EQ(result->action_result().executor_id(), "e1");
  EXPECT_EQ(result->action_result().outcome(), v1::FAILED_RETRYABLE);
  EXPECT_EQ(client->in_flight(), 0u);

  client->Stop();
  auto bye = AwaitEnvelope({&io}, *router, v1::Envelope::kExecutorBye);
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(bye->executor_bye().executor_id(), "e1");
}

// The controller re-sends an action the executor still runs: it is not run
// twice, and the result answers the newest attempt.
TEST_F(DispatchClientTest, RedispatchWhileRunningAnswersNewestAttempt) {
  auto router = BindRouter();
  StartClient(kPatient);
  ASSERT_TRUE(AwaitEnvelope({&io}, *router, v1::Envelope::kExecutorHello).has_value());
  ASSERT_TRUE(SendTo(*router, Request("a", 1)).ok());
  ASSERT_TRUE(SendTo(*router, Request("a", 2)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return counters.Get("redispatched_while_running") == 1; }));
  EXPECT_EQ(received.size(), 1u);
  Complete("a");
  auto result = AwaitEnvelope({&io}, *router, v1::Envelope::kActionResult);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->action_result().attempt(), 2u);
}

// A silent controller makes the executor reconnect: hello again, then the
// results the controller may have missed.
TEST_F(DispatchClientTest, ReconnectsWhenControllerSilentAndResendsResults) {
  auto router = BindRouter();
  StartClient(HeartbeatOptions{50ms, 3});
  ASSERT_TRUE(AwaitEnvelope({&io}, *router, v1::Envelope::kExecutorHello).has_value());
  ASSERT_TRUE(SendTo(*router, Request("a", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return received.size() == 1; }));
  Complete("a");
  ASSERT_TRUE(AwaitEnvelope({&io}, *router, v1::Envelope::kActionResult).has_value());
  // The fake controller now says nothing.
  auto hello = AwaitEnvelope({&io}, *router, v1::Envelope::kExecutorHello);
  ASSERT_TRUE(hello.has_value());
  auto resent = AwaitEnvelope({&io}, *router, v1::Envelope::kActionResult);
  ASSERT_TRUE(resent.has_value());
  EXPECT_EQ(resent->action_result().action_id(), "a");
  EXPECT_GE(counters.Get("reconnects"), 1);
}

TEST_F(DispatchClientTest, ReconnectsAfterServerRestartAndGetsNewWork) {
  std::vector<v1::ActionResult> results;
  bool joined = false;
  auto make_server = [&] {
    DispatchServer::Callbacks callbacks;
    callbacks.on_result = [&](const v1::ActionResult& r) { results.push_back(r); };
    callbacks.on_executor = [&](const std::string&, bool alive) { joined = alive; };
    return std::make_unique<DispatchServer>(io, sockets, endpoint, HeartbeatOptions{50ms, 3},
                                            std::move(callbacks), clock, server_counters);
  };
  auto server = make_server();
  ASSERT_TRUE(server->Start().ok());
  client = std::make_unique<DispatchClient>(
      io, sockets, endpoint, "e1", 1, HeartbeatOptions{50ms, 3},
      [](const v1::ActionRequest&, DispatchClient::Done done) {
        v1::ActionResult result;
        result.set_outcome(v1::SUCCEEDED);
        done(result);  // inline completion is allowed
      },
      clock, counters);
  ASSERT_TRUE(client->Start().ok());
  ASSERT_TRUE(RunUntil(io, [&] { return joined; }));
  server->Submit(MakeAction("before"));
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() == 1; }));

  server.reset();  // the controller dies
  joined = false;
  server = make_server();
  ASSERT_TRUE(server->Start().ok());
  server->Submit(MakeAction("after"));
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() == 2; }));
  EXPECT_EQ(results[1].action_id(), "after");
  EXPECT_TRUE(joined);
  EXPECT_GE(counters.Get("reconnects"), 1);
}

TEST_F(DispatchClientTest, GarbageFromControllerIsDroppedAndCounted) {
  auto router = BindRouter();
  StartClient(kPatient);
  ASSERT_TRUE(AwaitEnvelope({&io}, *router, v1::Envelope::kExecutorHello).has_value());
  v1::Envelope wrong_version = Request("x", 1);
  wrong_version.set_schema_version(0);
  v1::Envelope no_id = Request("", 1);
  v1::Envelope control = testing::NewEnvelope();
  control.mutable_control_reply();
  ASSERT_TRUE(router->SendRouted("e1", {RandomBytes(1, 30), RandomBytes(2, 30)}).ok());
  ASSERT_TRUE(router->SendRouted("e1", {std::string(16, '\xff')}).ok());
  ASSERT_TRUE(router->SendRouted("e1", {std::string(2 << 20, 'x')}).ok());
  ASSERT_TRUE(SendTo(*router, wrong_version).ok());
  ASSERT_TRUE(SendTo(*router, no_id).ok());
  ASSERT_TRUE(SendTo(*router, control).ok());
  ASSERT_TRUE(SendTo(*router, Request("ok", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return received.size() == 1; }));
  EXPECT_EQ(received[0].action().id(), "ok");
  EXPECT_EQ(counters.Get("dropped_frame_count"), 1);
  EXPECT_EQ(counters.Get("dropped_unparseable"), 1);
  EXPECT_EQ(counters.Get("dropped_oversized"), 1);
  EXPECT_EQ(counters.Get("dropped_bad_version"), 1);
  EXPECT_EQ(counters.Get("dropped_bad_request"), 1);
  EXPECT_EQ(counters.Get("dropped_unexpected_payload"), 1);
}

TEST_F(DispatchClientTest, DoneTwiceOrAfterDestructionIsHarmless) {
  auto router = BindRouter();
  StartClient(kPatient);
  ASSERT_TRUE(AwaitEnvelope({&io}, *router, v1::Envelope::kExecutorHello).has_value());
  ASSERT_TRUE(SendTo(*router, Request("a", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return received.size() == 1; }));
  DispatchClient::Done done = held.at("a");
  done(v1::ActionResult());
  done(v1::ActionResult());
  EXPECT_EQ(counters.Get("done_called_twice"), 1);
  ASSERT_TRUE(SendTo(*router, Request("b", 1)).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return received.size() == 2; }));
  DispatchClient::Done late = held.at("b");
  client.reset();
  late(v1::ActionResult());  // the client is gone: nothing happens
}

TEST_F(DispatchClientTest, StartValidatesArguments) {
  auto handler = [](const v1::ActionRequest&, DispatchClient::Done) {};
  DispatchClient no_id(io, sockets, endpoint, "", 1, kPatient, handler, clock, counters);
  EXPECT_EQ(no_id.Start().code(), Status::Code::kInvalidArgument);
  DispatchClient no_capacity(io, sockets, endpoint, "e", 0, kPatient, handler, clock, counters);
  EXPECT_EQ(no_capacity.Start().code(), Status::Code::kInvalidArgument);
  DispatchClient bad_endpoint(io, sockets, "nope://", "e", 1, kPatient, handler, clock, counters);
  EXPECT_FALSE(bad_endpoint.Start().ok());
  DispatchClient ok(io, sockets, endpoint, "e", 1, kPatient, handler, clock, counters);
  ASSERT_TRUE(ok.Start().ok());
  EXPECT_EQ(ok.Start().code(), Status::Code::kFailedPrecondition);
  ok.Stop();
  ok.Stop();
}

}  // namespace
}  // namespace wharf::bus
