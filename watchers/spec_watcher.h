#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/asio.h"
#include "common/base/clock.h"
#include "common/base/logging.h"
#include "common/base/result.h"
#include "common/base/status.h"
#include "common/bus/event_sink.h"
#include "common/spec/spec_loader.h"
#include "wharf/v1/events.pb.h"

namespace wharf::watchers {

// Watches a directory of app YAML files and publishes what they say.
//
// Start() creates the directory if missing, watches it with inotify, scans it
// and publishes a full SpecSnapshot (the controller's "synced" signal). After
// that, a burst of file events is debounced into one rescan that publishes,
// per file, only what changed since that file's last publish:
//   SpecChanged  a valid spec that is new or has a new hash,
//   SpecInvalid  an invalid file with new errors (its app is the one named in
//                the file, else the app the file last defined),
//   SpecRemoved  a file that is gone, or whose valid spec now names another
//                app; not when another file now defines the app (its
//                SpecChanged, with the new file, supersedes).
// Files: *.yaml and *.yml directly in the directory; dotfiles and editor files
// (*~, *.swp, ...) are ignored. Two files naming the same app: the file that
// already published it keeps it, else the first by file name; every other one
// is SpecInvalid naming that file, with an empty app (the app is not invalid).
// If the directory disappears it is re-created and its files count as removed;
// if it cannot be listed, nothing is published until it can.
// A full snapshot is published again every `snapshot_period` and on Resync()
// (after a rescan, so it is current). A change is only recorded as published
// when the sink accepts it, so a failed publish is retried by the next rescan.
//
// Threading: every method and handler runs on the io_context's thread, which
// owns all members. Handlers still queued after destruction do nothing.
class SpecWatcher {
 public:
  struct Options {
    // Quiet time after the last file event before rescanning.
    std::chrono::milliseconds debounce{200};
    // A burst of events is rescanned at most this long (by the Clock) after
    // its first event, even if events keep coming.
    std::chrono::milliseconds max_delay{2000};
    std::chrono::milliseconds snapshot_period{30'000};
  };

  struct Stats {
    uint64_t rescans = 0;
    uint64_t published = 0;
    uint64_t publish_failures = 0;
    uint64_t inotify_overflows = 0;
  };

  SpecWatcher(asio::io_context& io, std::string dir, bus::EventSink& sink, const Clock& clock,
              Options options);
  SpecWatcher(asio::io_context& io, std::string dir, bus::EventSink& sink, const Clock& clock)
      : SpecWatcher(io, std::move(dir), sink, clock, Options{}) {}
  ~SpecWatcher();
  SpecWatcher(const SpecWatcher&) = delete;
  SpecWatcher& operator=(const SpecWatcher&) = delete;

  // Begins watching and publishes the first snapshot. An error (directory
  // cannot be created or watched) is a startup error; nothing is published.
  Status Start();
  // Rescans and publishes a full snapshot now (on a ResyncRequest).
  void Resync();
  // Stops watching and cancels timers. Idempotent; also done by the destructor.
  void Stop();

  const std::string& dir() const { return dir_; }
  const Stats& stats() const { return stats_; }

 private:
  // What was last published for one file.
  struct FileState {
    std::optional<v1::SpecChanged> valid;    // set iff the file was last valid
    std::optional<v1::SpecInvalid> invalid;  // set iff the file was last invalid
    // The app the file last defined validly; reported for unreadable edits.
    std::string last_app;
  };

  Status AddWatch();
  void WaitForEvents();
  void ReadEvents();
  void OnFileEvent();
  void ArmSnapshotTimer();
  // Loads every candidate file by file name, resolving duplicate app names.
  // An error means the directory could not be listed.
  Result<std::map<std::string, spec::SpecLoadResult>> LoadAll() const;
  // Loads the directory and publishes per-file changes; with `publish`
  // false, only records the files as published (the first scan). An error
  // (directory not listable) publishes nothing and keeps the state.
  Status Rescan(bool publish = true);
  // Publishes `result` for `name` if it differs from what was last published.
  void PublishChange(const std::string& name, spec::SpecLoadResult result,
                     const std::map<std::string, std::string>& owners, bool publish);
  void PublishRemoved(const std::string& name, const FileState& state,
                      const std::map<std::string, std::string>& owners, bool publish);
  void PublishSnapshot();
  bool Publish(v1::Envelope envelope);
  std::string PathOf(const std::string& name) const;
  static bool IsCandidate(const std::string& name);

  asio::io_context& io_;
  const std::string dir_;
  bus::EventSink& sink_;
  const Clock& clock_;
  const Options options_;
  const spec::SpecLoader loader_;
  const std::shared_ptr<spdlog::logger> log_;

  // All below: owned by the io thread.
  int inotify_fd_ = -1;  // owned via descriptor_ once assigned
  int watch_ = -1;
  std::unique_ptr<asio::posix::stream_descriptor> descriptor_;
  asio::steady_timer debounce_timer_;
  asio::steady_timer snapshot_timer_;
  bool debounce_armed_ = false;   // a debounced rescan is pending
  Clock::TimePoint burst_start_;  // first event of the pending burst
  bool started_ = false;
  std::map<std::string, FileState> files_;  // by file name (not path)
  Stats stats_;
  // Expires with this object; queued handlers hold a weak_ptr to it.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace wharf::watchers
