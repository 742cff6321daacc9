#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/result.h"
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
    // --auth: moto checks every call's SigV4 signature and IAM policies; the
    // key to sign with is AdminCredentials().
    bool auth = false;
    // --enforce-rates: calls over AWS's published API rates are throttled.
    bool enforce_rates = false;
    // More command-line arguments for `python3 -m localcloud`.
    std::vector<std::string> extra_args;
  };

  // The administrator key auth mode creates (GET /_localcloud/credentials).
  struct AdminKey {
    std::string access_key_id;
    std::string secret_access_key;
    std::string user_arn;
    std::string account_id;
  };

  // An answer of the control endpoint.
  struct ControlAnswer {
    long status = 0;
    std::string body;
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

  // One request to the control endpoint: `method` /_localcloud/<path> with a
  // JSON `body` (none when empty), bounded by `timeout`. kUnavailable when
  // nothing answers; any HTTP status is an answer.
  Result<ControlAnswer> Control(const std::string& method, const std::string& path,
                                const std::string& body = "",
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Control() for a JSON answer with a 2xx status (else an error naming the
  // status and the body).
  Result<nlohmann::json> ControlJson(const std::string& method, const std::string& path,
                                     const nlohmann::json& body = nullptr);
  // POST /_localcloud/faults with `rules` (one rule or a list; see
  // localcloud/README.md "Faults").
  Status InjectFaults(const nlohmann::json& rules);
  // GET /_localcloud/counters: {"total": {...}, "services": {"ecs":
  // {"total": {...}, "operations": {...}}}}.
  Result<nlohmann::json> Counters();
  // The admin key of auth mode. Precondition: started with Options::auth.
  Result<AdminKey> AdminCredentials();

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
