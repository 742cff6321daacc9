#include "tests/common/bus/bus_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "common/bus/envelope_codec.h"

namespace wharf::bus::testing {

bool RunUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds bound) {
  using std::chrono::steady_clock;
  const auto deadline = steady_clock::now() + bound;
  // Keeps run_one_for waiting for handlers instead of returning at once when
  // nothing is queued.
  auto guard = asio::make_work_guard(io);
  while (!done()) {
    const auto now = steady_clock::now();
    if (now >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(std::min<steady_clock::duration>(deadline - now, std::chrono::milliseconds(10)));
  }
  return true;
}

bool RunUntil(const std::vector<asio::io_context*>& ios, const std::function<bool()>& done,
              std::chrono::milliseconds bound) {
  using std::chrono::steady_clock;
  const auto deadline = steady_clock::now() + bound;
  while (!done()) {
    if (steady_clock::now() >= deadline) return false;
    for (size_t i = 0; i < ios.size(); ++i) {
      asio::io_context& io = *ios[i];
      if (io.stopped()) io.restart();
      // The first one waits briefly for work; the others only run what is ready.
      if (i == 0) {
        auto guard = asio::make_work_guard(io);
        io.run_one_for(std::chrono::milliseconds(2));
      }
      io.poll();
    }
  }
  return true;
}

void RunFor(asio::io_context& io, std::chrono::milliseconds duration) {
  RunUntil(
      io, [] { return false; }, duration);
}

TempDir::TempDir() {
  char templ[] = "/tmp/wbXXXXXX";
  if (mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Ipc(const std::string& name) const { return "ipc://" + path_ + "/" + name; }

int FreeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

std::string RandomBytes(uint64_t seed, size_t size) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

namespace {

bool WriteAll(int fd, const std::string& bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
    if (n <= 0) break;  // the peer may hang up on garbage: fine
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  return true;
}

}  // namespace

bool WriteRawUnix(const std::string& path, const std::string& bytes) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return false;
  }
  return WriteAll(fd, bytes);
}

bool WriteRawTcp(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return false;
  }
  return WriteAll(fd, bytes);
}

v1::Envelope ImagePushedEnvelope(const std::string& tag, uint64_t sequence) {
  v1::Envelope envelope;
  envelope.set_schema_version(kSchemaVersion);
  envelope.set_id("id-" + tag);
  envelope.set_source("test");
  envelope.set_sequence(sequence);
  envelope.set_timestamp_unix_ms(1'700'000'000'000);
  auto* pushed = envelope.mutable_image_pushed();
  pushed->set_repository("repo");
  pushed->set_tag(tag);
  pushed->set_digest("sha256:0123");
  return envelope;
}

}  // namespace wharf::bus::testing
