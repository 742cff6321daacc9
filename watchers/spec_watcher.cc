#include "watchers/spec_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <google/protobuf/util/message_differencer.h>

namespace wharf::watchers {
namespace {

constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                IN_CREATE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string AppOf(const spec::SpecLoadResult& result) {
  if (const auto* changed = std::get_if<v1::SpecChanged>(&result)) {
    return changed->spec().name();
  }
  return std::get<v1::SpecInvalid>(result).app();
}

std::string ShortHash(const std::string& hash) { return hash.substr(0, 12); }

}  // namespace

SpecWatcher::SpecWatcher(asio::io_context& io, std::string dir, bus::EventSink& sink,
                         const Clock& clock, Options options)
    : io_(io),
      dir_(std::move(dir)),
      sink_(sink),
      clock_(clock),
      options_(options),
      log_(Logger("watcher")),
      debounce_timer_(io),
      snapshot_timer_(io) {}

SpecWatcher::~SpecWatcher() {
  try {
    Stop();
  } catch (const std::exception& e) {
    // Cancelling a timer throws only on a broken io_context; nothing to undo.
    log_->error("stopping the spec watcher: {}", e.what());
  }
  alive_.reset();
}

Status SpecWatcher::Start() {
  if (started_) {
    return Status::FailedPrecondition("spec watcher already started");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return Status::FailedPrecondition("cannot create spec dir " + dir_ + ": " + ec.message());
  }
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return Status::FailedPrecondition(std::string("inotify_init1: ") + std::strerror(errno));
  }
  descriptor_ = std::make_unique<asio::posix::stream_descriptor>(io_, fd);
  inotify_fd_ = fd;
  if (Status status = AddWatch(); !status.ok()) {
    descriptor_.reset();  // closes fd
    inotify_fd_ = -1;
    return status;
  }
  started_ = true;
  // An unlistable directory must not look like an empty one: that would
  // remove every app.
  if (Status status = Rescan(/*publish=*/false); !status.ok()) {
    Stop();
    return status;
  }
  log_->info("watching {} for app specs", dir_);
  PublishSnapshot();
  WaitForEvents();
  ArmSnapshotTimer();
  return Status::Ok();
}

void SpecWatcher::Stop() {
  if (!started_) {
    return;
  }
  started_ = false;
  debounce_armed_ = false;
  debounce_timer_.cancel();
  snapshot_timer_.cancel();
  if (descriptor_) {
    boost::system::error_code ignored;
    descriptor_->close(ignored);  // also drops the watch
  }
  inotify_fd_ = -1;
  watch_ = -1;
}

void SpecWatcher::Resync() {
  if (!started_) {
    return;
  }
  Rescan();  // on error (logged) the snapshot repeats the last published state
  PublishSnapshot();
}

Status SpecWatcher::AddWatch() {
  int wd = inotify_add_watch(inotify_fd_, dir_.c_str(), kWatchMask | IN_ONLYDIR);
  if (wd < 0) {
    return Status::FailedPrecondition("cannot watch spec dir " + dir_ + ": " +
                                      std::strerror(errno));
  }
  watch_ = wd;
  return Status::Ok();
}

void SpecWatcher::WaitForEvents() {
  std::weak_ptr<int> alive = alive_;
  descriptor_->async_wait(asio::posix::stream_descriptor::wait_read,
                          [this, alive](const boost::system::error_code& ec) {
                            if (alive.expired() || ec || !started_) {
                              return;
                            }
                            ReadEvents();
                            if (started_) {
                              WaitForEvents();
                            }
                          });
}

void SpecWatcher::ReadEvents() {
  alignas(struct inotify_event) char buffer[16 * 1024];
  bool any = false;
  for (;;) {
    ssize_t n = read(inotify_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        log_->warn("reading inotify events for {}: {}", dir_, std::strerror(errno));
      }
      break;
    }
    for (ssize_t offset = 0; offset < n;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(buffer + offset);
      offset += static_cast<ssize_t>(sizeof(struct inotify_event) + event->len);
      any = true;
      if (event->mask & IN_Q_OVERFLOW) {
        ++stats_.inotify_overflows;
        log_->warn("inotify queue overflowed for {}; rescanning", dir_);
      }
      if (event->wd == watch_ && (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))) {
        // The watched inode left the path: watch the path again on rescan.
        if (watch_ >= 0 && !(event->mask & IN_IGNORED)) {
          inotify_rm_watch(inotify_fd_, watch_);
        }
        watch_ = -1;
      }
    }
  }
  if (any) {
    OnFileEvent();
  }
}

