#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>

#include "common/base/status.h"

namespace wharf::test_support {

// A moto server (the local AWS cloud, DESIGN.md 6) run as a child process on
// 127.0.0.1 for one test:
//
//   MotoServer moto;
//   ASSERT_TRUE(moto.Start().ok());
//   ... talk to moto.endpoint() ...   // "http://127.0.0.1:PORT"
//
// Start() picks a free port, runs `python3 -m moto.server -H 127.0.0.1 -p
// PORT` with MOTO_IAM_LOAD_MANAGED_POLICIES=true in its own process group
// (stdout/stderr to log_path()), and waits (bounded) until GET /moto-api/
// answers. The destructor stops it: SIGTERM to the group, then SIGKILL, then
// reaps it. The child also gets SIGTERM if the thread that called Start()
// exits, so call Start() from the test's main thread.
//
// Requests need SigV4 credentials (any key id/secret) so that moto routes
// them by service; unsigned requests land in S3. The account is
// 123456789012. Not thread-safe; use from one thread.
class MotoServer {
 public:
  struct Options {
    // Bound on the wait for the server to answer.
    std::chrono::milliseconds start_timeout{15'000};
    std::string python = "python3";
    // Added to (or overriding) the inherited environment.
    std::map<std::string, std::string> env;
  };

  MotoServer();
  explicit MotoServer(Options options);
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  // Starts the server; kUnavailable (with the log's tail) when it does not
  // come up. Precondition: not running.
  Status Start();
  // Forgets every resource (POST /moto-api/reset).
  Status Reset();
  // Stops the server (idempotent).
  void Stop();

  bool running() const { return pid_ > 0; }
  // "http://127.0.0.1:PORT"; empty before Start().
  const std::string& endpoint() const { return endpoint_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

 private:
  Status StartOnce();
  bool ChildExited();
  std::string LogTail() const;

  const Options options_;
  pid_t pid_ = -1;
  int port_ = -1;
  std::string endpoint_;
  std::string log_path_;
};

}  // namespace wharf::test_support
