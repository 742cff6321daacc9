#include "cli/commands.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "cli/local_stack.h"
#include "cli/text_format.h"
#include "common/base/counters.h"
#include "common/base/logging.h"
#include "common/bus/control_client.h"
#include "common/bus/subscriber.h"
#include "common/spec/config_loader.h"

namespace wharf::cli {
namespace {

int Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "wharf: %s\n", message.c_str());
  return code;
}

// The config of the stack started from the same state dir (its
// config.json), else the config the flags name.
Result<v1::WharfConfig> StackConfigFile(const ProcessRuntime::Flags& flags) {
  if (flags.config_path.empty()) {
    std::string state_dir = flags.state_dir;
    if (state_dir.empty()) state_dir = spec::ProcessEnv("WHARF_STATE_DIR").value_or(".wharf");
    std::string written = state_dir + "/config.json";
    if (std::filesystem::exists(written)) {
      ProcessRuntime::Flags from_stack = flags;
      from_stack.config_path = written;
      return ProcessRuntime::LoadConfig(from_stack);
    }
  }
  return ProcessRuntime::LoadConfig(flags);
}

Result<v1::WharfConfig> StackConfig(const ProcessRuntime::Flags& flags) {
  auto config = StackConfigFile(flags);
  // Commands print their own output; library logs show only when something is wrong.
  if (config.ok() && flags.log_level.empty()) SetLogLevel("warn");
  return config;
}

bool IsFinal(v1::AppPhase phase) {
  return phase == v1::APP_PHASE_CONVERGED || phase == v1::APP_PHASE_FAILED ||
         phase == v1::APP_PHASE_INVALID;
}

}  // namespace

int Commands::Up(const ProcessRuntime::Flags& flags, const UpFlags& up,
                 const std::string& bin_dir) {
  auto config = ProcessRuntime::LoadConfig(flags);
  if (!config.ok()) return Fail(config.status().message(), 2);
  if (up.local_cloud_port > 0) config->mutable_local_cloud()->set_port(up.local_cloud_port);
  if (!(up.local_cloud_speed > 0)) {
    return Fail("--local-cloud-speed must be > 0 (1: real time; 60: a minute per second)", 2);
  }
  if (up.executors > 0) config->set_executors(up.executors);
  if (!up.specs_dir.empty()) {
    config->set_specs_dir(std::filesystem::absolute(up.specs_dir).lexically_normal().string());
  }
  std::error_code ec;
  std::filesystem::create_directories(config->state_dir(), ec);
  // One stack per state dir: the lock is held for as long as `up` runs.
  std::string lock_path = config->state_dir() + "/up.lock";
  int lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    return Fail("a stack is already running from " + config->state_dir() +
                " (stop it, or use another --state-dir)");
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);

  LocalStack::Options options;
  options.bin_dir = bin_dir;
  options.local_cloud = up.local;
  options.local_cloud_speed = up.local_cloud_speed;
  options.local_cloud_seed = up.local_cloud_seed;
  LocalStack stack(*config, options);
  auto started = std::chrono::steady_clock::now();
  if (auto s = stack.Start(); !s.ok()) return Fail(s.message());
  if (auto s = stack.WaitReady(std::chrono::seconds(60)); !s.ok()) return Fail(s.message());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  std::printf("wharf: ready in %lld ms: %s%d executor(s), watching %s; Ctrl-C stops\n",
              static_cast<long long>(ms),
              up.local ? ("local cloud " + stack.cloud_endpoint() + ", ").c_str() : "",
              stack.config().executors(), stack.config().specs_dir().c_str());
  std::fflush(stdout);

  timespec tick{0, 100'000'000};
  while (true) {
    int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) break;
    for (const auto& line : stack.Tick()) std::fprintf(stderr, "wharf: %s\n", line.c_str());
  }
  std::fprintf(stderr, "wharf: stopping\n");
  stack.Stop();
  std::fprintf(stderr, "wharf: stopped\n");
  return 0;
}