void SpecWatcher::OnFileEvent() {
  // Each event batch pushes the rescan `debounce` later, until the burst has
  // lasted `max_delay`; then the pending timer is left to fire.
  Clock::TimePoint now = clock_.Now();
  if (!debounce_armed_) {
    debounce_armed_ = true;
    burst_start_ = now;
  } else if (now - burst_start_ >= options_.max_delay) {
    return;
  }
  debounce_timer_.expires_after(options_.debounce);  // cancels a pending wait
  std::weak_ptr<int> alive = alive_;
  debounce_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (alive.expired() || ec || !started_ || !debounce_armed_) {
      return;
    }
    debounce_armed_ = false;
    Rescan();  // on error (logged) the next event or snapshot period retries
  });
}

void SpecWatcher::ArmSnapshotTimer() {
  snapshot_timer_.expires_after(options_.snapshot_period);
  std::weak_ptr<int> alive = alive_;
  snapshot_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (alive.expired() || ec || !started_) {
      return;
    }
    Rescan();  // on error (logged) the snapshot repeats the last published state
    PublishSnapshot();
    ArmSnapshotTimer();
  });
}

bool SpecWatcher::IsCandidate(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '#' || EndsWith(name, "~")) {
    return false;
  }
  return EndsWith(name, ".yaml") || EndsWith(name, ".yml");
}

std::string SpecWatcher::PathOf(const std::string& name) const {
  return (std::filesystem::path(dir_) / name).string();
}

Result<std::map<std::string, spec::SpecLoadResult>> SpecWatcher::LoadAll() const {
  std::map<std::string, spec::SpecLoadResult> results;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir_, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (!IsCandidate(name) || !it->is_regular_file(type_ec)) {
      continue;  // follows symlinks
    }
    results.emplace(name, loader_.LoadFile(PathOf(name)));
  }
  if (ec) {
    return Status::Unavailable("cannot list " + dir_ + ": " + ec.message());
  }

  // Duplicate app names: the current owner keeps the name, else the first
  // valid file by name, else the first file by name.
  std::map<std::string, std::vector<std::string>> claims;  // app -> files, by name
  for (const auto& [name, result] : results) {
    if (std::string app = AppOf(result); !app.empty()) {
      claims[app].push_back(name);
    }
  }
  for (const auto& [app, claimants] : claims) {
    if (claimants.size() < 2) {
      continue;
    }
    auto valid = [&](const std::string& name) {
      return std::holds_alternative<v1::SpecChanged>(results.at(name));
    };
    std::string owner;
    for (const std::string& name : claimants) {
      auto known = files_.find(name);
      if (valid(name) && known != files_.end() && known->second.valid &&
          known->second.valid->spec().name() == app) {
        owner = name;
      }
    }
    for (const std::string& name : claimants) {
      if (owner.empty() && valid(name)) {
        owner = name;
      }
    }
    if (owner.empty()) {
      owner = claimants.front();
    }
    for (const std::string& name : claimants) {
      if (name == owner) {
        continue;
      }
      spec::SpecLoadResult& result = results.at(name);
      v1::SpecInvalid invalid;
      if (const auto* changed = std::get_if<v1::SpecChanged>(&result)) {
        invalid.set_file(changed->file());
      } else {
        invalid = std::get<v1::SpecInvalid>(result);
      }
      invalid.set_app("");
      v1::SpecError& error = *invalid.add_errors();
      error.set_field("name");
      error.set_message("app '" + app + "' is already defined in " + PathOf(owner) +
                        "; an app is defined by one file");
      result = std::move(invalid);
    }
  }
  return results;
}

Status SpecWatcher::Rescan(bool publish) {
  ++stats_.rescans;
  if (watch_ < 0 && inotify_fd_ >= 0) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (Status status = AddWatch(); !status.ok()) {
      log_->error("{}; keeping the last published specs", status.message());
      return status;
    }
    log_->warn("spec dir {} was replaced or removed; watching it again", dir_);
  }
  Result<std::map<std::string, spec::SpecLoadResult>> loaded = LoadAll();
  if (!loaded.ok()) {
    log_->error("{}; keeping the last published specs", loaded.status().message());
    return loaded.status();
  }
  std::map<std::string, std::string> owners;  // app -> file name that defines it validly
  for (const auto& [name, result] : *loaded) {
    if (const auto* changed = std::get_if<v1::SpecChanged>(&result)) {
      owners[changed->spec().name()] = name;
    }
  }
  std::vector<std::string> gone;
  for (const auto& [name, state] : files_) {
    if (!loaded->contains(name)) {
      gone.push_back(name);
    }
  }
  for (const std::string& name : gone) {
    PublishRemoved(name, files_.at(name), owners, publish);
  }
  for (auto& [name, result] : *loaded) {
    PublishChange(name, std::move(result), owners, publish);
  }
  return Status::Ok();
}

