#include "common/bus/zmq_socket.h"

#include <gtest/gtest.h>

#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

using testing::RunUntil;
using testing::TempDir;
using Kind = SocketFactory::Kind;

class ZmqSocketTest : public ::testing::Test {
 protected:
  std::unique_ptr<ZmqSocket> Bind(Kind kind, const std::string& endpoint) {
    auto socket = sockets.Bind(kind, endpoint);
    EXPECT_TRUE(socket.ok()) << socket.status().ToString();
    return socket.ok() ? std::move(*socket) : nullptr;
  }
  std::unique_ptr<ZmqSocket> Connect(Kind kind, const std::string& endpoint,
                                     const std::string& routing_id = "") {
    auto socket = sockets.Connect(kind, endpoint, routing_id);
    EXPECT_TRUE(socket.ok()) << socket.status().ToString();
    return socket.ok() ? std::move(*socket) : nullptr;
  }

  TempDir dir;
  asio::io_context io;
  SocketFactory sockets;
};

// Messages that arrived before OnReadable (their edge long gone) and many
// more than one drain turn handles are all delivered, in order.
TEST_F(ZmqSocketTest, DrainsEverythingIncludingBacklog) {
  auto router = Bind(Kind::kRouter, dir.Ipc("r"));
  auto dealer = Connect(Kind::kDealer, dir.Ipc("r"), "d1");
  // Once connected, both ends' queues (1000 each) hold the backlog; the
  // sender waits while ZeroMQ's I/O thread moves messages between them.
  ASSERT_TRUE(dealer->Send({"first", "x"}).ok());
  ASSERT_TRUE(router->ReceiveFor(std::chrono::seconds(5)).ok());
  constexpr int kCount = 1500;  // more than one drain turn
  for (int i = 0; i < kCount; ++i) {
    Status sent;
    for (int tries = 0; tries < 5000; ++tries) {
      sent = dealer->Send({std::to_string(i), "x"});
      if (sent.code() != Status::Code::kUnavailable) break;
      (void)dealer->ReceiveFor(std::chrono::milliseconds(1));  // bounded wait
    }
    ASSERT_TRUE(sent.ok()) << i << ": " << sent.ToString();
  }
  std::vector<ZmqSocket::Message> got;
  ASSERT_TRUE(
      router->OnReadable(io, [&](ZmqSocket::Message m) { got.push_back(std::move(m)); }).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return got.size() == kCount; }));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(got[i].routing_id, "d1");
    ASSERT_EQ(got[i].frames.size(), 2u);
    EXPECT_EQ(got[i].frames[0], std::to_string(i));
  }
  EXPECT_FALSE(router->OnReadable(io, [](ZmqSocket::Message) {}).ok());
}

// Both ends reply from inside their handlers: each send may consume the
// ZMQ_FD edge of the next arrival, which the re-check after send recovers.
TEST_F(ZmqSocketTest, PingPongFromHandlersNeverStalls) {
  auto router = Bind(Kind::kRouter, dir.Ipc("pp"));
  auto dealer = Connect(Kind::kDealer, dir.Ipc("pp"), "d");
  constexpr int kRounds = 5000;
  int pongs = 0;
  ASSERT_TRUE(router
                  ->OnReadable(io,
                               [&](ZmqSocket::Message m) {
                                 ASSERT_TRUE(router->SendRouted(m.routing_id, m.frames).ok());
                               })
                  .ok());
  ASSERT_TRUE(dealer
                  ->OnReadable(io,
                               [&](ZmqSocket::Message m) {
                                 ++pongs;
                                 // Two in flight at once, so sends and arrivals interleave.
                                 if (pongs + 1 < kRounds) {
                                   ASSERT_TRUE(dealer->Send(m.frames).ok());
                                 }
                               })
                  .ok());
  ASSERT_TRUE(dealer->Send({"ping"}).ok());
  ASSERT_TRUE(dealer->Send({"ping"}).ok());
  ASSERT_TRUE(RunUntil(
      io, [&] { return pongs >= kRounds; }, std::chrono::seconds(20)))
      << pongs;
}

