#include "controller/journal.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/base/crc32c.h"

namespace wharf::controller {
namespace {

namespace fs = std::filesystem;

// Record `i`: an action transition whose size varies with i (frames of about
// 40 to 1100 bytes), with unix_ms == i so order is checkable.
v1::JournalRecord Record(int64_t i) {
  v1::JournalRecord record;
  record.set_unix_ms(i);
  auto* action = record.mutable_action();
  action->set_plan_id("plan-" + std::to_string(i / 10));
  action->set_action_id("action-" + std::to_string(i % 10));
  action->set_state(i % 2 == 0 ? v1::ACTION_STATE_DISPATCHED : v1::ACTION_STATE_SUCCEEDED);
  action->set_attempt(static_cast<uint32_t>(i));
  action->mutable_result()->mutable_error()->set_message(
      std::string(static_cast<size_t>(i * 37 % 1024), static_cast<char>('a' + i % 26)));
  return record;
}

v1::JournalRecord Observed(const std::string& name, bool deleted) {
  v1::JournalRecord record;
  record.set_unix_ms(7);
  record.mutable_observed()->mutable_resource()->mutable_ref()->set_name(name);
  record.mutable_observed()->set_deleted(deleted);
  return record;
}

std::string Frame(const std::string& payload) {
  std::string frame;
  for (uint32_t v : {static_cast<uint32_t>(payload.size()), Crc32c(payload)}) {
    for (int shift = 0; shift < 32; shift += 8) frame.push_back(static_cast<char>(v >> shift));
  }
  return frame + payload;
}

std::string Frame(const v1::JournalRecord& record) { return Frame(record.SerializeAsString()); }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

// Asserts `got` is Record(first), Record(first + 1), ... exactly.
void ExpectRecords(const std::vector<v1::JournalRecord>& got, int64_t first, int64_t count) {
  ASSERT_EQ(static_cast<int64_t>(got.size()), count);
  for (int64_t i = 0; i < count; ++i) {
    ASSERT_EQ(got[i].SerializeAsString(), Record(first + i).SerializeAsString()) << "record " << i;
  }
}

Journal::Options NoSync() {
  Journal::Options options;
  options.sync = false;
  return options;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wharf-journal-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = (root_ / "journal").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  fs::path LogPath() const { return fs::path(dir_) / Journal::kLogFile; }
  fs::path SnapshotPath() const { return fs::path(dir_) / Journal::kSnapshotFile; }

  std::unique_ptr<Journal> OpenJournal(Journal::Options options = NoSync()) {
    auto journal = Journal::Open(dir_, options);
    EXPECT_TRUE(journal.ok()) << journal.status().ToString();
    return journal.ok() ? std::move(journal).value() : nullptr;
  }

  // Opens and replays; the records replayed go to `records`.
  Status OpenAndReplay(std::unique_ptr<Journal>* journal, std::vector<v1::JournalRecord>* records,
                       Journal::Options options = NoSync()) {
    auto opened = Journal::Open(dir_, options);
    if (!opened.ok()) return opened.status();
    *journal = std::move(opened).value();
    records->clear();
    return (*journal)->Replay([records](const v1::JournalRecord& r) { records->push_back(r); });
  }

  // Writes records first..first+count-1 to a fresh journal; returns the log's
  // bytes and the offset of each frame.
  std::string WriteLog(int64_t count, std::vector<size_t>* frame_offsets = nullptr) {
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    EXPECT_TRUE(OpenAndReplay(&journal, &records).ok());
    for (int64_t i = 0; i < count; ++i) {
      if (frame_offsets != nullptr) frame_offsets->push_back(journal->log_bytes());
      EXPECT_TRUE(journal->Append(Record(i)).ok());
    }
    return ReadFile(LogPath());
  }

  fs::path root_;
  std::string dir_;
};

TEST_F(JournalTest, AppendedRecordsReplayInOrderAfterReopen) {
  {
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records, Journal::Options{}).ok());
    EXPECT_TRUE(records.empty());
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(journal->Append(Record(i)).ok());
    EXPECT_EQ(journal->log_bytes(), fs::file_size(LogPath()));
  }
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
  ExpectRecords(records, 0, 50);
  EXPECT_EQ(journal->torn_tail_bytes(), 0u);
  EXPECT_EQ(journal->log_bytes(), fs::file_size(LogPath()));
}

