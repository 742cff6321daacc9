#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/base/asio.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus::testing {

// Runs `io` until `done()` holds or `bound` passes; true when it held. Never
// sleeps blindly: it runs handlers as they become ready.
bool RunUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds bound = std::chrono::seconds(5));
// The same for several io_contexts (e.g. a server's and an executor's), run
// in turns on the calling thread.
bool RunUntil(const std::vector<asio::io_context*>& ios, const std::function<bool()>& done,
              std::chrono::milliseconds bound = std::chrono::seconds(5));
// Runs `io` for `duration` (for checking that something does NOT happen).
void RunFor(asio::io_context& io, std::chrono::milliseconds duration);

// A fresh directory under /tmp (short, for ipc paths), removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // "ipc://<dir>/<name>".
  std::string Ipc(const std::string& name) const;

 private:
  std::string path_;
};

// A 127.0.0.1 port that was free a moment ago.
int FreeTcpPort();

std::string RandomBytes(uint64_t seed, size_t size);

// Writes `bytes` to a unix socket at `path` / to 127.0.0.1:`port` and closes
// it: a peer that speaks no ZMTP. False if it could not connect.
bool WriteRawUnix(const std::string& path, const std::string& bytes);
bool WriteRawTcp(int port, const std::string& bytes);

// A valid envelope (schema version, id, source, sequence, timestamp) with an
// ImagePushed payload.
v1::Envelope ImagePushedEnvelope(const std::string& tag, uint64_t sequence = 1);

}  // namespace wharf::bus::testing
