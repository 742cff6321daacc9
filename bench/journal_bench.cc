// Journal benchmarks: append throughput of a ~1 KiB record with and without
// fdatasync per append, and replay throughput of a 100k-record log (Open +
// Replay, files in the page cache). Files go to a temp dir under $TMPDIR
// (default /tmp): the synced numbers are those of that file system.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "controller/journal.h"

namespace wharf::controller {
namespace {

namespace fs = std::filesystem;

// An action transition of about 1 KiB serialized.
v1::JournalRecord KiBRecord(int64_t i) {
  v1::JournalRecord record;
  record.set_unix_ms(1'700'000'000'000 + i);
  auto* action = record.mutable_action();
  action->set_plan_id("plan-0123456789abcdef");
  action->set_action_id("ecs_service/shop-web/update");
  action->set_state(v1::ACTION_STATE_SUCCEEDED);
  action->set_attempt(1);
  action->mutable_result()->set_action_id("ecs_service/shop-web/update");
  action->mutable_result()->set_app("shop");
  action->mutable_result()->mutable_error()->set_message(std::string(930, 'x'));
  return record;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "wharf-journal-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::unique_ptr<Journal> OpenReplayed(const std::string& dir, Journal::Options options) {
  auto journal = Journal::Open(dir, options);
  if (!journal.ok() || !(*journal)->Replay([](const v1::JournalRecord&) {}).ok()) std::abort();
  return std::move(journal).value();
}

void BM_Append(benchmark::State& state) {
  TempDir dir;
  Journal::Options options;
  options.sync = state.range(0) != 0;
  options.compact_after_bytes = 64 << 20;
  auto journal = OpenReplayed(dir.Sub("journal"), options);
  const v1::JournalRecord record = KiBRecord(0);
  for (auto _ : state) {
    if (!journal->Append(record).ok()) {
      state.SkipWithError("append failed");
      break;
    }
    if (journal->ShouldCompact()) {  // keeps the file bounded; not timed
      state.PauseTiming();
      if (!journal->Compact({}).ok()) std::abort();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(record.ByteSizeLong() + Journal::kHeaderBytes));
}
BENCHMARK(BM_Append)->ArgName("sync")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_Replay(benchmark::State& state) {
  TempDir dir;
  const std::string path = dir.Sub("journal");
  Journal::Options options;
  options.sync = false;
  options.compact_after_bytes = ~uint64_t{0};
  uint64_t bytes = 0;
  {
    auto journal = OpenReplayed(path, options);
    for (int64_t i = 0; i < state.range(0); ++i) {
      if (!journal->Append(KiBRecord(i)).ok()) std::abort();
    }
    bytes = journal->log_bytes();
  }
  for (auto _ : state) {
    auto journal = Journal::Open(path, options);
    int64_t records = 0;
    if (!journal.ok() ||
        !(*journal)->Replay([&records](const v1::JournalRecord&) { ++records; }).ok() ||
        records != state.range(0)) {
      state.SkipWithError("replay failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Replay)->Arg(100'000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace wharf::controller

BENCHMARK_MAIN();