TEST_F(JournalTest, LogIsTheDocumentedFraming) {
  const std::string log = WriteLog(3);
  std::string expected;
  for (int i = 0; i < 3; ++i) expected += Frame(Record(i));
  EXPECT_EQ(log, expected);
}

TEST_F(JournalTest, WritesAreRefusedBeforeReplayAndReplayRunsOnce) {
  auto journal = OpenJournal();
  EXPECT_EQ(journal->Append(Record(0)).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(journal->Compact({}).code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(journal->Replay([](const v1::JournalRecord&) {}).ok());
  EXPECT_EQ(journal->Replay([](const v1::JournalRecord&) {}).code(),
            Status::Code::kFailedPrecondition);
  EXPECT_TRUE(journal->Append(Record(0)).ok());
}

TEST_F(JournalTest, ASecondJournalOnTheSameDirectoryIsRefused) {
  auto first = OpenJournal();
  auto second = Journal::Open(dir_, NoSync());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(LogPath().string()), std::string::npos);
  first.reset();
  EXPECT_TRUE(Journal::Open(dir_, NoSync()).ok());
}

TEST_F(JournalTest, EmptyAndOversizedRecordsAreRefusedAndChangeNothing) {
  Journal::Options options = NoSync();
  options.max_record_bytes = 100;
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  ASSERT_TRUE(OpenAndReplay(&journal, &records, options).ok());
  ASSERT_TRUE(journal->Append(Record(0)).ok());
  const uint64_t bytes = journal->log_bytes();
  EXPECT_EQ(journal->Append(v1::JournalRecord()).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(journal->Append(Record(3)).code(), Status::Code::kInvalidArgument);  // > 100 bytes
  EXPECT_EQ(journal->Compact({Record(0), Record(3)}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(journal->log_bytes(), bytes);
  EXPECT_EQ(fs::file_size(LogPath()), bytes);
  EXPECT_FALSE(fs::exists(SnapshotPath()));
  EXPECT_FALSE(fs::exists(fs::path(dir_) / Journal::kSnapshotTempFile));
  // Still usable: refusals are not I/O errors.
  EXPECT_TRUE(journal->Append(Record(1)).ok());
}

TEST_F(JournalTest, TornTailAtEveryCutPointOfTheLastFrameKeepsThePrefix) {
  std::vector<size_t> offsets;
  const std::string log = WriteLog(3, &offsets);
  const size_t last = offsets.back();
  for (size_t cut = last; cut <= log.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut) + " of " + std::to_string(log.size()));
    WriteFile(LogPath(), log.substr(0, cut));
    {
      std::unique_ptr<Journal> journal;
      std::vector<v1::JournalRecord> records;
      ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
      const bool whole = cut == log.size();
      ExpectRecords(records, 0, whole ? 3 : 2);
      EXPECT_EQ(journal->torn_tail_bytes(), whole ? 0 : cut - last);
      EXPECT_EQ(fs::file_size(LogPath()), whole ? log.size() : last);
      EXPECT_EQ(journal->log_bytes(), fs::file_size(LogPath()));
      ASSERT_TRUE(journal->Append(Record(whole ? 3 : 2)).ok());
      ASSERT_TRUE(journal->Append(Record(whole ? 4 : 3)).ok());
    }
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
    ExpectRecords(records, 0, cut == log.size() ? 5 : 4);
    EXPECT_EQ(journal->torn_tail_bytes(), 0u);
  }
}

TEST_F(JournalTest, ZerosWhereTheFileGrewAreATornTail) {
  const std::string log = WriteLog(3);
  WriteFile(LogPath(), log + std::string(4096, '\0'));
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
  ExpectRecords(records, 0, 3);
  EXPECT_EQ(journal->torn_tail_bytes(), 4096u);
  EXPECT_EQ(fs::file_size(LogPath()), log.size());
}

TEST_F(JournalTest, AFlippedByteInTheLastFrameIsATornTail) {
  std::vector<size_t> offsets;
  const std::string log = WriteLog(3, &offsets);
  for (size_t at = offsets.back(); at < log.size(); ++at) {
    SCOPED_TRACE("byte " + std::to_string(at));
    std::string damaged = log;
    damaged[at] ^= 0x5A;
    WriteFile(LogPath(), damaged);
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
    ExpectRecords(records, 0, 2);
    EXPECT_EQ(journal->torn_tail_bytes(), log.size() - offsets.back());
    ASSERT_TRUE(journal->Append(Record(2)).ok());
    EXPECT_EQ(ReadFile(LogPath()), log);
  }
}

TEST_F(JournalTest, AFlippedByteInAMiddleFrameIsReportedAndChangesNothing) {
  std::vector<size_t> offsets;
  const std::string log = WriteLog(3, &offsets);
  for (size_t at = offsets[1]; at < offsets[2]; ++at) {
    SCOPED_TRACE("byte " + std::to_string(at));
    std::string damaged = log;
    damaged[at] ^= 0x5A;
    WriteFile(LogPath(), damaged);
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    const Status replayed = OpenAndReplay(&journal, &records);
    EXPECT_EQ(replayed.code(), Status::Code::kFailedPrecondition);
    EXPECT_NE(replayed.message().find(LogPath().string()), std::string::npos) << replayed.message();
    EXPECT_NE(replayed.message().find("byte offset " + std::to_string(offsets[1])),
              std::string::npos)
        << replayed.message();
    EXPECT_TRUE(records.empty()) << "nothing is visited from a corrupt journal";
    EXPECT_EQ(ReadFile(LogPath()), damaged);
    EXPECT_EQ(journal->Append(Record(3)).code(), Status::Code::kFailedPrecondition);
    EXPECT_EQ(journal->Compact({}).code(), Status::Code::kFailedPrecondition);
    EXPECT_EQ(ReadFile(LogPath()), damaged);
  }
}

TEST_F(JournalTest, AnAbsurdLengthIsCorruptionInTheMiddleAndATornTailAtTheEnd) {
  const std::string valid = WriteLog(2);
  const std::string absurd_header("\xF0\xFF\xFF\xFF\x00\x00\x00\x00", 8);
  {
    WriteFile(LogPath(), valid + absurd_header + Frame(Record(2)));
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    const Status replayed = OpenAndReplay(&journal, &records);
    EXPECT_EQ(replayed.code(), Status::Code::kFailedPrecondition);
    EXPECT_NE(replayed.message().find("byte offset " + std::to_string(valid.size())),
              std::string::npos)
        << replayed.message();
    EXPECT_NE(replayed.message().find("over the limit"), std::string::npos) << replayed.message();
  }
  {
    WriteFile(LogPath(), valid + absurd_header + "some bytes");
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
    ExpectRecords(records, 0, 2);
    EXPECT_EQ(journal->torn_tail_bytes(), absurd_header.size() + 10);
  }
}

TEST_F(JournalTest, AnAbsurdLengthDoesNotAllocate) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit allows";
#endif
  const std::string valid = WriteLog(2);
  // No limit from the options: only the file's size bounds the length.
  Journal::Options options = NoSync();
  options.max_record_bytes = 0xFFFFFFFF;
  WriteFile(LogPath(),
            valid + std::string("\x00\xFF\xFF\xFF\x00\x00\x00\x00", 8) + std::string(4096, 'x'));
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // A 4 GiB allocation fails under this limit (std::bad_alloc).
    const rlimit limit{512u << 20, 512u << 20};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(2);
    // No exception may escape into the rest of the test program.
    try {
      auto journal = Journal::Open(dir_, options);
      if (!journal.ok()) ::_exit(3);
      int count = 0;
      const Status replayed = (*journal)->Replay([&count](const v1::JournalRecord&) { ++count; });
      ::_exit(replayed.ok() && count == 2 && (*journal)->torn_tail_bytes() == 8 + 4096 ? 0 : 4);
    } catch (...) {
      ::_exit(5);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(JournalTest, AValidChecksumOverAnUnparsablePayloadIsReported) {
  const std::string valid = WriteLog(1);
  WriteFile(LogPath(), valid + Frame(std::string("\xFF\xFF\xFF", 3)) + Frame(Record(1)));
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  const Status replayed = OpenAndReplay(&journal, &records);
  EXPECT_EQ(replayed.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(replayed.message().find("byte offset " + std::to_string(valid.size())),
            std::string::npos)
      << replayed.message();
  EXPECT_EQ(journal->Append(Record(2)).code(), Status::Code::kFailedPrecondition);
}

TEST_F(JournalTest, CompactionThenReplayIsTheSnapshotThenLaterAppends) {
  Journal::Options options;  // sync on: exercises every fsync of Compact()
  options.compact_after_bytes = 2000;
  {
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records, options).ok());
    EXPECT_FALSE(journal->ShouldCompact());
    int64_t i = 0;
    while (!journal->ShouldCompact()) ASSERT_TRUE(journal->Append(Record(i++)).ok());
    EXPECT_GT(journal->log_bytes(), 2000u);
    ASSERT_TRUE(journal->Compact({Record(100), Record(101), Record(102)}).ok());
    EXPECT_FALSE(journal->ShouldCompact());
    EXPECT_EQ(journal->log_bytes(), 0u);
    EXPECT_EQ(fs::file_size(LogPath()), 0u);
    EXPECT_FALSE(fs::exists(fs::path(dir_) / Journal::kSnapshotTempFile));
    ASSERT_TRUE(journal->Append(Record(103)).ok());
    ASSERT_TRUE(journal->Append(Record(104)).ok());
  }
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  ASSERT_TRUE(OpenAndReplay(&journal, &records, options).ok());
  ExpectRecords(records, 100, 5);
  // A second compaction replaces the first snapshot.
  ASSERT_TRUE(journal->Compact({Record(200)}).ok());
  ASSERT_TRUE(journal->Append(Record(201)).ok());
  journal.reset();
  ASSERT_TRUE(OpenAndReplay(&journal, &records, options).ok());
  ExpectRecords(records, 200, 2);
}

TEST_F(JournalTest, ACorruptSnapshotIsReportedEvenAtItsEnd) {
  {
    auto journal = OpenJournal();
    ASSERT_TRUE(journal->Replay([](const v1::JournalRecord&) {}).ok());
    ASSERT_TRUE(journal->Compact({Record(0), Record(1)}).ok());
    ASSERT_TRUE(journal->Append(Record(2)).ok());
  }
  const std::string snapshot = ReadFile(SnapshotPath());
  WriteFile(SnapshotPath(), snapshot.substr(0, snapshot.size() - 1));
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  const Status replayed = OpenAndReplay(&journal, &records);
  EXPECT_EQ(replayed.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(replayed.message().find(SnapshotPath().string()), std::string::npos);
  EXPECT_TRUE(records.empty());
}

// A crash in Compact() before the rename: the temp file (whole or partial)
// is left behind, the old snapshot and log are intact.
TEST_F(JournalTest, ACrashBeforeTheSnapshotRenameReplaysTheOldState) {
  {
    auto journal = OpenJournal();
    ASSERT_TRUE(journal->Replay([](const v1::JournalRecord&) {}).ok());
    ASSERT_TRUE(journal->Compact({Record(0)}).ok());
    ASSERT_TRUE(journal->Append(Record(1)).ok());
    ASSERT_TRUE(journal->Append(Record(2)).ok());
  }
  const std::string whole = Frame(Record(50)) + Frame(Record(51));
  for (const std::string& temp : {whole, whole.substr(0, whole.size() - 3)}) {
    WriteFile(fs::path(dir_) / Journal::kSnapshotTempFile, temp);
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
    ExpectRecords(records, 0, 3);
    EXPECT_FALSE(fs::exists(fs::path(dir_) / Journal::kSnapshotTempFile));
  }
}

// The caller's state, folded from records the way the controller must:
// each record assigns a value, so replaying a record twice changes nothing.
struct FoldedState {
  std::map<std::string, std::pair<int, uint32_t>> actions;  // plan/action -> state, attempt
  std::map<std::string, bool> resources;                    // name -> deleted

  void Apply(const v1::JournalRecord& record) {
    if (record.has_action()) {
      actions[record.action().plan_id() + "/" + record.action().action_id()] = {
          record.action().state(), record.action().attempt()};
    } else if (record.has_observed()) {
      resources[record.observed().resource().ref().name()] = record.observed().deleted();
    }
  }
  std::vector<v1::JournalRecord> Snapshot() const {
    std::vector<v1::JournalRecord> records;
    for (const auto& [key, value] : actions) {
      v1::JournalRecord record;
      record.mutable_action()->set_plan_id(key.substr(0, key.find('/')));
      record.mutable_action()->set_action_id(key.substr(key.find('/') + 1));
      record.mutable_action()->set_state(static_cast<v1::ActionState>(value.first));
      record.mutable_action()->set_attempt(value.second);
      records.push_back(record);
    }
    for (const auto& [name, deleted] : resources) records.push_back(Observed(name, deleted));
    return records;
  }
  bool operator==(const FoldedState&) const = default;
};

// A crash in Compact() after the rename, before the log is truncated: the
// new snapshot is followed by the old log, whose records it already holds.
TEST_F(JournalTest, ACrashAfterTheRenameBeforeTheLogTruncationReplaysToTheSameState) {
  std::vector<v1::JournalRecord> appended;
  for (int i = 0; i < 25; ++i) appended.push_back(Record(i));
  appended.push_back(Observed("shop-web", false));
  appended.push_back(Observed("shop-db", false));
  appended.push_back(Observed("shop-db", true));
  FoldedState state;
  std::string old_log;
  for (const auto& record : appended) {
    state.Apply(record);
    old_log += Frame(record);
  }
  // What a completed Compact() leaves, to compare with.
  {
    auto journal = OpenJournal();
    ASSERT_TRUE(journal->Replay([](const v1::JournalRecord&) {}).ok());
    for (const auto& record : appended) ASSERT_TRUE(journal->Append(record).ok());
    ASSERT_TRUE(journal->Compact(state.Snapshot()).ok());
  }
  FoldedState compacted;
  {
    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
    for (const auto& record : records) compacted.Apply(record);
  }
  EXPECT_EQ(compacted, state);
  // The crash: the old log back in place behind the new snapshot.
  WriteFile(LogPath(), old_log);
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
  EXPECT_EQ(records.size(), state.Snapshot().size() + appended.size());
  FoldedState replayed;
  for (const auto& record : records) replayed.Apply(record);
  EXPECT_EQ(replayed, state);
}

// Appends Record(n), Record(n + 1), ... with sync on after replaying n
// records, and writes each n to `acks` once Append() returned. Runs in a
// forked child; the exit code says what went wrong.
[[noreturn]] void AppendUntilKilled(const std::string& dir, int acks, int max_records) {
  auto journal = Journal::Open(dir, Journal::Options{});
  if (!journal.ok()) ::_exit(2);
  int64_t next = 0;
  if (!(*journal)->Replay([&next](const v1::JournalRecord&) { ++next; }).ok()) ::_exit(3);
  for (int i = 0; i < max_records; ++i, ++next) {
    if (!(*journal)->Append(Record(next)).ok()) ::_exit(4);
    if (::write(acks, &next, sizeof(next)) != sizeof(next)) ::_exit(5);
  }
  ::_exit(0);
}

TEST_F(JournalTest, AKilledWriterLosesNoAcknowledgedRecordAndLeavesNoGarbage) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_us(0, 20'000);
  int64_t expected = 0;  // records in the journal so far
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int acks[2];
    ASSERT_EQ(::pipe(acks), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(acks[0]);
      try {
        AppendUntilKilled(dir_, acks[1], 5'000);
      } catch (...) {
        ::_exit(6);
      }
    }
    ::close(acks[1]);
    // Blocks until the first record is durable (or the child failed).
    int64_t acked = -1;
    ASSERT_EQ(::read(acks[0], &acked, sizeof(acked)), static_cast<ssize_t>(sizeof(acked)));
    EXPECT_EQ(acked, expected);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
        << "child failed with exit code " << WEXITSTATUS(status);
    for (int64_t n; ::read(acks[0], &n, sizeof(n)) == static_cast<ssize_t>(sizeof(n));) acked = n;
    ::close(acks[0]);

    std::unique_ptr<Journal> journal;
    std::vector<v1::JournalRecord> records;
    ASSERT_TRUE(OpenAndReplay(&journal, &records, Journal::Options{}).ok());
    // Every acknowledged record, plus at most the one in flight at the kill.
    ASSERT_GE(static_cast<int64_t>(records.size()), acked + 1);
    ASSERT_LE(static_cast<int64_t>(records.size()), acked + 2);
    ExpectRecords(records, 0, static_cast<int64_t>(records.size()));
    expected = static_cast<int64_t>(records.size());
  }
  // Appending after the last reopen continues the sequence.
  std::unique_ptr<Journal> journal;
  std::vector<v1::JournalRecord> records;
  ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
  ASSERT_TRUE(journal->Append(Record(expected)).ok());
  journal.reset();
  ASSERT_TRUE(OpenAndReplay(&journal, &records).ok());
  ExpectRecords(records, 0, expected + 1);
}

}  // namespace
}  // namespace wharf::controller
