#include "tests/support/moto_server.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/free_port.h"

extern char** environ;

namespace wharf::test_support {
namespace {

// `program` resolved against PATH ("" if not found).
std::string FindProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// Status code of a blocking request to moto, or -1.
long HttpStatus(const std::string& url, bool post) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return -1;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 500L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Discard);
  if (post) {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
  }
  long status = -1;
  if (curl_easy_perform(easy) == CURLE_OK) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(easy);
  return status;
}

}  // namespace

MotoServer::MotoServer() : MotoServer(Options()) {}

MotoServer::MotoServer(Options options) : options_(std::move(options)) {}

MotoServer::~MotoServer() {
  Stop();
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

Status MotoServer::Start() {
  if (running()) return Status::FailedPrecondition("moto is already running");
  // A port picked free can be taken before moto binds it: try a few.
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    last = StartOnce();
    if (last.ok()) return last;
    Stop();
  }
  return last;
}

Status MotoServer::StartOnce() {
  port_ = PickFreeTcpPort();
  if (port_ <= 0) return Status::Unavailable("no free port on 127.0.0.1");
  endpoint_ = "http://127.0.0.1:" + std::to_string(port_);

  if (log_path_.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/wharf-moto-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd < 0) return Status::Internal("cannot create moto's log file");
    ::close(fd);
    log_path_ = name.data();
  }

  const std::string python = FindProgram(options_.python);
  if (python.empty()) return Status::FailedPrecondition(options_.python + " not found on PATH");

  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls.
  std::map<std::string, std::string> env_map;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env_map[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  env_map["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true";
  env_map["PYTHONUNBUFFERED"] = "1";
  for (const auto& [k, v] : options_.env) env_map[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env_map) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = {python,      "-m", "moto.server",        "-H",
                                   "127.0.0.1", "-p", std::to_string(port_)};
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
    ::execve(python.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins
  pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ChildExited()) {
      return Status::Unavailable("moto exited during start-up; log tail:\n" + LogTail());
    }
    if (HttpStatus(endpoint_ + "/moto-api/", false) == 200) return Status::Ok();
    // Polling a child process that has no readiness signal.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Unavailable("moto did not answer on " + endpoint_ + " within " +
                             std::to_string(options_.start_timeout.count()) + " ms; log tail:\n" +
                             LogTail());
}

Status MotoServer::Reset() {
  if (!running()) return Status::FailedPrecondition("moto is not running");
  long status = HttpStatus(endpoint_ + "/moto-api/reset", true);
  if (status != 200) {
    return Status::Unavailable("POST /moto-api/reset answered " + std::to_string(status));
  }
  return Status::Ok();
}

void MotoServer::Stop() {
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

bool MotoServer::ChildExited() {
  if (pid_ <= 0) return true;
  pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

std::string MotoServer::LogTail() const {
  std::ifstream in(log_path_);
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

}  // namespace wharf::test_support
