#include "cli/supervisor.h"

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace wharf::cli {
namespace {

using std::chrono::milliseconds;

// Reaps until `name` shows up among the exits or 5 s pass.
std::optional<Supervisor::Exit> WaitExit(Supervisor& s, const std::string& name) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    for (auto& exit : s.Reap()) {
      if (exit.name == name) return exit;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  return std::nullopt;
}

TEST(SupervisorTest, RestartsAChildThatDiesAndKeepsDownOneToldTo) {
  Supervisor s(milliseconds(10));
  auto pid = s.Start({.name = "sleeper", .argv = {"sleep", "30"}});
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  s.Signal("sleeper", SIGKILL);
  auto exit = WaitExit(s, "sleeper");
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(WIFSIGNALED(exit->status));
  EXPECT_EQ(Supervisor::Describe(*exit), "sleeper (signal 9)");
  EXPECT_TRUE(exit->restarted);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (s.Pid("sleeper") == 0 && std::chrono::steady_clock::now() < deadline) {
    s.Reap();
    std::this_thread::sleep_for(milliseconds(5));
  }
  pid_t second = s.Pid("sleeper");
  EXPECT_GT(second, 0);
  EXPECT_NE(second, *pid);

  s.Signal("sleeper", SIGKILL, /*keep_down=*/true);
  exit = WaitExit(s, "sleeper");
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->restarted);
  EXPECT_EQ(s.Pid("sleeper"), 0);
  ASSERT_TRUE(s.Restart("sleeper").ok());
  EXPECT_GT(s.Pid("sleeper"), 0);
}

TEST(SupervisorTest, WritesOutputToTheLogAndReportsExitCodes) {
  auto dir = std::filesystem::temp_directory_path() / ("wharf-sup-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string log = (dir / "child.log").string();
  Supervisor s;
  ASSERT_TRUE(s.Start({.name = "child",
                       .argv = {"/bin/sh", "-c", "echo hello $GREETING; exit 3"},
                       .env = {{"GREETING", "world"}},
                       .log_file = log,
                       .restart = false})
                  .ok());
  auto exit = WaitExit(s, "child");
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(Supervisor::Describe(*exit), "child (exit 3)");
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "hello world");
  std::filesystem::remove_all(dir);
}

TEST(SupervisorTest, StopAllEndsEveryChildEvenOneIgnoringSigterm) {
  Supervisor s;
  ASSERT_TRUE(s.Start({.name = "polite", .argv = {"sleep", "30"}}).ok());
  ASSERT_TRUE(
      s.Start({.name = "stubborn", .argv = {"/bin/sh", "-c", "trap '' TERM; sleep 30"}}).ok());
  pid_t polite = s.Pid("polite"), stubborn = s.Pid("stubborn");
  std::this_thread::sleep_for(milliseconds(100));  // let the shell install its trap
  auto start = std::chrono::steady_clock::now();
  s.StopAll(milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(s.Pid("polite"), 0);
  EXPECT_EQ(s.Pid("stubborn"), 0);
  EXPECT_NE(kill(polite, 0), 0);
  EXPECT_NE(kill(stubborn, 0), 0);
}

}  // namespace
}  // namespace wharf::cli