void SpecWatcher::PublishRemoved(const std::string& name, const FileState& state,
                                 const std::map<std::string, std::string>& owners, bool publish) {
  if (state.valid && owners.contains(state.valid->spec().name())) {
    // The app moved to another file, whose SpecChanged supersedes this file.
    log_->info("spec file removed: file={} app={} (now defined in {})", PathOf(name),
               state.valid->spec().name(), PathOf(owners.at(state.valid->spec().name())));
    files_.erase(name);
    return;
  }
  v1::Envelope envelope;
  v1::SpecRemoved& removed = *envelope.mutable_spec_removed();
  removed.set_file(PathOf(name));
  removed.set_app(state.valid
                      ? state.valid->spec().name()
                      : (state.invalid && !state.invalid->app().empty() ? state.invalid->app()
                                                                        : state.last_app));
  std::string app = removed.app();
  if (publish && !Publish(std::move(envelope))) {
    return;
  }
  log_->info("spec removed: file={} app={}", PathOf(name), app.empty() ? "-" : app);
  files_.erase(name);
}

void SpecWatcher::PublishChange(const std::string& name, spec::SpecLoadResult result,
                                const std::map<std::string, std::string>& owners, bool publish) {
  FileState& state = files_[name];
  if (auto* changed = std::get_if<v1::SpecChanged>(&result)) {
    const std::string& app = changed->spec().name();
    if (state.valid && state.valid->spec_hash() == changed->spec_hash() &&
        state.valid->spec().name() == app) {
      return;
    }
    if (state.valid && state.valid->spec().name() != app &&
        !owners.contains(state.valid->spec().name())) {
      // The file now defines another app, and no file defines the old one.
      v1::Envelope removal;
      removal.mutable_spec_removed()->set_file(changed->file());
      removal.mutable_spec_removed()->set_app(state.valid->spec().name());
      if (publish && !Publish(std::move(removal))) {
        return;
      }
      log_->info("spec removed: file={} app={} (the file now defines {})", changed->file(),
                 state.valid->spec().name(), app);
    }
    state.valid.reset();
    std::string hash = changed->spec_hash();
    v1::Envelope envelope;
    *envelope.mutable_spec_changed() = *changed;
    if (publish && !Publish(std::move(envelope))) {
      return;
    }
    log_->info("spec {}: file={} app={} hash={}", publish ? "changed" : "loaded", changed->file(),
               app, ShortHash(hash));
    state.valid = std::move(*changed);
    state.invalid.reset();
    state.last_app = app;
    return;
  }

  v1::SpecInvalid& invalid = std::get<v1::SpecInvalid>(result);
  // An edit that hides the app name is still reported against the app the
  // file defined, unless another file defines that app now.
  if (invalid.app().empty() && !state.last_app.empty()) {
    auto owner = owners.find(state.last_app);
    if (owner == owners.end() || owner->second == name) {
      invalid.set_app(state.last_app);
    }
  }
  if (state.invalid &&
      google::protobuf::util::MessageDifferencer::Equals(*state.invalid, invalid)) {
    return;
  }
  v1::Envelope envelope;
  *envelope.mutable_spec_invalid() = invalid;
  if (publish && !Publish(std::move(envelope))) {
    return;
  }
  // Error messages never hold environment or secret values (SpecLoader's contract).
  log_->warn("spec invalid: file={} app={} errors={} first: {}", invalid.file(),
             invalid.app().empty() ? "-" : invalid.app(), invalid.errors_size(),
             invalid.errors().empty() ? std::string("-")
                                      : spec::FormatSpecError(invalid.file(), invalid.errors(0)));
  state.valid.reset();
  state.invalid = std::move(invalid);
}

void SpecWatcher::PublishSnapshot() {
  v1::Envelope envelope;
  v1::SpecSnapshot& snapshot = *envelope.mutable_spec_snapshot();
  for (const auto& [name, state] : files_) {
    if (state.valid) {
      *snapshot.add_specs() = *state.valid;
    }
    if (state.invalid) {
      *snapshot.add_invalid() = *state.invalid;
    }
  }
  int specs = snapshot.specs_size();
  int invalid = snapshot.invalid_size();
  if (Publish(std::move(envelope))) {
    log_->debug("snapshot: {} specs, {} invalid files", specs, invalid);
  }
}

bool SpecWatcher::Publish(v1::Envelope envelope) {
  Status status = sink_.Publish(std::move(envelope));
  if (!status.ok()) {
    ++stats_.publish_failures;
    log_->warn("publish failed: {}; will retry", status.ToString());
    return false;
  }
  ++stats_.published;
  return true;
}

}  // namespace wharf::watchers
