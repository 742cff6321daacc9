#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/base/status.h"
#include "wharf/v1/journal.pb.h"

namespace wharf::controller {

// The controller's write-ahead journal: every plan and action transition is
// appended, and durable, before the controller acts on it, so a controller
// killed at any instant replays the journal on restart and resumes with no
// lost step.
//
// Files. A directory holds `snapshot` (records written by the last Compact())
// and `log` (records appended since). Both are sequences of frames:
//   u32 LE payload length | u32 LE CRC-32C of the payload | payload
// where the payload is one serialized v1::JournalRecord of 1 to
// Options::max_record_bytes bytes. `snapshot.tmp` exists only while Compact()
// runs; Open() deletes a leftover one.
//
// Use. Open(), then Replay() exactly once (it validates the files and repairs
// a torn tail), then Append() and, when ShouldCompact(), Compact() with the
// caller's full state. Append() and Compact() fail with FAILED_PRECONDITION
// until Replay() has succeeded.
//
// Idempotent replay (the caller's contract). A crash inside Compact() after
// the new snapshot is in place but before the log is truncated leaves the new
// snapshot followed by the old log, whose records the snapshot already
// reflects. Records must therefore be state assignments ("action X of plan P
// is SUCCEEDED", "resource R is as follows"), never deltas ("one more
// attempt"): applying the old log on top of a snapshot taken at its end must
// give the same state as applying it once.
//
// Corruption policy (Replay()). A frame is valid when its header is complete,
// its length is within 1..max_record_bytes and fits in the file, and its CRC
// matches. In `log`, at the first frame that is not valid:
// - if no valid frame starts anywhere after it, the bytes from there to the
//   end of the file are a torn tail: what a crash in the middle of the last
//   Append() leaves (a prefix of one frame, or zeros where the file grew but
//   the data never reached the disk). It is truncated away (and the truncation
//   made durable), counted in torn_tail_bytes(), and Replay() succeeds with
//   the records before it. Such a record was never acknowledged: Append()
//   returns only after its frame is durable.
// - if a valid frame starts after it, the file was damaged after it was
//   written (a torn write can only be the last frame). Dropping the later
//   records would silently lose acknowledged steps, so Replay() fails with
//   FAILED_PRECONDITION naming the file and the byte offset of the bad frame,
//   changes no file, calls `visit` for nothing, and the journal refuses
//   Append() and Compact(). An operator decides (e.g. truncate the log at that
//   offset by hand, accepting the loss).
// `snapshot` is installed by an atomic rename of a fully synced file, so it
// has no torn tail: any invalid frame there is reported the same way.
// A frame whose CRC matches but whose payload does not parse (a record from
// an incompatible version) also fails Replay(), after `visit` has seen the
// records before it.
// A length field is checked against max_record_bytes and the file size before
// anything is read, so a corrupt length never causes a large allocation.
//
// I/O errors. Errors carry the path and the errno text. After a failed write,
// sync or truncate the journal no longer knows what is on disk (a failed
// fsync may have dropped dirty pages), so every later Append() and Compact()
// fails with the first error; the owner restarts from Open() and Replay().
//
// Open() takes an exclusive flock() on `log`: a second Journal on the same
// directory, in this process or another, fails to open.
//
// Not thread-safe: owned by the controller's io thread.
class Journal {
 public:
  struct Options {
    // fdatasync() after every Append() (and fsync on Compact()). Only tests
    // and benchmarks turn this off.
    bool sync = true;
    // Larger records are refused by Append(); larger length fields are
    // corruption.
    uint32_t max_record_bytes = 16 << 20;
    // ShouldCompact() once the log holds more than this.
    uint64_t compact_after_bytes = 4 << 20;
  };

  static constexpr char kSnapshotFile[] = "snapshot";
  static constexpr char kSnapshotTempFile[] = "snapshot.tmp";
  static constexpr char kLogFile[] = "log";
  // Frame header: payload length and CRC-32C, both u32 LE.
  static constexpr size_t kHeaderBytes = 8;

  // Opens the journal in `dir`, creating the directory (and an empty log) if
  // missing. Does not read the records: call Replay().
  static Result<std::unique_ptr<Journal>> Open(const std::string& dir, Options options);
  static Result<std::unique_ptr<Journal>> Open(const std::string& dir) {
    return Open(dir, Options{});
  }

  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Calls `visit` with every record of the snapshot, then of the log, in the
  // order they were written, and applies the corruption policy above.
  // Preconditions: called once, before Append() and Compact().
  Status Replay(const std::function<void(const v1::JournalRecord&)>& visit);

  // Appends `record` as one frame with one write(), then (if options.sync)
  // fdatasync(). Returns OK only once the record is durable. A record that
  // serializes to nothing or to more than max_record_bytes is INVALID_ARGUMENT
  // and leaves the journal unchanged.
  Status Append(const v1::JournalRecord& record);

  // Replaces the snapshot with `snapshot` (the caller's whole state as
  // records, reflecting every record appended so far) and empties the log:
  // write snapshot.tmp, fsync it, rename it over snapshot, fsync the
  // directory, truncate the log, fdatasync it. A crash at any point leaves
  // either the old snapshot and log, or the new snapshot and a log that is
  // empty or the old one (harmless given idempotent replay, see above).
  Status Compact(const std::vector<v1::JournalRecord>& snapshot);

  // The log outgrew options.compact_after_bytes; the caller should Compact().
  bool ShouldCompact() const { return log_bytes_ > options_.compact_after_bytes; }

  // Bytes in the log (valid frames only, once Replay() has run).
  uint64_t log_bytes() const { return log_bytes_; }
  // Bytes of torn tail that Replay() truncated from the log.
  uint64_t torn_tail_bytes() const { return torn_tail_bytes_; }
  const std::string& dir() const { return dir_; }

 private:
  Journal(std::string dir, Options options, int dir_fd, int log_fd, uint64_t log_bytes);

  // Remembers `status` as the error every later Append()/Compact() returns.
  Status Fail(Status status);
  // OK when Append()/Compact() may run.
  Status CheckWritable() const;
  // Appends the frame of `record` to `out`, or INVALID_ARGUMENT.
  Status EncodeFrame(const v1::JournalRecord& record, std::string* out) const;
  Status WriteSnapshotTemp(const std::vector<v1::JournalRecord>& snapshot,
                           const std::string& temp_path);

  const std::string dir_;
  const Options options_;
  const std::string snapshot_path_;
  const std::string log_path_;
  const int dir_fd_;  // owned; for fsync of the directory
  const int log_fd_;  // owned; O_APPEND, flock()ed
  uint64_t log_bytes_;
  uint64_t torn_tail_bytes_ = 0;
  bool replayed_ = false;
  Status broken_;      // not OK once an I/O error or corruption was met
  std::string frame_;  // Append()'s scratch buffer
};

}  // namespace wharf::controller
