// Bad input never crashes a process or reaches the cloud: garbage on every
// bound socket is dropped and counted; bad specs become error events.
#include <sys/un.h>

#include <random>

#include <nlohmann/json.hpp>

#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "tests/integration/stack_fixture.h"

namespace wharf::testing {
namespace {

using bus::Frames;
using bus::SocketFactory;
using bus::ZmqSocket;

std::string RandomBytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Writes raw bytes (not ZMTP) straight into an ipc:// endpoint's socket.
void WriteRawToIpc(const std::string& endpoint, const std::string& bytes) {
  std::string path = endpoint.substr(std::string("ipc://").size());
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    (void)!write(fd, bytes.data(), bytes.size());
  }
  close(fd);
}

// Every kind of bad message the codec must drop, as frames for a socket.
std::vector<Frames> BadMessages(std::mt19937& rng, bool pubsub) {
  v1::Envelope good;
  good.set_schema_version(bus::kSchemaVersion);
  good.mutable_spec_removed()->set_file("x.yaml");
  std::string encoded = bus::EnvelopeCodec::EncodeSingle(good);
  v1::Envelope wrong_version = good;
  wrong_version.set_schema_version(999);
  v1::Envelope no_payload;
  no_payload.set_schema_version(bus::kSchemaVersion);
  v1::Envelope oversized = good;
  oversized.mutable_spec_removed()->set_file(std::string(2 << 20, 'x'));

  std::vector<std::string> bodies = {RandomBytes(rng, 64),
                                     RandomBytes(rng, 1),
                                     encoded.substr(0, encoded.size() / 2),
                                     bus::EnvelopeCodec::EncodeSingle(wrong_version),
                                     bus::EnvelopeCodec::EncodeSingle(no_payload),
                                     bus::EnvelopeCodec::EncodeSingle(oversized),
                                     ""};
  std::vector<Frames> out;
  for (const auto& body : bodies) {
    out.push_back(pubsub ? Frames{"spec_removed", body} : Frames{body});
  }
  out.push_back(Frames{"a", "b", "c", "d"});  // wrong frame count
  return out;
}

class RobustnessTest : public StackFixture {
 protected:
  double CounterSum(const std::string& component, const std::string& prefix) {
    auto status = cli::QueryStatus(sockets_, stack_->config(), "");
    if (!status.ok()) return -1;
    double sum = 0;
    for (const auto& c : status->components()) {
      if (c.component() != component) continue;
      for (const auto& [name, value] : c.counters()) {
        if (name.rfind(prefix, 0) == 0) sum += value;
      }
    }
    return sum;
  }
};

TEST_F(RobustnessTest, GarbageOnEveryBoundSocketIsDroppedCountedAndSurvived) {
  StartStack();
  const auto& endpoints = stack_->config().bus();
  std::mt19937 rng(42);

  // Raw bytes (a broken ZMTP handshake) into every bound endpoint.
  for (const auto& endpoint :
       {endpoints.publish(), endpoints.subscribe(), endpoints.dispatch(), endpoints.control()}) {
    for (int i = 0; i < 5; ++i) WriteRawToIpc(endpoint, RandomBytes(rng, 1 + rng() % 4096));
  }

  // Well-formed ZeroMQ messages with bad envelopes into every bound endpoint.
  ZmqSocket::Context context;
  auto open = [&](SocketFactory::Kind kind, const std::string& endpoint) {
    ZmqSocket::Options options;
    options.linger = std::chrono::milliseconds(1000);
    auto socket = ZmqSocket::Open(context, kind, options);
    EXPECT_TRUE(socket.ok());
    EXPECT_TRUE((*socket)->Connect(endpoint).ok());
    return std::move(socket).value();
  };
  auto publisher = open(SocketFactory::Kind::kPub, endpoints.publish());
  auto dispatch = open(SocketFactory::Kind::kDealer, endpoints.dispatch());
  auto control = open(SocketFactory::Kind::kDealer, endpoints.control());
  auto subscriber = open(SocketFactory::Kind::kXSub, endpoints.subscribe());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the connects complete
  for (const auto& frames : BadMessages(rng, /*pubsub=*/true)) {
    (void)publisher->Send(frames);
    (void)subscriber->Send(Frames{RandomBytes(rng, 16)});  // not a subscription frame
  }
  for (const auto& frames : BadMessages(rng, /*pubsub=*/false)) {
    (void)dispatch->Send(frames);
    (void)control->Send(frames);
  }

  // The controller and the bus count what they dropped (reported in their
  // health messages), and nothing exited.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  double controller_drops = 0, bus_drops = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    controller_drops = CounterSum("controller", "dropped_");
    bus_drops = CounterSum("bus", "dropped_");
    if (controller_drops >= 8 && bus_drops >= 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GE(controller_drops, 8) << Logs();
  EXPECT_GE(bus_drops, 4) << Logs();
  for (const auto& line : stack_->Tick()) unexpected_exits_.push_back(line);
  EXPECT_TRUE(unexpected_exits_.empty()) << unexpected_exits_.front();
  for (const auto& name : {"bus", "controller", "executor-1", "executor-2", "watcher-spec"}) {
    EXPECT_GT(stack_->supervisor().Pid(name), 0) << name << " is not running";
  }

  // And the stack still does its job.
  WriteSpec("after.yaml", MinimalSpec("after"));
  EXPECT_TRUE(WaitFor([](const v1::Envelope& e) {
    return IsAppPhase(e, "after", v1::APP_PHASE_CONVERGED);
  })) << Logs();
}

TEST_F(RobustnessTest, BadSpecsYieldErrorEventsNamingFileAndFieldAndApplyNothing) {
  StartStack();
  std::string unknown_field = MinimalSpec("typo") + "  prot: 80\n";
  std::string missing_field =
      "name: nomem\nimage:\n  repository: nomem\n  tag: v1\n"
      "compute:\n  cpu: 256\ncontainer:\n  port: 8000\n";
  std::string broken_yaml = "name: broken\nimage: [unclosed\n";
  WriteSpec("typo.yaml", unknown_field);
  WriteSpec("nomem.yaml", missing_field);
  WriteSpec("broken.yaml", broken_yaml);

  auto invalid_event = [&](const std::string& file, const std::string& field) {
    return WaitFor([&](const v1::Envelope& e) {
      if (!e.has_spec_invalid() || !e.spec_invalid().file().ends_with(file)) return false;
      for (const auto& err : e.spec_invalid().errors()) {
        if (err.field() == field && err.line() > 0) return true;
      }
      return false;
    });
  };
  EXPECT_TRUE(invalid_event("typo.yaml", "container.prot")) << Logs();
  EXPECT_TRUE(invalid_event("nomem.yaml", "compute.memory")) << Logs();
  EXPECT_TRUE(WaitFor([](const v1::Envelope& e) {
    return e.has_spec_invalid() && e.spec_invalid().file().ends_with("broken.yaml") &&
           e.spec_invalid().errors_size() > 0 && e.spec_invalid().errors(0).line() > 0;
  })) << Logs();
  EXPECT_TRUE(
      WaitFor([](const v1::Envelope& e) { return IsAppPhase(e, "typo", v1::APP_PHASE_INVALID); }));

  // A valid app afterwards converges; the invalid ones made nothing.
  WriteSpec("good.yaml", MinimalSpec("good"));
  ASSERT_TRUE(WaitFor([](const v1::Envelope& e) {
    return IsAppPhase(e, "good", v1::APP_PHASE_CONVERGED);
  })) << Logs();
  auto listed = Aws("ecs list-clusters");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  auto arns = nlohmann::json::parse(listed.output)["clusterArns"];
  ASSERT_EQ(arns.size(), 1u) << listed.output;
  EXPECT_TRUE(arns[0].get<std::string>().ends_with("cluster/good"));
  for (const auto& e : Events()) {
    if (e.has_action_status()) {
      EXPECT_EQ(e.action_status().app(), "good");
    }
  }
}

}  // namespace
}  // namespace wharf::testing
