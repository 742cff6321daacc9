#include "common/localcloud/local_cloud_launcher.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#ifndef WHARF_SOURCE_DIR
#error "WHARF_SOURCE_DIR (the repository root) must be defined by the build"
#endif

namespace wharf::localcloud {
namespace {

constexpr char kControlPrefix[] = "/_localcloud/";

// `program` resolved against PATH; "" when not found.
std::string FindProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct HttpAnswer {
  long status = 0;
  std::string body;
};

// One blocking HTTP request (libcurl easy: this is the adapter that calls it).
Result<HttpAnswer> Http(const std::string& method, const std::string& url, const std::string& body,
                        std::chrono::milliseconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return Status::Internal("curl_easy_init failed");
  HttpAnswer answer;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (method == "POST") {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  CURLcode code = curl_easy_perform(easy);
  if (code == CURLE_OK) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(easy);
  if (code != CURLE_OK) {
    return Status::Unavailable(method + " " + url + ": " + curl_easy_strerror(code));
  }
  return answer;
}

std::string FormatSpeed(double speed) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", speed);
  return text;
}

}  // namespace

LocalCloudLauncher::LocalCloudLauncher(Options options)
    : options_(std::move(options)),
      python_path_(FindProgram(options_.python)),
      source_dir_(options_.source_dir.empty() ? DefaultSourceDir() : options_.source_dir) {}

std::string LocalCloudLauncher::DefaultSourceDir() {
  const char* from_env = std::getenv(kSourceDirEnv);
  if (from_env != nullptr && *from_env != '\0') return from_env;
  return WHARF_SOURCE_DIR;
}

Status LocalCloudLauncher::Check() const {
  if (python_path_.empty()) {
    return Status::FailedPrecondition(options_.python +
                                      " not found on PATH; the local cloud needs Python 3 with "
                                      "moto[server] 5, boto3 and werkzeug");
  }
  if (!(options_.speed > 0)) {
    return Status::FailedPrecondition("the local cloud's clock speed must be > 0, got " +
                                      FormatSpeed(options_.speed));
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source_dir_ + "/localcloud/__main__.py", ec)) {
    return Status::FailedPrecondition("the local cloud is not in " + source_dir_ +
                                      " (no localcloud/__main__.py there); set " + kSourceDirEnv +
                                      " to the Wharf repository root");
  }
  return Status::Ok();
}

std::vector<std::string> LocalCloudLauncher::Argv() const {
  return {python_path_.empty() ? options_.python : python_path_,
          "-m",
          "localcloud",
          "--host",
          options_.host,
          "--port",
          std::to_string(options_.port),
          "--seed",
          std::to_string(options_.seed),
          "--speed",
          FormatSpeed(options_.speed)};
}

std::map<std::string, std::string> LocalCloudLauncher::Env(const char* inherited_pythonpath) const {
  std::string pythonpath = source_dir_;
  if (inherited_pythonpath != nullptr && *inherited_pythonpath != '\0') {
    pythonpath += std::string(":") + inherited_pythonpath;
  }
  // PYTHONSAFEPATH (Python 3.11+): `-m` would otherwise put the working
  // directory first on sys.path, and a localcloud/ there would win.
  return {{"PYTHONPATH", pythonpath},
          {"PYTHONSAFEPATH", "1"},
          {"PYTHONUNBUFFERED", "1"},
          {"PYTHONDONTWRITEBYTECODE", "1"}};
}

std::string LocalCloudLauncher::endpoint() const {
  return "http://" + options_.host + ":" + std::to_string(options_.port);
}

Result<bool> LocalCloudLauncher::ParseHealth(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Unavailable("health answer is not a JSON object");
  }
  auto ok = json.find("ok");
  auto warm = json.find("warm");
  if (ok == json.end() || !ok->is_boolean() || !ok->get<bool>()) {
    return Status::Unavailable("health answer lacks \"ok\": true");
  }
  if (warm == json.end() || !warm->is_boolean()) {
    return Status::Unavailable("health answer lacks a boolean \"warm\"");
  }
  return warm->get<bool>();
}

Result<bool> LocalCloudLauncher::Probe(std::chrono::milliseconds timeout) const {
  const std::string url = endpoint() + kControlPrefix + "health";
  auto answer = Http("GET", url, "", timeout);
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return Status::Unavailable("GET " + url + " answered " + std::to_string(answer->status) +
                               " (is something other than the local cloud on that port?)");
  }
  return ParseHealth(answer->body);
}

Status LocalCloudLauncher::WaitReady(std::chrono::milliseconds bound,
                                     const std::function<Status()>& child_alive) const {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  Status last = Status::Unavailable("no answer yet");
  while (true) {
    WHARF_RETURN_IF_ERROR(child_alive());
    auto warm = Probe();
    if (warm.ok() && *warm) return Status::Ok();
    last =
        warm.ok() ? Status::Unavailable("answering, still loading moto's backends") : warm.status();
    if (std::chrono::steady_clock::now() >= deadline) break;
    // A child process has no readiness signal to wait on; poll it.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::DeadlineExceeded("the local cloud on " + endpoint() + " was not ready within " +
                                  std::to_string(bound.count()) + " ms (" + last.message() + ")");
}

Status LocalCloudLauncher::Reset(std::optional<int64_t> seed,
                                 std::chrono::milliseconds timeout) const {
  const std::string url = endpoint() + kControlPrefix + "reset";
  std::string body = seed ? nlohmann::json{{"seed", *seed}}.dump() : "{}";
  auto answer = Http("POST", url, body, timeout);
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return Status::Unavailable("POST " + url + " answered " + std::to_string(answer->status) +
                               ": " + answer->body);
  }
  return Status::Ok();
}

}  // namespace wharf::localcloud
