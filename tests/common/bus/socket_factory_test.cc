#include "common/bus/socket_factory.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>

#include "common/bus/zmq_socket.h"
#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

using Kind = SocketFactory::Kind;

TEST(SocketFactoryTest, CreatesMissingIpcDirectory) {
  testing::TempDir dir;
  SocketFactory sockets;
  const std::string endpoint = "ipc://" + dir.path() + "/a/b/bus.sock";
  auto bound = sockets.Bind(Kind::kXPub, endpoint);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/a/b"));
  EXPECT_EQ((*bound)->kind(), Kind::kXPub);
  auto connected = sockets.Connect(Kind::kSub, "ipc://" + dir.path() + "/c/bus.sock");
  ASSERT_TRUE(connected.ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/c"));
}

TEST(SocketFactoryTest, BadEndpointsAreStatuses) {
  testing::TempDir dir;
  SocketFactory sockets;
  const std::string too_long = "ipc://" + dir.path() + "/" + std::string(120, 'x');
  auto bound = sockets.Bind(Kind::kRouter, too_long);
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(sockets.Bind(Kind::kRouter, "bogus://x").ok());
  EXPECT_FALSE(sockets.Bind(Kind::kRouter, "tcp://127.0.0.1:notaport").ok());
  EXPECT_FALSE(sockets.Connect(Kind::kDealer, "ipc://").ok());
  // A routing id only means something on a DEALER.
  EXPECT_FALSE(sockets.Connect(Kind::kSub, dir.Ipc("x"), "id").ok());
  // Two binds of one tcp port: the second fails cleanly.
  auto first = sockets.Bind(Kind::kRouter, "tcp://127.0.0.1:*");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(sockets.Bind(Kind::kRouter, (*first)->last_endpoint()).ok());
}

// ZeroMQ alone would unlink the first socket's file and take the endpoint.
TEST(SocketFactoryTest, RefusesToStealAServedIpcEndpoint) {
  testing::TempDir dir;
  SocketFactory sockets;
  auto first = sockets.Bind(Kind::kRouter, dir.Ipc("control"));
  ASSERT_TRUE(first.ok());
  auto second = sockets.Bind(Kind::kRouter, dir.Ipc("control"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kAlreadyExists);
  // Once the first is closed, the endpoint can be bound again at once, and
  // the closed socket's cleanup does not remove the new one's file.
  first->reset();
  auto third = sockets.Bind(Kind::kRouter, dir.Ipc("control"));
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  auto dealer = sockets.Connect(Kind::kDealer, dir.Ipc("control"), "d");
  ASSERT_TRUE(dealer.ok());
  ASSERT_TRUE((*dealer)->Send({"hi"}).ok());
  EXPECT_TRUE((*third)->ReceiveFor(std::chrono::seconds(5)).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/control"));
}

// A leftover socket file from a process that died is not "served".
TEST(SocketFactoryTest, BindsOverAStaleIpcFile) {
  testing::TempDir dir;
  SocketFactory sockets;
  const std::string path = dir.path() + "/bus";
  {
    // A unix socket bound and closed without unlinking, as after a crash.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ::close(fd);
  }
  ASSERT_TRUE(std::filesystem::is_socket(path));
  auto again = sockets.Bind(Kind::kXPub, dir.Ipc("bus"));
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST(SocketFactoryTest, DealerCarriesRoutingId) {
  testing::TempDir dir;
  SocketFactory sockets;
  auto router = sockets.Bind(Kind::kRouter, dir.Ipc("r"));
  auto dealer = sockets.Connect(Kind::kDealer, dir.Ipc("r"), "executor-7");
  ASSERT_TRUE(router.ok() && dealer.ok());
  ASSERT_TRUE((*dealer)->Send({"hi"}).ok());
  auto got = (*router)->ReceiveFor(std::chrono::seconds(5));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->routing_id, "executor-7");
}

}  // namespace
}  // namespace wharf::bus
