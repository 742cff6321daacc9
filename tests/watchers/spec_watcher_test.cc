#include "watchers/spec_watcher.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/base/fake_clock.h"
#include "common/bus/fake_event_sink.h"

namespace wharf::watchers {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::string AppYaml(const std::string& name, int port = 8000) {
  return "name: " + name + "\nimage: {repository: " + name +
         ", tag: \"1\"}\ncompute: {cpu: 256, memory: 512}\ncontainer:\n  port: " +
         std::to_string(port) + "\n  environment:\n    SECRET_IN_ENV: do-not-log-me\n";
}

// An EventSink that refuses envelopes while `failing` is set.
class FlakySink final : public bus::EventSink {
 public:
  Status Publish(v1::Envelope envelope) override {
    if (failing) return Status::Unavailable("bus down");
    return inner.Publish(std::move(envelope));
  }
  bool failing = false;
  bus::FakeEventSink inner;
};

class SpecWatcherTest : public ::testing::Test {
 protected:
  SpecWatcherTest() {
    std::string pattern = (fs::temp_directory_path() / "wharf-watch-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    dir_ = root_ + "/specs";
    fs::create_directories(dir_);
  }
  ~SpecWatcherTest() override {
    watcher_.reset();
    fs::remove_all(root_);
  }

  void Start(SpecWatcher::Options options = Fast()) {
    watcher_ = std::make_unique<SpecWatcher>(io_, dir_, sink_, clock_, options);
    Status status = watcher_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  static SpecWatcher::Options Fast() {
    SpecWatcher::Options options;
    options.debounce = 20ms;
    options.snapshot_period = 1h;
    return options;
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }

  std::vector<v1::Envelope>& published() { return sink_.inner.published; }

  // Runs the io_context until `done` holds; false after 5 s.
  bool RunUntil(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      if (io_.stopped()) io_.restart();
      io_.run_one_for(deadline - now);
    }
    return true;
  }

  // Runs until the watcher has rescanned `count` more times.
  bool RunRescans(uint64_t count = 1) {
    uint64_t target = watcher_->stats().rescans + count;
    return RunUntil([&] { return watcher_->stats().rescans >= target; });
  }

  // Runs until `count` envelopes were published in all.
  bool RunUntilPublished(size_t count) {
    return RunUntil([&] { return published().size() >= count; });
  }

  std::string root_;
  std::string dir_;
  asio::io_context io_;
  FlakySink sink_;
  FakeClock clock_;
  std::unique_ptr<SpecWatcher> watcher_;
};

TEST_F(SpecWatcherTest, StartPublishesFullSnapshotOfValidAndInvalidFiles) {
  fs::create_directories(dir_ + "/nested.yaml");
  Write("web.yaml", AppYaml("web"));
  Write("api.yml", AppYaml("api"));
  Write("broken.yaml", "name: broken\ncompute: {cpu: lots}\n");
  Write(".hidden.yaml", AppYaml("hidden"));
  Write("web.yaml~", AppYaml("backup"));
  Write(".web.yaml.swp", "binary");
  Write("notes.txt", "not a spec");
  Start();

  ASSERT_EQ(published().size(), 1u);
  ASSERT_TRUE(published()[0].has_spec_snapshot());
  const v1::SpecSnapshot& snapshot = published()[0].spec_snapshot();
  ASSERT_EQ(snapshot.specs_size(), 2);
  EXPECT_EQ(snapshot.specs(0).file(), PathOf("api.yml"));
  EXPECT_EQ(snapshot.specs(0).spec().name(), "api");
  EXPECT_EQ(snapshot.specs(1).spec().name(), "web");
  EXPECT_EQ(snapshot.specs(1).spec_hash().size(), 64u);
  ASSERT_EQ(snapshot.invalid_size(), 1);
  EXPECT_EQ(snapshot.invalid(0).file(), PathOf("broken.yaml"));
  EXPECT_EQ(snapshot.invalid(0).app(), "broken");
  // The sink numbers envelopes; the watcher sets only the payload.
  EXPECT_EQ(published()[0].sequence(), 1u);
  EXPECT_TRUE(published()[0].id().empty());
}

TEST_F(SpecWatcherTest, CreatesMissingDirectory) {
  fs::remove(dir_);
  Start();
  EXPECT_TRUE(fs::is_directory(dir_));
  ASSERT_EQ(published().size(), 1u);
  EXPECT_EQ(published()[0].spec_snapshot().specs_size(), 0);
}

TEST_F(SpecWatcherTest, StartFailsWhenTheDirectoryCannotBeUsed) {
  fs::remove(dir_);
  std::ofstream(dir_) << "a file, not a directory";
  SpecWatcher watcher(io_, dir_, sink_, clock_, Fast());
  Status status = watcher.Start();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(dir_));
  EXPECT_TRUE(published().empty());
}

TEST_F(SpecWatcherTest, PublishesOnlyWhatChanged) {
  Start();
  Write("web.yaml", AppYaml("web"));
  ASSERT_TRUE(RunUntilPublished(2));
  ASSERT_TRUE(published()[1].has_spec_changed());
  const v1::SpecChanged& changed = published()[1].spec_changed();
  EXPECT_EQ(changed.file(), PathOf("web.yaml"));
  EXPECT_EQ(changed.spec().name(), "web");
  const std::string first_hash = changed.spec_hash();

  // Rewritten identically, touched: rescanned, nothing published.
  Write("web.yaml", AppYaml("web"));
  ASSERT_TRUE(RunRescans());
  ASSERT_EQ(utimensat(AT_FDCWD, PathOf("web.yaml").c_str(), nullptr, 0), 0);  // touch
  ASSERT_TRUE(RunRescans());
  EXPECT_EQ(published().size(), 2u);

  // A real change: a new hash.
  Write("web.yaml", AppYaml("web", 9000));
  ASSERT_TRUE(RunUntilPublished(3));
  ASSERT_TRUE(published()[2].has_spec_changed());
  EXPECT_EQ(published()[2].spec_changed().spec().container().port(), 9000);
  EXPECT_NE(published()[2].spec_changed().spec_hash(), first_hash);
}

TEST_F(SpecWatcherTest, BrokenFixedAndDeleted) {
  Write("web.yaml", AppYaml("web"));
  Start();

  Write("web.yaml", "name: web\ncompute:\n  cpu: 512\n  memory: 3000\n");
  ASSERT_TRUE(RunUntilPublished(2));
  ASSERT_TRUE(published()[1].has_spec_invalid());
  const v1::SpecInvalid& invalid = published()[1].spec_invalid();
  EXPECT_EQ(invalid.file(), PathOf("web.yaml"));
  EXPECT_EQ(invalid.app(), "web");
  bool memory_error = false;
  for (const auto& e : invalid.errors()) {
    if (e.field() == "compute.memory" && e.line() == 4) memory_error = true;
  }
  EXPECT_TRUE(memory_error) << invalid.DebugString();

  // Broken beyond reading the name: still reported against the app.
  Write("web.yaml", "name: [web\n");
  ASSERT_TRUE(RunUntilPublished(3));
  ASSERT_TRUE(published()[2].has_spec_invalid());
  EXPECT_EQ(published()[2].spec_invalid().app(), "web");
  EXPECT_THAT(published()[2].spec_invalid().errors(0).message(), HasSubstr("invalid YAML"));

  // The same errors again: nothing new.
  Write("web.yaml", "name: [web\n");
  ASSERT_TRUE(RunRescans());
  EXPECT_EQ(published().size(), 3u);

  Write("web.yaml", AppYaml("web"));
  ASSERT_TRUE(RunUntilPublished(4));
  ASSERT_TRUE(published()[3].has_spec_changed());

  fs::remove(PathOf("web.yaml"));
  ASSERT_TRUE(RunUntilPublished(5));
  ASSERT_TRUE(published()[4].has_spec_removed());
  EXPECT_EQ(published()[4].spec_removed().file(), PathOf("web.yaml"));
  EXPECT_EQ(published()[4].spec_removed().app(), "web");

  watcher_->Resync();
  ASSERT_EQ(published().size(), 6u);
  EXPECT_EQ(published()[5].spec_snapshot().specs_size(), 0);
  EXPECT_EQ(published()[5].spec_snapshot().invalid_size(), 0);
}

TEST_F(SpecWatcherTest, DuplicateAppNameMakesTheLaterFileInvalid) {
  Write("a.yaml", AppYaml("web"));
  Write("b.yaml", AppYaml("web", 9000));
  Start();
  const v1::SpecSnapshot& snapshot = published()[0].spec_snapshot();
  ASSERT_EQ(snapshot.specs_size(), 1);
  EXPECT_EQ(snapshot.specs(0).file(), PathOf("a.yaml"));
  ASSERT_EQ(snapshot.invalid_size(), 1);
  const v1::SpecInvalid& duplicate = snapshot.invalid(0);
  EXPECT_EQ(duplicate.file(), PathOf("b.yaml"));
  EXPECT_EQ(duplicate.app(), "");  // web itself is fine
  ASSERT_EQ(duplicate.errors_size(), 1);
  EXPECT_EQ(duplicate.errors(0).field(), "name");
  EXPECT_THAT(duplicate.errors(0).message(),
              HasSubstr("app 'web' is already defined in " + PathOf("a.yaml")));

  // Once a.yaml is gone, b.yaml defines web: a move, not a removal.
  fs::remove(PathOf("a.yaml"));
  ASSERT_TRUE(RunUntilPublished(2));
  ASSERT_EQ(published().size(), 2u);
  ASSERT_TRUE(published()[1].has_spec_changed());
  EXPECT_EQ(published()[1].spec_changed().file(), PathOf("b.yaml"));
  EXPECT_EQ(published()[1].spec_changed().spec().container().port(), 9000);
}

TEST_F(SpecWatcherTest, TheFileThatDefinesAnAppKeepsIt) {
  Write("b.yaml", AppYaml("web"));
  Start();
  Write("a.yaml", AppYaml("web", 9000));  // sorts first, but b.yaml owns web
  ASSERT_TRUE(RunUntilPublished(2));
  ASSERT_TRUE(published()[1].has_spec_invalid());
  EXPECT_EQ(published()[1].spec_invalid().file(), PathOf("a.yaml"));
  EXPECT_THAT(published()[1].spec_invalid().errors(0).message(), HasSubstr(PathOf("b.yaml")));
  watcher_->Resync();
  ASSERT_EQ(published().size(), 3u);
  EXPECT_EQ(published()[2].spec_snapshot().specs(0).file(), PathOf("b.yaml"));
}

TEST_F(SpecWatcherTest, RapidWritesAreDebouncedIntoOnePublish) {
  Start();
  for (int port = 8000; port < 8050; ++port) Write("web.yaml", AppYaml("web", port));
  ASSERT_TRUE(RunUntilPublished(2));
  EXPECT_EQ(watcher_->stats().rescans, 2u);  // Start's and the burst's
  EXPECT_EQ(published()[1].spec_changed().spec().container().port(), 8049);
  // Nothing else was pending: the next envelope is Resync's snapshot.
  watcher_->Resync();
  ASSERT_EQ(published().size(), 3u);
  EXPECT_TRUE(published()[2].has_spec_snapshot());
}

TEST_F(SpecWatcherTest, AtomicRenameIsSeen) {
  Start();
  Write(".web.yaml.tmp", AppYaml("web"));
  fs::rename(PathOf(".web.yaml.tmp"), PathOf("web.yaml"));
  ASSERT_TRUE(RunUntilPublished(2));
  EXPECT_TRUE(published()[1].has_spec_changed());
}

TEST_F(SpecWatcherTest, RenamedAppRemovesTheOldOne) {
  Write("web.yaml", AppYaml("web"));
  Start();
  Write("web.yaml", AppYaml("site"));
  ASSERT_TRUE(RunUntilPublished(3));
  ASSERT_TRUE(published()[1].has_spec_removed());
  EXPECT_EQ(published()[1].spec_removed().app(), "web");
  ASSERT_TRUE(published()[2].has_spec_changed());
  EXPECT_EQ(published()[2].spec_changed().spec().name(), "site");
}

TEST_F(SpecWatcherTest, FailedPublishIsRetriedByTheNextRescan) {
  Start();
  sink_.failing = true;
  Write("web.yaml", AppYaml("web"));
  ASSERT_TRUE(RunRescans());
  EXPECT_EQ(published().size(), 1u);
  EXPECT_GE(watcher_->stats().publish_failures, 1u);

  sink_.failing = false;
  watcher_->Resync();
  ASSERT_EQ(published().size(), 3u);
  EXPECT_TRUE(published()[1].has_spec_changed());
  EXPECT_EQ(published()[2].spec_snapshot().specs_size(), 1);
}

TEST_F(SpecWatcherTest, SnapshotsArePeriodic) {
  SpecWatcher::Options options = Fast();
  options.snapshot_period = 30ms;
  Write("web.yaml", AppYaml("web"));
  Start(options);
  ASSERT_TRUE(RunUntilPublished(3));
  for (const auto& envelope : published()) {
    ASSERT_TRUE(envelope.has_spec_snapshot());
    EXPECT_EQ(envelope.spec_snapshot().specs_size(), 1);
  }
}

TEST_F(SpecWatcherTest, RecreatedDirectoryIsWatchedAgain) {
  Write("web.yaml", AppYaml("web"));
  Start();
  fs::remove_all(dir_);
  ASSERT_TRUE(
      RunUntil([&] { return !published().empty() && published().back().has_spec_removed(); }));
  EXPECT_EQ(published().back().spec_removed().app(), "web");
  ASSERT_TRUE(RunUntil([&] { return fs::is_directory(dir_); }));

  Write("api.yaml", AppYaml("api"));
  ASSERT_TRUE(RunUntil([&] {
    return published().back().has_spec_changed() &&
           published().back().spec_changed().spec().name() == "api";
  }));
}

TEST_F(SpecWatcherTest, StopAndDestroyWithHandlersPending) {
  Start();
  Write("web.yaml", AppYaml("web"));
  watcher_->Stop();
  watcher_->Stop();  // idempotent
  watcher_.reset();
  // Whatever was queued runs against nothing.
  io_.run_for(50ms);
  EXPECT_EQ(published().size(), 1u);
}

}  // namespace
}  // namespace wharf::watchers
