#include "cli/local_stack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include <google/protobuf/util/json_util.h>

#include "common/bus/control_client.h"
#include "common/localcloud/local_cloud_launcher.h"

namespace wharf::cli {
namespace {

bool PortAnswers(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// The last `max_lines` lines of a log file (for start-up errors).
std::string LogTail(const std::string& path, size_t max_lines = 20) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > max_lines) lines.pop_front();
  }
  if (lines.empty()) return "  (empty)";
  std::string tail;
  for (const auto& line : lines) tail += "  " + line + "\n";
  tail.pop_back();
  return tail;
}

}  // namespace

LocalStack::LocalStack(v1::WharfConfig config, Options options)
    : config_(std::move(config)), options_(std::move(options)) {
  if (options_.local_cloud) config_.mutable_aws()->set_endpoint_url(cloud_endpoint());
}

LocalStack::~LocalStack() { Stop(); }

std::string LocalStack::config_path() const { return config_.state_dir() + "/config.json"; }
std::string LocalStack::log_dir() const { return config_.state_dir() + "/logs"; }

std::string LocalStack::cloud_endpoint() const {
  if (!options_.local_cloud) return "";
  return "http://" + config_.local_cloud().host() + ":" +
         std::to_string(config_.local_cloud().port());
}

std::vector<std::string> LocalStack::executor_names() const {
  std::vector<std::string> names;
  for (int i = 1; i <= config_.executors(); ++i) names.push_back("executor-" + std::to_string(i));
  return names;
}

std::string LocalStack::Progress(const std::string& line) const {
  if (options_.progress != nullptr) {
    std::fprintf(options_.progress, "wharf: %s\n", line.c_str());
    std::fflush(options_.progress);
  }
  return line;
}

Status LocalStack::StartChild(const std::string& name, std::vector<std::string> argv,
                              bool restart) {
  Supervisor::ChildSpec spec;
  spec.name = name;
  spec.argv = std::move(argv);
  spec.env = child_env_;
  spec.log_file = log_dir() + "/" + name + ".log";
  spec.restart = restart;
  auto pid = supervisor_.Start(std::move(spec));
  if (!pid.ok()) return pid.status();
  return Status::Ok();
}

