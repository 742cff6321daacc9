#include "common/localcloud/local_cloud_launcher.h"

#include <stdlib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/free_port.h"

namespace wharf::localcloud {
namespace {

using Options = LocalCloudLauncher::Options;

// Sets an environment variable for one test; restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(LocalCloudLauncherTest, ArgvRunsThePackageWithHostPortSeedAndSpeed) {
  LocalCloudLauncher launcher(
      {.host = "127.0.0.1", .port = 4599, .seed = 7, .speed = 60, .source_dir = "/src"});
  std::vector<std::string> argv = launcher.Argv();
  ASSERT_FALSE(argv.empty());
  EXPECT_EQ(std::filesystem::path(argv[0]).filename(), "python3");
  EXPECT_EQ(std::vector<std::string>(argv.begin() + 1, argv.end()),
            (std::vector<std::string>{"-m", "localcloud", "--host", "127.0.0.1", "--port", "4599",
                                      "--seed", "7", "--speed", "60"}));
  EXPECT_EQ(launcher.endpoint(), "http://127.0.0.1:4599");
}

TEST(LocalCloudLauncherTest, FractionalSpeedIsPrintedPlainly) {
  LocalCloudLauncher launcher({.speed = 0.5, .source_dir = "/src"});
  EXPECT_EQ(launcher.Argv().back(), "0.5");
  EXPECT_EQ(LocalCloudLauncher({.source_dir = "/src"}).Argv().back(), "1");
}

TEST(LocalCloudLauncherTest, EnvPutsTheSourceDirFirstOnPythonPath) {
  LocalCloudLauncher launcher({.source_dir = "/src"});
  EXPECT_EQ(launcher.Env(nullptr).at("PYTHONPATH"), "/src");
  EXPECT_EQ(launcher.Env("").at("PYTHONPATH"), "/src");
  EXPECT_EQ(launcher.Env("/a:/b").at("PYTHONPATH"), "/src:/a:/b");
  EXPECT_EQ(launcher.Env(nullptr).at("PYTHONSAFEPATH"), "1");  // not the working directory
  EXPECT_EQ(launcher.Env(nullptr).at("PYTHONUNBUFFERED"), "1");
}

TEST(LocalCloudLauncherTest, SourceDirDefaultsToTheBuildsTreeUnlessTheEnvironmentSaysOtherwise) {
  {
    ScopedEnv unset(LocalCloudLauncher::kSourceDirEnv, nullptr);
    EXPECT_EQ(LocalCloudLauncher::DefaultSourceDir(), WHARF_TEST_SOURCE_DIR);
    EXPECT_EQ(LocalCloudLauncher(Options()).source_dir(), WHARF_TEST_SOURCE_DIR);
    EXPECT_TRUE(LocalCloudLauncher(Options()).Check().ok());
  }
  {
    ScopedEnv empty(LocalCloudLauncher::kSourceDirEnv, "");
    EXPECT_EQ(LocalCloudLauncher::DefaultSourceDir(), WHARF_TEST_SOURCE_DIR);
  }
  {
    ScopedEnv set(LocalCloudLauncher::kSourceDirEnv, "/elsewhere");
    EXPECT_EQ(LocalCloudLauncher::DefaultSourceDir(), "/elsewhere");
    EXPECT_EQ(LocalCloudLauncher({.source_dir = "/given"}).source_dir(), "/given");
  }
}

TEST(LocalCloudLauncherTest, CheckSaysWhatIsMissing) {
  Status no_python =
      LocalCloudLauncher({.python = "wharf-no-such-python", .source_dir = WHARF_TEST_SOURCE_DIR})
          .Check();
  EXPECT_EQ(no_python.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(no_python.message().find("wharf-no-such-python not found on PATH"), std::string::npos)
      << no_python.message();

  Status no_package = LocalCloudLauncher({.source_dir = "/nonexistent"}).Check();
  EXPECT_EQ(no_package.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(no_package.message().find("WHARF_LOCALCLOUD_PATH"), std::string::npos)
      << no_package.message();

  Status bad_speed = LocalCloudLauncher({.speed = 0, .source_dir = WHARF_TEST_SOURCE_DIR}).Check();
  EXPECT_EQ(bad_speed.code(), Status::Code::kFailedPrecondition);
}

TEST(LocalCloudLauncherTest, ParseHealth) {
  struct Case {
    std::string body;
    std::optional<bool> warm;  // nullopt: an error
  };
  const Case cases[] = {
      {R"({"ok": true, "warm": true})", true},
      {R"({"ok": true, "warm": false})", false},
      {R"({"warm": true, "ok": true, "extra": 1})", true},
      {R"({"ok": false, "warm": true})", std::nullopt},
      {R"({"ok": true})", std::nullopt},
      {R"({"ok": true, "warm": "yes"})", std::nullopt},
      {R"([true])", std::nullopt},
      {"<html>moto</html>", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    auto got = LocalCloudLauncher::ParseHealth(c.body);
    if (c.warm) {
      ASSERT_TRUE(got.ok()) << c.body << ": " << got.status().ToString();
      EXPECT_EQ(*got, *c.warm) << c.body;
    } else {
      EXPECT_FALSE(got.ok()) << c.body;
    }
  }
}

TEST(LocalCloudLauncherTest, NothingListeningIsUnavailableAndWaitReadyIsBounded) {
  LocalCloudLauncher launcher(
      {.port = test_support::PickFreeTcpPort(), .source_dir = WHARF_TEST_SOURCE_DIR});
  auto probe = launcher.Probe();
  ASSERT_FALSE(probe.ok());
  EXPECT_EQ(probe.status().code(), Status::Code::kUnavailable);

  Status waited = launcher.WaitReady(std::chrono::milliseconds(200), [] { return Status::Ok(); });
  EXPECT_EQ(waited.code(), Status::Code::kDeadlineExceeded);
  EXPECT_NE(waited.message().find(launcher.endpoint()), std::string::npos) << waited.message();

  // The child's death ends the wait at once with its status.
  Status died = launcher.WaitReady(std::chrono::seconds(30),
                                   [] { return Status::Unavailable("child exited"); });
  EXPECT_EQ(died.message(), "child exited");
}

}  // namespace
}  // namespace wharf::localcloud
