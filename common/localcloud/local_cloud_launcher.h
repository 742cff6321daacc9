#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace wharf::localcloud {

// How a C++ process runs Wharf's local cloud as a child and tells when it is
// ready. The local cloud is the Python package localcloud/ at the repository
// root: moto, in-process, behind a control endpoint (/_localcloud/ on the same
// port) with a clock, seeded ids and fault injection. This class builds the
// child's command line and environment and talks to the control endpoint; it
// neither forks nor owns the child (LocalStack's Supervisor and the tests'
// LocalCloudServer do):
//
//   LocalCloudLauncher launcher(options);
//   WHARF_RETURN_IF_ERROR(launcher.Check());
//   ... spawn launcher.Argv() with launcher.Env(getenv("PYTHONPATH")) ...
//   WHARF_RETURN_IF_ERROR(launcher.WaitReady(bound, child_alive));
//
// Immutable after construction; const methods may run on any thread.
class LocalCloudLauncher {
 public:
  // Overrides where localcloud/ is found (a directory holding the package).
  static constexpr char kSourceDirEnv[] = "WHARF_LOCALCLOUD_PATH";

  struct Options {
    std::string host = "127.0.0.1";
    int port = 4566;
    // Seed for the cloud's ids, IPs and simulated choices.
    int64_t seed = 0;
    // Clock speed: 1 is real time, 60 a simulated minute per second. > 0.
    double speed = 1.0;
    // Looked up on PATH unless it contains a '/'.
    std::string python = "python3";
    // The directory holding the localcloud/ package (the Wharf repository
    // root). Empty: DefaultSourceDir().
    std::string source_dir;
  };

  // Resolves `python` on PATH and an empty `source_dir` now.
  explicit LocalCloudLauncher(Options options);

  // $WHARF_LOCALCLOUD_PATH when set and non-empty, else the repository this
  // binary was built from (compiled in).
  static std::string DefaultSourceDir();

  // OK when python and <source_dir>/localcloud/ exist and the speed is > 0;
  // otherwise a kFailedPrecondition that says what is wrong and how to fix it.
  Status Check() const;

  // `python -m localcloud --host H --port P --seed S --speed X`, argv[0] an
  // absolute path when found on PATH.
  std::vector<std::string> Argv() const;

  // Variables to add to the child's environment: PYTHONPATH (source_dir, then
  // `inherited_pythonpath` when non-empty) and nothing else on sys.path ahead
  // of it, unbuffered output, no .pyc files written into the source tree.
  std::map<std::string, std::string> Env(const char* inherited_pythonpath) const;

  // GET /_localcloud/health: true once moto's backends are loaded (AWS calls
  // are answered at once), false while it warms up; kUnavailable when nothing
  // answers or the answer is not the local cloud's.
  Result<bool> Probe(std::chrono::milliseconds timeout = std::chrono::milliseconds(1000)) const;

  // Polls Probe() until it reports warm, for at most `bound`. `child_alive`
  // is asked between probes; its first non-OK status ends the wait and is
  // returned. kDeadlineExceeded (naming the last probe's error) after `bound`.
  Status WaitReady(std::chrono::milliseconds bound,
                   const std::function<Status()>& child_alive) const;

  // POST /_localcloud/reset: forgets every resource, fault and counter and
  // reseeds (with `seed` when given, else the current seed).
  Status Reset(std::optional<int64_t> seed = std::nullopt,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) const;

  // The health answer's body -> warm. Pure.
  static Result<bool> ParseHealth(std::string_view body);

  // "http://HOST:PORT".
  std::string endpoint() const;
  const std::string& source_dir() const { return source_dir_; }
  const Options& options() const { return options_; }

 private:
  const Options options_;
  std::string python_path_;  // empty when not found
  std::string source_dir_;
};

}  // namespace wharf::localcloud
