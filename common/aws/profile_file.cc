#include "common/aws/profile_file.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace wharf::aws {
namespace {

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  size_t begin = s.find_first_not_of(ws);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(ws);
  return s.substr(begin, end - begin + 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string HomeDir(const Environment& env) {
  if (auto home = env.Get("HOME"); home && !home->empty()) return *home;
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    return found->pw_dir;
  }
  return ".";
}

std::string ExpandHome(const Environment& env, const std::string& path) {
  if (path == "~") return HomeDir(env);
  if (path.rfind("~/", 0) == 0) return HomeDir(env) + path.substr(1);
  return path;
}

}  // namespace

ProfileFile ProfileFile::Parse(std::string_view text, Kind kind) {
  ProfileFile file;
  // The profile properties go to; null while inside a skipped section.
  std::map<std::string, std::string>* current = nullptr;
  bool last_value_empty = false;
  std::istringstream in{std::string(text)};
  std::string raw;
  while (std::getline(in, raw)) {
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
    if (line[0] == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        current = nullptr;
        continue;
      }
      std::string_view header = Trim(line.substr(1, close - 1));
      std::string name;
      if (kind == Kind::kCredentials) {
        name = std::string(header);
      } else if (header == "default") {
        name = "default";
      } else if (header.rfind("profile", 0) == 0 && header.size() > 7 &&
                 (header[7] == ' ' || header[7] == '\t')) {
        name = std::string(Trim(header.substr(7)));
      }
      current = name.empty() ? nullptr : &file.profiles_[name];
      last_value_empty = false;
      continue;
    }
    if (current == nullptr) continue;
    // An indented line under a property with an empty value is a nested
    // sub-property ("s3 =\n  max_concurrent_requests = 10"): not used here.
    if (indented && last_value_empty) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = Lower(Trim(line.substr(0, eq)));
    std::string value(Trim(line.substr(eq + 1)));
    if (key.empty()) continue;
    last_value_empty = value.empty();
    (*current)[key] = std::move(value);
  }
  return file;
}

Result<ProfileFile> ProfileFile::Load(const std::string& path, Kind kind) {
  std::ifstream in(path);
  if (!in) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound("no such file: " + path);
    if (err == EACCES) return Status::PermissionDenied("cannot read " + path);
    return Status::Internal("cannot read " + path + ": " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), kind);
}

const std::string* ProfileFile::Get(const std::string& profile, const std::string& key) const {
  auto p = profiles_.find(profile);
  if (p == profiles_.end()) return nullptr;
  auto v = p->second.find(Lower(key));
  return v == p->second.end() ? nullptr : &v->second;
}

bool ProfileFile::HasProfile(const std::string& profile) const {
  return profiles_.count(profile) > 0;
}

std::string ProfileFile::CredentialsPath(const Environment& env) {
  if (auto path = env.Get("AWS_SHARED_CREDENTIALS_FILE"); path && !path->empty()) {
    return ExpandHome(env, *path);
  }
  return HomeDir(env) + "/.aws/credentials";
}

std::string ProfileFile::ConfigPath(const Environment& env) {
  if (auto path = env.Get("AWS_CONFIG_FILE"); path && !path->empty()) {
    return ExpandHome(env, *path);
  }
  return HomeDir(env) + "/.aws/config";
}

std::string ProfileFile::ProfileName(const Environment& env, const std::string& explicit_profile) {
  if (!explicit_profile.empty()) return explicit_profile;
  if (auto p = env.Get("AWS_PROFILE"); p && !p->empty()) return *p;
  if (auto p = env.Get("AWS_DEFAULT_PROFILE"); p && !p->empty()) return *p;
  return "default";
}

}  // namespace wharf::aws