int Commands::Status(const ProcessRuntime::Flags& flags, const std::string& app, bool json) {
  auto config = StackConfig(flags);
  if (!config.ok()) return Fail(config.status().message(), 2);
  bus::SocketFactory sockets;
  auto status = QueryStatus(sockets, *config, app);
  if (!status.ok()) return Fail(status.status().message());
  if (!app.empty() && status->apps().empty()) return Fail("no app named " + app);
  if (json) {
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(*status, &out, options);
    std::cout << out;
  } else {
    std::cout << TextFormat::Status(*status);
  }
  return 0;
}

int Commands::Events(const ProcessRuntime::Flags& flags, const std::string& app) {
  auto config = StackConfig(flags);
  if (!config.ok()) return Fail(config.status().message(), 2);
  asio::io_context io;
  bus::SocketFactory sockets;
  Counters counters("wharf_cli");
  bus::Subscriber subscriber(
      io, sockets, config->bus().subscribe(), {},
      [&](const v1::Envelope& e) {
        std::string line = TextFormat::Event(e);
        if (line.empty()) return;
        if (!app.empty() && TextFormat::App(e) != app) return;
        std::cout << line << std::endl;
      },
      counters);
  if (auto s = subscriber.Start(); !s.ok()) return Fail(s.message());
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  io.run();
  return 0;
}

namespace {

// Prints `app`'s events until `done(status)` says the app reached its end
// (0 for `success`, 1 otherwise), or `timeout` passes (3). The controller's
// status is polled too: it covers an app that settled before this command
// subscribed.
using Settled = std::function<bool(const v1::AppStatus&)>;

int Follow(const v1::WharfConfig& config, const std::string& app, const Settled& settled,
           const Settled& success, std::chrono::seconds timeout) {
  asio::io_context io;
  bus::SocketFactory sockets;
  Counters counters("wharf_cli");
  int exit_code = 3;
  auto finish = [&](const v1::AppStatus& status) {
    exit_code = success(status) ? 0 : 1;
    io.stop();
  };
  bus::Subscriber subscriber(
      io, sockets, config.bus().subscribe(), {"app_status", "action_status", "spec_"},
      [&](const v1::Envelope& e) {
        if (TextFormat::App(e) != app) return;
        std::cout << TextFormat::Event(e) << std::endl;
        if (e.has_app_status() && settled(e.app_status())) finish(e.app_status());
      },
      counters);
  if (auto s = subscriber.Start(); !s.ok()) return Fail(s.message());
  asio::steady_timer poll(io);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::function<void()> check = [&] {
    if (std::chrono::steady_clock::now() > deadline) {
      Fail("timed out after " + std::to_string(timeout.count()) + " s waiting for " + app);
      exit_code = 3;
      io.stop();
      return;
    }
    auto status = QueryStatus(sockets, config, app, std::chrono::milliseconds(1000));
    if (!status.ok()) {
      std::fprintf(stderr, "wharf: %s\n", status.status().message().c_str());
      exit_code = 1;
      io.stop();
      return;
    }
    for (const auto& a : status->apps()) {
      if (a.app() == app && settled(a.status())) {
        std::cout << "wharf: " << app << " is " << TextFormat::Phase(a.status().phase()) << ": "
                  << a.status().message() << std::endl;
        finish(a.status());
        return;
      }
    }
    poll.expires_after(std::chrono::milliseconds(1000));
    poll.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) check();
    });
  };
  poll.expires_after(std::chrono::milliseconds(300));
  poll.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) check();
  });
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) io.stop();
  });
  io.run();
  return exit_code;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument(path + ": cannot read the file (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<v1::ControlReply> Control(const v1::WharfConfig& config, const v1::ControlRequest& request) {
  bus::SocketFactory sockets;
  auto reply = bus::ControlClient::Call(sockets, config.bus().control(), request,
                                        std::chrono::milliseconds(5000));
  if (!reply.ok()) return reply.status();
  if (!reply->error().empty()) return Status::InvalidArgument(reply->error());
  return reply;
}

}  // namespace

