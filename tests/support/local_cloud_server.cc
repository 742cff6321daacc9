#include "tests/support/local_cloud_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "common/localcloud/local_cloud_launcher.h"
#include "tests/support/free_port.h"

extern char** environ;

namespace wharf::test_support {
namespace {

localcloud::LocalCloudLauncher Launcher(const LocalCloudServer::Options& options, int port) {
  localcloud::LocalCloudLauncher::Options launch;
  launch.host = "127.0.0.1";
  launch.port = port;
  launch.seed = options.seed;
  launch.speed = options.speed;
  launch.python = options.python;
  return localcloud::LocalCloudLauncher(launch);
}

}  // namespace

LocalCloudServer::LocalCloudServer() : LocalCloudServer(Options()) {}

LocalCloudServer::LocalCloudServer(Options options) : options_(std::move(options)) {}

LocalCloudServer::~LocalCloudServer() {
  Stop();
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

Status LocalCloudServer::Start() {
  if (running()) return Status::FailedPrecondition("the local cloud is already running");
  // A port picked free can be taken before the cloud binds it: try a few.
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    last = StartOnce();
    if (last.ok()) return last;
    Stop();
    // Only an early exit (the port was taken, say) is worth another try.
    if (last.code() != Status::Code::kUnavailable) return last;
  }
  return last;
}

Status LocalCloudServer::StartOnce() {
  port_ = PickFreeTcpPort();
  if (port_ <= 0) return Status::Unavailable("no free port on 127.0.0.1");
  const localcloud::LocalCloudLauncher launcher = Launcher(options_, port_);
  endpoint_ = launcher.endpoint();
  WHARF_RETURN_IF_ERROR(launcher.Check());

  if (log_path_.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/wharf-localcloud-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd < 0) return Status::Internal("cannot create the local cloud's log file");
    ::close(fd);
    log_path_ = name.data();
  }

  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls.
  std::map<std::string, std::string> env_map;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env_map[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : launcher.Env(std::getenv("PYTHONPATH"))) env_map[k] = v;
  for (const auto& [k, v] : options_.env) env_map[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env_map) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = launcher.Argv();
  if (options_.auth) args.push_back("--auth");
  if (options_.enforce_rates) args.push_back("--enforce-rates");
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return Status::Internal("fork failed");
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins
  pid_ = pid;

  Status ready = launcher.WaitReady(options_.start_timeout, [&] {
    return ChildExited() ? Status::Unavailable("the local cloud exited during start-up")
                         : Status::Ok();
  });
  if (!ready.ok()) return Status(ready.code(), ready.message() + "; log tail:\n" + LogTail());
  return Status::Ok();
}

Status LocalCloudServer::Reset(std::optional<int64_t> seed) {
  if (!running()) return Status::FailedPrecondition("the local cloud is not running");
  return Launcher(options_, port_).Reset(seed);
}

void LocalCloudServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool reaped = false;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      reaped = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Whatever else is left in the group goes too.
  ::kill(-pid_, SIGKILL);
  if (!reaped) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

Result<LocalCloudServer::ControlAnswer> LocalCloudServer::Control(
    const std::string& method, const std::string& path, const std::string& body,
    std::chrono::milliseconds timeout) {
  if (!running()) return Status::FailedPrecondition("the local cloud is not running");
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return Status::Internal("curl_easy_init failed");
  const std::string url = endpoint_ + "/_localcloud/" + path;
  ControlAnswer answer;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (!body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode code = curl_easy_perform(easy);
  if (code == CURLE_OK) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(easy);
  if (code != CURLE_OK) {
    return Status::Unavailable(method + " " + url + ": " + curl_easy_strerror(code));
  }
  return answer;
}

Result<nlohmann::json> LocalCloudServer::ControlJson(const std::string& method,
                                                     const std::string& path,
                                                     const nlohmann::json& body) {
  auto answer = Control(method, path, body.is_null() ? "" : body.dump());
  if (!answer.ok()) return answer.status();
  if (answer->status < 200 || answer->status >= 300) {
    return Status::FailedPrecondition(method + " /_localcloud/" + path + ": HTTP " +
                                      std::to_string(answer->status) + ": " + answer->body);
  }
  auto json = nlohmann::json::parse(answer->body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return Status::Internal(method + " /_localcloud/" + path + ": not JSON: " + answer->body);
  }
  return json;
}

Status LocalCloudServer::InjectFaults(const nlohmann::json& rules) {
  auto answer = ControlJson("POST", "faults", rules);
  return answer.ok() ? Status::Ok() : answer.status();
}

Result<nlohmann::json> LocalCloudServer::Counters() { return ControlJson("GET", "counters"); }

Result<LocalCloudServer::AdminKey> LocalCloudServer::AdminCredentials() {
  auto json = ControlJson("GET", "credentials");
  if (!json.ok()) return json.status();
  AdminKey key;
  key.access_key_id = json->value("aws_access_key_id", "");
  key.secret_access_key = json->value("aws_secret_access_key", "");
  key.user_arn = json->value("user_arn", "");
  key.account_id = json->value("account_id", "");
  if (key.access_key_id.empty() || key.secret_access_key.empty()) {
    return Status::Internal("GET /_localcloud/credentials: no key in the answer");
  }
  return key;
}

bool LocalCloudServer::ChildExited() {
  if (pid_ <= 0) return true;
  pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

std::string LocalCloudServer::LogTail() const {
  std::ifstream in(log_path_);
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

}  // namespace wharf::test_support
