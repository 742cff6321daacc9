#include "common/bus/control_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/bus/control_client.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

using testing::RandomBytes;

// The controller side runs on its own io thread, as in the real process; the
// test thread plays the CLI with blocking calls.
class ControlServerTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& endpoint) {
    server = std::make_unique<ControlServer>(
        io, sockets, endpoint,
        [this](const v1::ControlRequest& request) {
          ++handled;
          v1::ControlReply reply;
          if (request.status().app() == "missing") {
            reply.set_error("no app missing");
          } else {
            reply.mutable_status()->set_synced(true);
            reply.mutable_status()->add_watchers_synced(request.status().app());
          }
          return reply;
        },
        counters);
    ASSERT_TRUE(server->Start().ok());
    io_thread = std::thread([this] {
      auto guard = asio::make_work_guard(io);
      io.run();
    });
  }

  void TearDown() override {
    if (io_thread.joinable()) {
      io.stop();
      io_thread.join();
    }
    server.reset();
  }

  static v1::ControlRequest StatusOf(const std::string& app) {
    v1::ControlRequest request;
    request.mutable_status()->set_app(app);
    return request;
  }

  testing::TempDir dir;
  asio::io_context io;
  SocketFactory sockets;
  Counters counters{"ctl"};  // thread-safe: read by the test thread
  std::atomic<int> handled{0};
  std::unique_ptr<ControlServer> server;
  std::thread io_thread;
};

TEST_F(ControlServerTest, RequestReply) {
  StartServer(dir.Ipc("control"));
  for (int i = 0; i < 20; ++i) {
    auto reply = ControlClient::Call(sockets, dir.Ipc("control"),
                                     StatusOf("app" + std::to_string(i)), std::chrono::seconds(5));
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_TRUE(reply->status().synced());
    EXPECT_EQ(reply->status().watchers_synced(0), "app" + std::to_string(i));
  }
  auto failed = ControlClient::Call(sockets, dir.Ipc("control"), StatusOf("missing"),
                                    std::chrono::seconds(5));
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->error(), "no app missing");
  EXPECT_EQ(handled.load(), 21);
}

TEST_F(ControlServerTest, ReplyEchoesCorrelationId) {
  StartServer(dir.Ipc("control"));
  auto dealer = sockets.Connect(SocketFactory::Kind::kDealer, dir.Ipc("control"));
  ASSERT_TRUE(dealer.ok());
  v1::Envelope request;
  request.set_schema_version(kSchemaVersion);
  request.set_correlation_id("corr-42");
  *request.mutable_control_request() = StatusOf("a");
  ASSERT_TRUE((*dealer)->Send({EnvelopeCodec::EncodeSingle(request)}).ok());
  auto message = (*dealer)->ReceiveFor(std::chrono::seconds(5));
  ASSERT_TRUE(message.ok());
  auto reply = EnvelopeCodec::DecodeSingleFrame(message->frames);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->correlation_id(), "corr-42");
  EXPECT_TRUE(reply->has_control_reply());
  EXPECT_EQ(reply->schema_version(), kSchemaVersion);
}

TEST_F(ControlServerTest, ClientTimesOutWithoutServer) {
  const auto start = std::chrono::steady_clock::now();
  auto reply = ControlClient::Call(sockets, dir.Ipc("nobody"), StatusOf("a"),
                                   std::chrono::milliseconds(200));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kUnavailable);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(ControlServerTest, GarbageIsDroppedAndServingContinues) {
  StartServer(dir.Ipc("control"));
  auto dealer = sockets.Connect(SocketFactory::Kind::kDealer, dir.Ipc("control"));
  ASSERT_TRUE(dealer.ok());
  v1::Envelope wrong_type = testing::ImagePushedEnvelope("x");
  ASSERT_TRUE((*dealer)->Send({RandomBytes(1, 50), RandomBytes(2, 50)}).ok());
  ASSERT_TRUE((*dealer)->Send({std::string(20, '\xff')}).ok());
  ASSERT_TRUE((*dealer)->Send({EnvelopeCodec::EncodeSingle(wrong_type)}).ok());
  ASSERT_TRUE((*dealer)->Send({std::string(2 << 20, 'x')}).ok());
  // A request behind the garbage on the same connection: once it is
  // answered, the garbage has been handled.
  v1::Envelope request;
  request.set_schema_version(kSchemaVersion);
  *request.mutable_control_request() = StatusOf("same-pipe");
  ASSERT_TRUE((*dealer)->Send({EnvelopeCodec::EncodeSingle(request)}).ok());
  ASSERT_TRUE((*dealer)->ReceiveFor(std::chrono::seconds(5)).ok());
  EXPECT_EQ(counters.Get("dropped_frame_count"), 1);
  EXPECT_EQ(counters.Get("dropped_unparseable"), 1);
  EXPECT_EQ(counters.Get("dropped_unexpected_payload"), 1);
  EXPECT_EQ(counters.Get("dropped_oversized"), 1);

  // Raw bytes straight into the socket (read as ZMTP 1.0 frames when they
  // lack the ZMTP 3 signature) are dropped too.
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ASSERT_TRUE(testing::WriteRawUnix(dir.path() + "/control", RandomBytes(seed, 1 + seed * 50)));
  }
  auto reply =
      ControlClient::Call(sockets, dir.Ipc("control"), StatusOf("still"), std::chrono::seconds(5));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status().watchers_synced(0), "still");
}

TEST_F(ControlServerTest, ServesOverTcpDespiteRawGarbage) {
  const int port = testing::FreeTcpPort();
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  StartServer(endpoint);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ASSERT_TRUE(testing::WriteRawTcp(port, RandomBytes(seed, 1 + seed * 77)));
  }
  auto reply = ControlClient::Call(sockets, endpoint, StatusOf("tcp"), std::chrono::seconds(5));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status().watchers_synced(0), "tcp");
}

TEST_F(ControlServerTest, SecondBindOfSameTcpPortFails) {
  const int port = testing::FreeTcpPort();
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  StartServer(endpoint);
  ControlServer second(
      io, sockets, endpoint, [](const v1::ControlRequest&) { return v1::ControlReply(); },
      counters);
  EXPECT_FALSE(second.Start().ok());
}

}  // namespace
}  // namespace wharf::bus
