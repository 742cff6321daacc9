#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/base/status.h"

namespace wharf::test_support {

// Wharf's local cloud (localcloud/ at the repository root: moto extended with
// a control endpoint, clock and faults) run as a child process on 127.0.0.1
// for one test:
//
//   LocalCloudServer cloud;
//   ASSERT_TRUE(cloud.Start().ok());
//   ... talk to cloud.endpoint() ...   // "http://127.0.0.1:PORT"
//
// Start() picks a free port, runs `python3 -m localcloud --port PORT ...`
// (see localcloud::LocalCloudLauncher; localcloud/ comes from this source
// tree unless $WHARF_LOCALCLOUD_PATH says otherwise) in its own process group
// with stdout/stderr to log_path(), and waits (bounded) until GET
// /_localcloud/health reports warm. The destructor stops it: SIGTERM to the
// group, then SIGKILL, then reaps it. The child also gets SIGTERM if the
// thread that called Start() exits, so call Start() from the test's main
// thread.
//
// Requests need SigV4 credentials (any key id/secret) so that moto routes
// them by service; unsigned requests land in S3. The account is
// 123456789012. Not thread-safe; use from one thread.
class LocalCloudServer {
 public:
  struct Options {
    // Bound on the wait until the cloud reports warm (ready for AWS calls).
    std::chrono::milliseconds start_timeout{30'000};
    std::string python = "python3";
    int64_t seed = 0;
    double speed = 1.0;
    // Added to (or overriding) the inherited environment.
    std::map<std::string, std::string> env;
  };

  LocalCloudServer();
  explicit LocalCloudServer(Options options);
  ~LocalCloudServer();
  LocalCloudServer(const LocalCloudServer&) = delete;
  LocalCloudServer& operator=(const LocalCloudServer&) = delete;

  // Starts the cloud; kUnavailable or kDeadlineExceeded (with the log's tail)
  // when it does not come up. Precondition: not running.
  Status Start();
  // Forgets every resource, fault and counter (POST /_localcloud/reset);
  // reseeds with `seed` when given.
  Status Reset(std::optional<int64_t> seed = std::nullopt);
  // Stops the cloud (idempotent).
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