Status LocalStack::StartLocalCloud() {
  localcloud::LocalCloudLauncher::Options cloud;
  cloud.host = config_.local_cloud().host();
  cloud.port = config_.local_cloud().port();
  cloud.seed = options_.local_cloud_seed;
  cloud.speed = options_.local_cloud_speed;
  cloud.python = options_.local_cloud_python;
  cloud.source_dir = options_.local_cloud_source_dir;
  localcloud::LocalCloudLauncher launcher(cloud);
  const std::string where = cloud.host + ":" + std::to_string(cloud.port);
  if (PortAnswers(cloud.host, cloud.port)) {
    return Status::FailedPrecondition(
        "something already listens on " + where +
        " (another `wharf up --local`?); stop it, or pick another port with --local-cloud-port "
        "or local_cloud.port in the config");
  }
  WHARF_RETURN_IF_ERROR(launcher.Check());
  const std::string log = log_dir() + "/local-cloud.log";
  Supervisor::ChildSpec spec;
  spec.name = "local-cloud";
  spec.argv = launcher.Argv();
  spec.env = launcher.Env(std::getenv("PYTHONPATH"));
  spec.log_file = log;
  auto pid = supervisor_.Start(std::move(spec));
  if (!pid.ok()) return pid.status();
  auto started = std::chrono::steady_clock::now();
  auto child_alive = [&]() -> Status {
    for (const auto& exit : supervisor_.Reap()) {
      if (exit.name != "local-cloud") continue;
      return Status::Unavailable(
          "the local cloud exited while starting: " + Supervisor::Describe(exit) +
          "; last lines of " + log + ":\n" + LogTail(log));
    }
    return Status::Ok();
  };
  if (Status ready = launcher.WaitReady(options_.local_cloud_start_timeout, child_alive);
      !ready.ok()) {
    if (ready.code() != Status::Code::kDeadlineExceeded) return ready;
    return Status::DeadlineExceeded(ready.message() + "; last lines of " + log + ":\n" +
                                    LogTail(log));
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  char speed[32];
  std::snprintf(speed, sizeof(speed), "%g", cloud.speed);
  Progress("local cloud up on " + cloud_endpoint() + " in " + std::to_string(ms) + " ms (seed " +
           std::to_string(cloud.seed) + ", speed " + speed + "; localcloud/ from " +
           launcher.source_dir() + ", log " + log + ")");
  return Status::Ok();
}

Status LocalStack::Start() {
  std::error_code ec;
  std::filesystem::create_directories(log_dir(), ec);
  if (ec) return Status::FailedPrecondition("cannot create " + log_dir() + ": " + ec.message());
  std::filesystem::create_directories(config_.specs_dir(), ec);
  if (ec) {
    return Status::FailedPrecondition("cannot create " + config_.specs_dir() + ": " + ec.message());
  }
  // The resolved config every child (and every later `wharf` command) reads.
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(config_, &json, print);
  {
    std::ofstream out(config_path(), std::ios::trunc);
    out << json;
    if (!out) return Status::FailedPrecondition("cannot write " + config_path());
  }
  child_env_["AWS_REGION"] = config_.aws().region();
  if (options_.local_cloud) {
    // The local cloud accepts any key; these keep a developer's real
    // credentials out of it.
    child_env_["AWS_ACCESS_KEY_ID"] = "test";
    child_env_["AWS_SECRET_ACCESS_KEY"] = "test";
    child_env_["AWS_ENDPOINT_URL"] = cloud_endpoint();
    WHARF_RETURN_IF_ERROR(StartLocalCloud());
  }
  const std::string bin = options_.bin_dir;
  std::vector<std::string> common = {"--config", config_path()};
  auto with = [&](std::string program, std::vector<std::string> extra) {
    std::vector<std::string> argv = {bin + "/" + program};
    argv.insert(argv.end(), common.begin(), common.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  };
  WHARF_RETURN_IF_ERROR(StartChild("bus", with("wharf-bus", {})));
  WHARF_RETURN_IF_ERROR(StartChild("controller", with("wharf-controller", {})));
  for (const auto& name : executor_names()) {
    std::vector<std::string> extra = {"--id", name};
    if (options_.executor_hold_result.count() > 0) {
      extra.push_back("--test-hold-result-ms");
      extra.push_back(std::to_string(options_.executor_hold_result.count()));
    }
    WHARF_RETURN_IF_ERROR(StartChild(name, with("wharf-executor", extra)));
  }
  WHARF_RETURN_IF_ERROR(StartChild("watcher-spec", with("wharf-watcher", {"--kind", "spec"})));
  Progress("started bus, controller, " + std::to_string(config_.executors()) +
           " executor(s) and the spec watcher; logs in " + log_dir());
  return Status::Ok();
}

Status LocalStack::WaitReady(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string missing = "the controller";
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& line : Tick()) Progress(line);
    auto status = QueryStatus(sockets_, config_, "", std::chrono::milliseconds(500));
    if (status.ok()) {
      bool bus_ready = false;
      for (const auto& c : status->components()) bus_ready |= (c.component() == "bus" && c.ready());
      int executors = status->executors_size();
      if (!status->synced()) {
        missing = "the spec watcher's first sync";
      } else if (executors < config_.executors()) {
        missing = std::to_string(config_.executors() - executors) + " executor(s)";
      } else if (!bus_ready) {
        missing = "the bus's health report";
      } else {
        return Status::Ok();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::DeadlineExceeded("stack not ready after " +
                                  std::to_string(timeout.count() / 1000) + " s: waiting for " +
                                  missing + "; see the logs in " + log_dir());
}

std::vector<std::string> LocalStack::Tick() {
  std::vector<std::string> lines;
  for (const auto& exit : supervisor_.Reap()) {
    lines.push_back(Supervisor::Describe(exit) +
                    (exit.restarted ? " exited; restarting" : " exited"));
  }
  return lines;
}

void LocalStack::Stop() { supervisor_.StopAll(); }

Result<v1::StatusReply> QueryStatus(bus::SocketFactory& sockets, const v1::WharfConfig& config,
                                    const std::string& app, std::chrono::milliseconds timeout) {
  v1::ControlRequest request;
  request.mutable_status()->set_app(app);
  auto reply = bus::ControlClient::Call(sockets, config.bus().control(), request, timeout);
  if (!reply.ok()) {
    return Status::Unavailable("no Wharf controller answers on " + config.bus().control() +
                               " (start a stack with `wharf up --local`, or pass --state-dir)");
  }
  if (!reply->error().empty()) return Status::Internal(reply->error());
  return reply->status();
}

}  // namespace wharf::cli
