#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli/local_stack.h"
#include "common/base/counters.h"
#include "common/bus/subscriber.h"
#include "common/spec/config_loader.h"
#include "tests/support/free_port.h"
#include "tests/support/run_command.h"

namespace wharf::testing {

using test_support::RunCommand;

// A whole local stack (local cloud on a free port, bus, controller, two
// executors, spec watcher) in a fresh state dir, plus a bus subscriber that
// records every event for the test. Events are collected on a background io
// thread; tests read them with WaitFor().
class StackFixture : public ::testing::Test {
 protected:
  void StartStack(std::chrono::milliseconds executor_hold = std::chrono::milliseconds(0)) {
    char dir_template[] = "/tmp/wharf-it-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    state_dir_ = dir_template;
    auto config = spec::LoadConfig("", state_dir_);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config->set_heartbeat_interval_ms(100);
    config->set_heartbeat_liveness(3);
    config->set_executors(2);
    config->mutable_local_cloud()->set_port(test_support::PickFreeTcpPort());
    config->set_log_level("debug");
    if (drift_poll_ms_ > 0) config->set_drift_poll_ms(drift_poll_ms_);
    cli::LocalStack::Options options;
    options.bin_dir = WHARF_TEST_BIN_DIR;
    options.local_cloud = true;
    options.executor_hold_result = executor_hold;
    options.local_cloud_speed = local_cloud_speed_;
    options.progress = nullptr;
    stack_ = std::make_unique<cli::LocalStack>(*config, options);
    auto started = stack_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    auto ready = stack_->WaitReady(std::chrono::seconds(60));
    ASSERT_TRUE(ready.ok()) << ready.ToString() << "\n" << Logs();
    Subscribe();
  }

  void TearDown() override {
    if (subscriber_io_) subscriber_io_->stop();
    if (subscriber_thread_.joinable()) subscriber_thread_.join();
    subscriber_.reset();
    if (stack_) stack_->Stop();
    if (!state_dir_.empty() && !HasFailure()) std::filesystem::remove_all(state_dir_);
    if (HasFailure()) std::fprintf(stderr, "state dir kept: %s\n", state_dir_.c_str());
  }

  // Subscribes to everything and waits until the subscription is live (the
  // first health report arrives), so no later event is missed.
  void Subscribe() {
    subscriber_io_ = std::make_unique<asio::io_context>();
    subscriber_ = std::make_unique<bus::Subscriber>(
        *subscriber_io_, sockets_, stack_->config().bus().subscribe(), std::vector<std::string>{},
        [this](const v1::Envelope& e) {
          std::lock_guard lock(mu_);
          events_.push_back(e);
        },
        counters_);
    ASSERT_TRUE(subscriber_->Start().ok());
    subscriber_thread_ = std::thread([io = subscriber_io_.get()] {
      auto guard = asio::make_work_guard(*io);
      io->run();
    });
    ASSERT_TRUE(WaitFor([](const v1::Envelope& e) { return e.has_component_health(); }))
        << "no event reached the test's subscriber";
  }

  // Waits (bounded) for an event matching `match`; returns whether one came.
  bool WaitFor(const std::function<bool(const v1::Envelope&)>& match,
               std::chrono::seconds bound = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        for (const auto& e : events_) {
          if (match(e)) return true;
        }
      }
      for (const auto& line : stack_->Tick()) unexpected_exits_.push_back(line);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::vector<v1::Envelope> Events() {
    std::lock_guard lock(mu_);
    return events_;
  }

  void WriteSpec(const std::string& file, const std::string& yaml) {
    std::string tmp = stack_->config().specs_dir() + "/." + file + ".tmp";
    std::ofstream(tmp) << yaml;
    std::filesystem::rename(tmp, stack_->config().specs_dir() + "/" + file);
  }

  // The AWS CLI against the local cloud, independent of Wharf.
  test_support::CommandResult Aws(const std::string& args) {
    return RunCommand("AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=" +
                      stack_->config().aws().region() + " aws --endpoint-url " +
                      stack_->cloud_endpoint() + " --output json " + args + " 2>&1");
  }

  std::string Logs() {
    std::string out;
    if (!stack_) return out;
    for (const auto& entry : std::filesystem::directory_iterator(stack_->log_dir())) {
      std::ifstream in(entry.path());
      std::string content((std::istreambuf_iterator<char>(in)), {});
      if (content.size() > 3000) content = content.substr(content.size() - 3000);
      out += "---- " + entry.path().filename().string() + "\n" + content;
    }
    return out;
  }

  static bool IsAppPhase(const v1::Envelope& e, const std::string& app, v1::AppPhase phase) {
    return e.has_app_status() && e.app_status().app() == app && e.app_status().phase() == phase;
  }

  // When positive, the controller re-reconciles every app this often (set
  // before StartStack); otherwise the config's default.
  int drift_poll_ms_ = 0;
  // The local cloud's clock speed (set before StartStack): > 1 makes its
  // waits (deregistration delays, draining, health checks) shorter.
  double local_cloud_speed_ = 1.0;
  std::string state_dir_;
  std::unique_ptr<cli::LocalStack> stack_;
  std::vector<std::string> unexpected_exits_;
  bus::SocketFactory sockets_;
  Counters counters_{"test"};
  std::unique_ptr<asio::io_context> subscriber_io_;
  std::unique_ptr<bus::Subscriber> subscriber_;
  std::thread subscriber_thread_;
  std::mutex mu_;
  std::vector<v1::Envelope> events_;  // guarded by mu_
};

// An app whose image lives outside ECR (nothing to push before applying).
inline std::string MinimalSpec(const std::string& name) {
  return "name: " + name +
         "\n"
         "image:\n  external: true\n  uri: public.ecr.aws/docker/library/python\n"
         "  tag: v1\n"
         "compute:\n  cpu: 256\n  memory: 512\n"
         "container:\n  port: 8000\n";
}

}  // namespace wharf::testing
