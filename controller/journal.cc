#include "controller/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "common/base/crc32c.h"

namespace wharf::controller {
namespace {

constexpr uint64_t kNoFrame = ~uint64_t{0};
// Compact() writes the snapshot in chunks of about this size.
constexpr size_t kSnapshotWriteChunk = 1 << 20;

std::string ErrnoText(int err) { return std::system_category().message(err); }

Status IoError(std::string_view op, const std::string& path, int err) {
  return Status::Internal("journal: " + std::string(op) + " " + path + ": " + ErrnoText(err));
}

uint32_t LoadLe32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

void StoreLe32(uint32_t v, char* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

// A read-only mapping of a whole file (empty for an empty file).
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() {
    if (addr_ != nullptr) ::munmap(addr_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  Status Map(int fd, const std::string& path) {
    struct stat st;
    if (::fstat(fd, &st) != 0) return IoError("fstat", path, errno);
    size_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) return Status::Ok();
    void* addr = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) return IoError("mmap", path, errno);
    addr_ = addr;
    return Status::Ok();
  }

  std::string_view data() const {
    return addr_ == nullptr ? std::string_view()
                            : std::string_view(static_cast<char*>(addr_), size_);
  }

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
};

enum class Defect { kNone, kShortHeader, kZeroLength, kOverLimit, kPastEnd, kChecksum };

// Whether the frame at `offset` is valid. Allocates nothing.
Defect FrameDefect(std::string_view file, uint64_t offset, uint32_t max_record_bytes) {
  if (file.size() - offset < Journal::kHeaderBytes) return Defect::kShortHeader;
  const uint32_t length = LoadLe32(file.data() + offset);
  if (length == 0) return Defect::kZeroLength;
  if (length > max_record_bytes) return Defect::kOverLimit;
  if (file.size() - offset - Journal::kHeaderBytes < length) return Defect::kPastEnd;
  const uint32_t crc = LoadLe32(file.data() + offset + 4);
  if (Crc32c(file.substr(offset + Journal::kHeaderBytes, length)) != crc) return Defect::kChecksum;
  return Defect::kNone;
}

std::string DescribeDefect(Defect defect, std::string_view file, uint64_t offset,
                           uint32_t max_record_bytes) {
  const auto length = [&] { return std::to_string(LoadLe32(file.data() + offset)); };
  switch (defect) {
    case Defect::kNone:
      return "valid";
    case Defect::kShortHeader:
      return "short header";
    case Defect::kZeroLength:
      return "zero length";
    case Defect::kOverLimit:
      return "length " + length() + " over the limit of " + std::to_string(max_record_bytes);
    case Defect::kPastEnd:
      return "length " + length() + " past the end of the file";
    case Defect::kChecksum:
      return "checksum mismatch";
  }
  return "unknown defect";
}

// The framing of one file: where its valid frames end and, if they do not
// reach the end of the file, why not and where the next valid frame starts.
struct FrameScan {
  uint64_t valid_end = 0;
  std::string defect;              // empty when valid_end == file size
  uint64_t next_valid = kNoFrame;  // a valid frame after valid_end, if any
};

FrameScan ScanFrames(std::string_view file, uint32_t max_record_bytes) {
  FrameScan scan;
  uint64_t offset = 0;
  while (offset < file.size()) {
    const Defect defect = FrameDefect(file, offset, max_record_bytes);
    if (defect != Defect::kNone) {
      scan.defect = DescribeDefect(defect, file, offset, max_record_bytes);
      break;
    }
    offset += Journal::kHeaderBytes + LoadLe32(file.data() + offset);
  }
  scan.valid_end = offset;
  if (offset == file.size()) return scan;
  // Runs only after a crash or damage. Most candidate offsets fail on the
  // length check; a checksum is computed only for a plausible length.
  for (uint64_t candidate = offset + 1; candidate + Journal::kHeaderBytes < file.size();
       ++candidate) {
    if (FrameDefect(file, candidate, max_record_bytes) == Defect::kNone) {
      scan.next_valid = candidate;
      break;
    }
  }
  return scan;
}

Status Corrupt(const std::string& path, const FrameScan& scan, std::string_view why) {
  return Status::FailedPrecondition("journal file " + path + " is corrupt at byte offset " +
                                    std::to_string(scan.valid_end) + " (" + scan.defect + "); " +
                                    std::string(why));
}

// Calls `visit` for each frame in file[0, end), which ScanFrames() found valid.
Status VisitFrames(std::string_view file, uint64_t end, const std::string& path,
                   const std::function<void(const v1::JournalRecord&)>& visit) {
  v1::JournalRecord record;
  uint64_t offset = 0;
  while (offset < end) {
    const uint32_t length = LoadLe32(file.data() + offset);
    if (!record.ParseFromArray(file.data() + offset + Journal::kHeaderBytes,
                               static_cast<int>(length))) {
      return Status::FailedPrecondition("journal file " + path + ": the record at byte offset " +
                                        std::to_string(offset) +
                                        " has a valid checksum but does not parse");
    }
    visit(record);
    offset += Journal::kHeaderBytes + length;
  }
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SyncDir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open", path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : IoError("fsync", path, err);
}

// mkdir -p, making each directory it creates durable in its parent.
Status CreateDirs(const std::string& dir) {
  std::filesystem::path prefix;
  for (const auto& part : std::filesystem::path(dir)) {
    prefix /= part;
    if (part.empty() || part == "/" || part == "." || part == "..") continue;
    if (::mkdir(prefix.c_str(), 0755) == 0) {
      const std::filesystem::path parent = prefix.parent_path();
      WHARF_RETURN_IF_ERROR(SyncDir(parent.empty() ? "." : parent.string()));
      continue;
    }
    if (errno != EEXIST) return IoError("mkdir", prefix.string(), errno);
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return IoError("stat", dir, errno);
  if (!S_ISDIR(st.st_mode))
    return Status::InvalidArgument("journal: " + dir + " is not a directory");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& dir, Options options) {
  if (dir.empty()) return Status::InvalidArgument("journal: empty directory name");
  WHARF_RETURN_IF_ERROR(CreateDirs(dir));
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return IoError("open", dir, errno);
  const std::string log_path = dir + "/" + kLogFile;
  const int log_fd = ::open(log_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    const int err = errno;
    ::close(dir_fd);
    return IoError("open", log_path, err);
  }
  // Owns the fds from here on, and closes them on every error below.
  std::unique_ptr<Journal> journal(new Journal(dir, options, dir_fd, log_fd, 0));
  if (::flock(log_fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::FailedPrecondition("journal: " + log_path +
                                        " is in use by another Journal (flock)");
    }
    return IoError("flock", log_path, errno);
  }
  // Only the lock holder may remove a leftover of an interrupted Compact().
  const std::string temp_path = dir + "/" + kSnapshotTempFile;
  if (::unlink(temp_path.c_str()) != 0 && errno != ENOENT) {
    return IoError("unlink", temp_path, errno);
  }
  struct stat st;
  if (::fstat(log_fd, &st) != 0) return IoError("fstat", log_path, errno);
  journal->log_bytes_ = static_cast<uint64_t>(st.st_size);
  // Makes the log's creation and the temp file's removal durable.
  if (options.sync && ::fsync(dir_fd) != 0) return IoError("fsync", dir, errno);
  return journal;
}

Journal::Journal(std::string dir, Options options, int dir_fd, int log_fd, uint64_t log_bytes)
    : dir_(std::move(dir)),
      options_(options),
      snapshot_path_(dir_ + "/" + kSnapshotFile),
      log_path_(dir_ + "/" + kLogFile),
      dir_fd_(dir_fd),
      log_fd_(log_fd),
      log_bytes_(log_bytes) {}

Journal::~Journal() {
  ::close(log_fd_);
  ::close(dir_fd_);
}

Status Journal::Replay(const std::function<void(const v1::JournalRecord&)>& visit) {
  if (replayed_) return Status::FailedPrecondition("journal: Replay() called twice");
  if (!broken_.ok()) return broken_;

  MappedFile snapshot;
  const int snapshot_fd = ::open(snapshot_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (snapshot_fd >= 0) {
    const Status mapped = snapshot.Map(snapshot_fd, snapshot_path_);
    ::close(snapshot_fd);  // the mapping stays valid
    WHARF_RETURN_IF_ERROR(mapped);
  } else if (errno != ENOENT) {
    return IoError("open", snapshot_path_, errno);
  }
  const FrameScan snapshot_scan = ScanFrames(snapshot.data(), options_.max_record_bytes);
  if (snapshot_scan.valid_end != snapshot.data().size()) {
    return Fail(Corrupt(snapshot_path_, snapshot_scan,
                        "a snapshot is installed whole, so it cannot have a torn tail"));
  }

  MappedFile log;
  WHARF_RETURN_IF_ERROR(log.Map(log_fd_, log_path_));
  const FrameScan log_scan = ScanFrames(log.data(), options_.max_record_bytes);
  if (log_scan.next_valid != kNoFrame) {
    return Fail(Corrupt(log_path_, log_scan,
                        "a valid frame follows at byte offset " +
                            std::to_string(log_scan.next_valid) +
                            ", so this is damage, not a torn tail; nothing was changed"));
  }
  if (log_scan.valid_end != log.data().size()) {
    if (::ftruncate(log_fd_, static_cast<off_t>(log_scan.valid_end)) != 0) {
      return Fail(IoError("ftruncate", log_path_, errno));
    }
    if (options_.sync && ::fdatasync(log_fd_) != 0) {
      return Fail(IoError("fdatasync", log_path_, errno));
    }
    torn_tail_bytes_ = log.data().size() - log_scan.valid_end;
  }
  log_bytes_ = log_scan.valid_end;

  WHARF_RETURN_IF_ERROR(
      Fail(VisitFrames(snapshot.data(), snapshot_scan.valid_end, snapshot_path_, visit)));
  WHARF_RETURN_IF_ERROR(Fail(VisitFrames(log.data(), log_scan.valid_end, log_path_, visit)));
  replayed_ = true;
  return Status::Ok();
}

Status Journal::Append(const v1::JournalRecord& record) {
  WHARF_RETURN_IF_ERROR(CheckWritable());
  frame_.clear();
  WHARF_RETURN_IF_ERROR(EncodeFrame(record, &frame_));
  // O_APPEND: the frame lands at the end even after a Compact() truncation.
  WHARF_RETURN_IF_ERROR(Fail(WriteAll(log_fd_, frame_, log_path_)));
  if (options_.sync && ::fdatasync(log_fd_) != 0) {
    return Fail(IoError("fdatasync", log_path_, errno));
  }
  log_bytes_ += frame_.size();
  return Status::Ok();
}

Status Journal::Compact(const std::vector<v1::JournalRecord>& snapshot) {
  WHARF_RETURN_IF_ERROR(CheckWritable());
  const std::string temp_path = dir_ + "/" + kSnapshotTempFile;
  // Until the rename, a failure leaves the old snapshot and log untouched.
  if (Status written = WriteSnapshotTemp(snapshot, temp_path); !written.ok()) {
    ::unlink(temp_path.c_str());
    return written;
  }
  if (::rename(temp_path.c_str(), snapshot_path_.c_str()) != 0) {
    return Fail(IoError("rename " + temp_path + " to", snapshot_path_, errno));
  }
  // The new snapshot must be durable before the log it replaces is emptied.
  if (options_.sync && ::fsync(dir_fd_) != 0) return Fail(IoError("fsync", dir_, errno));
  if (::ftruncate(log_fd_, 0) != 0) return Fail(IoError("ftruncate", log_path_, errno));
  if (options_.sync && ::fdatasync(log_fd_) != 0) {
    return Fail(IoError("fdatasync", log_path_, errno));
  }
  log_bytes_ = 0;
  return Status::Ok();
}

Status Journal::WriteSnapshotTemp(const std::vector<v1::JournalRecord>& snapshot,
                                  const std::string& temp_path) {
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("open", temp_path, errno);
  Status status;
  std::string chunk;
  for (const v1::JournalRecord& record : snapshot) {
    status = EncodeFrame(record, &chunk);
    if (!status.ok()) break;
    if (chunk.size() >= kSnapshotWriteChunk) {
      status = WriteAll(fd, chunk, temp_path);
      if (!status.ok()) break;
      chunk.clear();
    }
  }
  if (status.ok()) status = WriteAll(fd, chunk, temp_path);
  if (status.ok() && options_.sync && ::fsync(fd) != 0) status = IoError("fsync", temp_path, errno);
  if (::close(fd) != 0 && status.ok()) status = IoError("close", temp_path, errno);
  return status;
}

Status Journal::EncodeFrame(const v1::JournalRecord& record, std::string* out) const {
  const size_t length = record.ByteSizeLong();
  if (length == 0) {
    // An all-zero header (what a crash can leave where the file grew) must
    // never read as a record.
    return Status::InvalidArgument("journal: an empty record (no entry, no time) is not written");
  }
  if (length > options_.max_record_bytes) {
    return Status::InvalidArgument("journal: record of " + std::to_string(length) +
                                   " bytes is over the limit of " +
                                   std::to_string(options_.max_record_bytes));
  }
  const size_t header_at = out->size();
  out->resize(header_at + kHeaderBytes + length);
  char* payload = out->data() + header_at + kHeaderBytes;
  if (!record.SerializeToArray(payload, static_cast<int>(length))) {
    out->resize(header_at);
    return Status::Internal("journal: record did not serialize");
  }
  StoreLe32(static_cast<uint32_t>(length), out->data() + header_at);
  StoreLe32(Crc32cExtend(0, payload, length), out->data() + header_at + 4);
  return Status::Ok();
}

Status Journal::CheckWritable() const {
  if (!broken_.ok()) return broken_;
  if (!replayed_) {
    return Status::FailedPrecondition("journal: Replay() must succeed before writing");
  }
  return Status::Ok();
}

Status Journal::Fail(Status status) {
  if (!status.ok() && broken_.ok()) broken_ = status;
  return status;
}

}  // namespace wharf::controller