TEST_F(ZmqSocketTest, SendToGonePeerIsNotFound) {
  auto router = Bind(Kind::kRouter, dir.Ipc("g"));
  Status sent = router->SendRouted("nobody", {"x"});
  EXPECT_EQ(sent.code(), Status::Code::kNotFound) << sent.ToString();

  auto dealer = Connect(Kind::kDealer, dir.Ipc("g"), "d");
  ASSERT_TRUE(dealer->Send({"hello"}).ok());
  auto hello = router->ReceiveFor(std::chrono::seconds(5));
  ASSERT_TRUE(hello.ok()) << hello.status().ToString();
  EXPECT_EQ(hello->routing_id, "d");
  EXPECT_TRUE(router->SendRouted("d", {"reply"}).ok());
  dealer.reset();
  // The ROUTER notices the closed connection asynchronously.
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    gone = router->SendRouted("d", {"x"}).code() == Status::Code::kNotFound;
    if (!gone) (void)router->ReceiveFor(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

TEST_F(ZmqSocketTest, ReceiveForTimesOut) {
  auto dealer = Connect(Kind::kDealer, dir.Ipc("none"));
  const auto start = std::chrono::steady_clock::now();
  auto received = dealer->ReceiveFor(std::chrono::milliseconds(50));
  EXPECT_EQ(received.status().code(), Status::Code::kDeadlineExceeded);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  auto nothing = dealer->TryReceive();
  ASSERT_TRUE(nothing.ok());
  EXPECT_FALSE(nothing->has_value());
}

TEST_F(ZmqSocketTest, MisuseIsAStatusNotAnException) {
  auto router = Bind(Kind::kRouter, dir.Ipc("m"));
  EXPECT_EQ(router->Send({"x"}).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(router->Subscribe("x").code(), Status::Code::kFailedPrecondition);
  auto dealer = Connect(Kind::kDealer, dir.Ipc("m"));
  EXPECT_EQ(dealer->SendRouted("x", {"y"}).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(dealer->Send({}).code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(dealer->Bind("tcp://256.0.0.1:1").ok());
  EXPECT_FALSE(dealer->Connect("nonsense").ok());
  EXPECT_EQ(dealer->endpoint(), dir.Ipc("m"));
}

TEST_F(ZmqSocketTest, WildcardTcpBindReportsItsPort) {
  auto router = Bind(Kind::kRouter, "tcp://127.0.0.1:*");
  const std::string bound = router->last_endpoint();
  EXPECT_EQ(bound.rfind("tcp://127.0.0.1:", 0), 0u) << bound;
  EXPECT_NE(bound, "tcp://127.0.0.1:*");
  auto dealer = Connect(Kind::kDealer, bound, "t");
  ASSERT_TRUE(dealer->Send({"over tcp"}).ok());
  auto received = router->ReceiveFor(std::chrono::seconds(5));
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(received->frames, Frames{"over tcp"});
}

// The socket may be destroyed from inside its own handler.
TEST_F(ZmqSocketTest, HandlerMayDestroyItsSocket) {
  auto router = Bind(Kind::kRouter, dir.Ipc("d"));
  auto dealer = Connect(Kind::kDealer, dir.Ipc("d"));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(dealer->Send({"x"}).ok());
  int handled = 0;
  ASSERT_TRUE(router
                  ->OnReadable(io,
                               [&](ZmqSocket::Message) {
                                 ++handled;
                                 router.reset();
                               })
                  .ok());
  ASSERT_TRUE(RunUntil(io, [&] { return router == nullptr; }));
  testing::RunFor(io, std::chrono::milliseconds(20));
  EXPECT_EQ(handled, 1);
}

}  // namespace
}  // namespace wharf::bus