int Commands::Wait(const ProcessRuntime::Flags& flags, const std::string& app,
                   std::chrono::seconds timeout) {
  auto config = StackConfig(flags);
  if (!config.ok()) return Fail(config.status().message(), 2);
  auto settled = [](const v1::AppStatus& s) {
    return IsFinal(s.phase()) && s.phase() != v1::APP_PHASE_UNSPECIFIED;
  };
  auto converged = [](const v1::AppStatus& s) { return s.phase() == v1::APP_PHASE_CONVERGED; };
  return Follow(*config, app, settled, converged, timeout);
}

int Commands::Plan(const ProcessRuntime::Flags& flags, const std::string& file) {
  auto config = StackConfig(flags);
  if (!config.ok()) return Fail(config.status().message(), 2);
  auto yaml = ReadFile(file);
  if (!yaml.ok()) return Fail(yaml.status().message());
  v1::ControlRequest request;
  request.mutable_plan()->set_file(file);
  request.mutable_plan()->set_yaml(*yaml);
  auto reply = Control(*config, request);
  if (!reply.ok()) return Fail(reply.status().message());
  const auto& plan = reply->plan();
  if (!plan.spec_errors().empty()) {
    std::cerr << TextFormat::SpecErrors(file, plan.spec_errors());
    return Fail("the spec is invalid; nothing was planned");
  }
  std::cout << TextFormat::Plan(plan);
  return plan.plan().actions().empty() ? 0 : 2;
}

int Commands::Apply(const ProcessRuntime::Flags& flags, const std::string& file,
                    std::chrono::seconds timeout) {
  auto config = StackConfig(flags);
  if (!config.ok()) return Fail(config.status().message(), 2);
  auto yaml = ReadFile(file);
  if (!yaml.ok()) return Fail(yaml.status().message());
  v1::ControlRequest request;
  request.mutable_apply()->set_file(file);
  request.mutable_apply()->set_yaml(*yaml);
  auto reply = Control(*config, request);
  if (!reply.ok()) return Fail(reply.status().message());
  const auto& applied = reply->apply();
  if (!applied.spec_errors().empty()) {
    std::cerr << TextFormat::SpecErrors(file, applied.spec_errors());
    return Fail("the spec is invalid; nothing was applied");
  }
  std::cout << "wharf: applying " << applied.app() << " (spec " << applied.spec_hash().substr(0, 12)
            << ")" << std::endl;
  const std::string hash = applied.spec_hash();
  auto settled = [hash](const v1::AppStatus& s) {
    return s.spec_hash() == hash &&
           (s.phase() == v1::APP_PHASE_CONVERGED || s.phase() == v1::APP_PHASE_FAILED);
  };
  auto converged = [](const v1::AppStatus& s) { return s.phase() == v1::APP_PHASE_CONVERGED; };
  return Follow(*config, applied.app(), settled, converged, timeout);
}

int Commands::Destroy(const ProcessRuntime::Flags& flags, const std::string& app,
                      std::chrono::seconds timeout) {
  auto config = StackConfig(flags);
  if (!config.ok()) return Fail(config.status().message(), 2);
  v1::ControlRequest request;
  request.mutable_destroy()->set_app(app);
  auto reply = Control(*config, request);
  if (!reply.ok()) return Fail(reply.status().message());
  std::cout << "wharf: destroying " << app << std::endl;
  // A FAILED status counts only once the destroy plan has started.
  auto started = std::make_shared<bool>(false);
  auto settled = [started](const v1::AppStatus& s) {
    if (s.phase() == v1::APP_PHASE_DESTROYING) *started = true;
    return s.phase() == v1::APP_PHASE_DESTROYED || (*started && s.phase() == v1::APP_PHASE_FAILED);
  };
  auto destroyed = [](const v1::AppStatus& s) { return s.phase() == v1::APP_PHASE_DESTROYED; };
  return Follow(*config, app, settled, destroyed, timeout);
}

}  // namespace wharf::cli
