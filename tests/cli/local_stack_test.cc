// LocalStack's start-up errors for the local cloud: each is one clear message
// and nothing is left running. No cloud starts here (a stand-in localcloud/
// package exits at once); the integration tests start the real one.
#include "cli/local_stack.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/spec/config_loader.h"
#include "tests/support/free_port.h"

namespace wharf::cli {
namespace {

class LocalStackCloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/wharf-stack-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    auto config = spec::LoadConfig("", dir_ + "/state");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config->mutable_local_cloud()->set_port(test_support::PickFreeTcpPort());
    config_ = *config;
    options_.bin_dir = "/nonexistent";  // never reached: the cloud fails first
    options_.local_cloud = true;
    options_.progress = nullptr;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A localcloud/ package whose __main__ runs `body` (Python).
  std::string FakeLocalCloud(const std::string& body) {
    std::filesystem::create_directories(dir_ + "/src/localcloud");
    std::ofstream(dir_ + "/src/localcloud/__init__.py");
    std::ofstream(dir_ + "/src/localcloud/__main__.py") << body;
    return dir_ + "/src";
  }

  std::string dir_;
  v1::WharfConfig config_;
  LocalStack::Options options_;
};

TEST_F(LocalStackCloudTest, ChildExitingEarlyShowsTheTailOfItsLog) {
  options_.local_cloud_source_dir = FakeLocalCloud(
      "import sys\n"
      "print('argv:', ' '.join(sys.argv[1:]))\n"
      "print('localcloud: cannot import moto', file=sys.stderr)\n"
      "sys.exit(3)\n");
  options_.local_cloud_speed = 60;
  options_.local_cloud_seed = 5;
  LocalStack stack(config_, options_);
  Status started = stack.Start();
  ASSERT_FALSE(started.ok());
  const std::string& m = started.message();
  EXPECT_NE(m.find("the local cloud exited while starting: local-cloud (exit 3)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("localcloud: cannot import moto"), std::string::npos) << m;
  EXPECT_NE(
      m.find("--port " + std::to_string(config_.local_cloud().port()) + " --seed 5 --speed 60"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find(stack.log_dir() + "/local-cloud.log"), std::string::npos) << m;
}

TEST_F(LocalStackCloudTest, PortTakenIsNamed) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  config_.mutable_local_cloud()->set_port(ntohs(addr.sin_port));
  LocalStack stack(config_, options_);
  Status started = stack.Start();
  close(fd);
  EXPECT_EQ(started.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(started.message().find("something already listens on 127.0.0.1:" +
                                   std::to_string(ntohs(addr.sin_port))),
            std::string::npos)
      << started.message();
}

TEST_F(LocalStackCloudTest, MissingPythonOrPackageIsNamed) {
  options_.local_cloud_python = "wharf-no-such-python";
  Status no_python = LocalStack(config_, options_).Start();
  EXPECT_NE(no_python.message().find("wharf-no-such-python not found on PATH"), std::string::npos)
      << no_python.message();

  options_.local_cloud_python = "python3";
  options_.local_cloud_source_dir = dir_ + "/empty";
  Status no_package = LocalStack(config_, options_).Start();
  EXPECT_NE(no_package.message().find("set WHARF_LOCALCLOUD_PATH"), std::string::npos)
      << no_package.message();
}

}  // namespace
}  // namespace wharf::cli
