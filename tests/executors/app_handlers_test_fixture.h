#pragma once

// The base of the app handlers' tests against the local cloud: one cloud per
// suite (reset before each test, see LocalCloudClientTest), the handlers as
// RegisterAppHandlers registers them, a Run() per action, the local cloud's
// mutating-call counter, and the AWS CLI as the independent check.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "executors/app_handlers.h"
#include "executors/aws_clients.h"
#include "executors/handler_registry.h"
#include "tests/common/aws/local_cloud_client_fixture.h"

namespace wharf::executors::test {

class AppHandlersTest : public aws::test::LocalCloudClientTest {
 public:
  // A resource of app "shop" with `properties` given as JSON; `tagged`: with
  // Expand's tags (Resource.tags mirrored in properties.tags).
  static v1::Resource MakeResource(v1::ResourceKind kind, const std::string& name,
                                   const nlohmann::json& properties, bool tagged = true) {
    v1::Resource r;
    r.mutable_ref()->set_kind(kind);
    r.mutable_ref()->set_name(name);
    r.set_app("shop");
    auto parsed =
        google::protobuf::util::JsonStringToMessage(properties.dump(), r.mutable_properties());
    EXPECT_TRUE(parsed.ok()) << parsed.ToString();
    if (!tagged) return r;
    (*r.mutable_tags())["wharf:app"] = "shop";
    (*r.mutable_tags())["wharf:managed-by"] = "wharf";
    auto* tags = (*r.mutable_properties()->mutable_fields())["tags"].mutable_struct_value();
    for (const auto& [k, v] : r.tags()) (*tags->mutable_fields())[k].set_string_value(v);
    return r;
  }

 protected:
  void SetUp() override {
    aws::test::LocalCloudClientTest::SetUp();
    if (HasFatalFailure()) return;
    clients_ = std::make_unique<AwsClients>(*client_);
    registry_ = std::make_unique<HandlerRegistry>();
    RegisterAppHandlers(*registry_, *clients_);
  }

  void TearDown() override {
    registry_.reset();
    clients_.reset();
    aws::test::LocalCloudClientTest::TearDown();
  }

  // The helpers below are public so that shared checks (free functions) can
  // use them.
 public:
  // Runs `verb` on `resource` through the registered handler, to completion.
  v1::ActionResult Run(v1::ActionVerb verb, const v1::Resource& resource) {
    ActionHandler* handler = registry_->Find(resource.ref().kind(), verb);
    EXPECT_NE(handler, nullptr) << v1::ResourceKind_Name(resource.ref().kind()) << "/"
                                << v1::ActionVerb_Name(verb) << " is not registered";
    if (handler == nullptr) return {};
    v1::Action action;
    action.set_app(resource.app());
    action.set_verb(verb);
    *action.mutable_resource() = resource;
    std::optional<v1::ActionResult> result;
    int calls = 0;
    handler->Handle(action, [&](v1::ActionResult r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_TRUE(test_support::RunUntil(
        io_, [&] { return result.has_value(); }, std::chrono::seconds(60)));
    // Let stray callbacks run: `done` must be called exactly once.
    io_.poll();
    EXPECT_EQ(calls, 1);
    return result.value_or(v1::ActionResult());
  }

  // The local cloud's count of mutating calls since the last ZeroCounters().
  int64_t MutatingCalls() {
    auto counters = cloud_->Counters();
    EXPECT_TRUE(counters.ok()) << counters.status().ToString();
    if (!counters.ok()) return -1;
    return (*counters)["total"]["mutating"].get<int64_t>();
  }
  void ZeroCounters() {
    auto answer = cloud_->Control("DELETE", "counters");
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  }

  // The AWS CLI's JSON answer; a failed command fails the test.
  nlohmann::json Cli(const std::string& args) {
    auto r = AwsCli(args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.output;
    if (r.output.empty()) return nlohmann::json::object();
    return nlohmann::json::parse(r.output, nullptr, false);
  }

  // Every key of `desired` (recursively through structs; create_only aside)
  // has the same value in `observed`.
  static void ExpectCarries(const google::protobuf::Struct& desired,
                            const google::protobuf::Struct& observed, const std::string& at = "") {
    for (const auto& [key, value] : desired.fields()) {
      if (key == "create_only") continue;  // never compared
      const std::string path = at.empty() ? key : at + "." + key;
      auto it = observed.fields().find(key);
      if (it == observed.fields().end()) {
        ADD_FAILURE() << "observed lacks " << path;
        continue;
      }
      if (value.has_struct_value() && it->second.has_struct_value()) {
        ExpectCarries(value.struct_value(), it->second.struct_value(), path);
        continue;
      }
      std::string want;
      std::string got;
      (void)google::protobuf::util::MessageToJsonString(value, &want);
      (void)google::protobuf::util::MessageToJsonString(it->second, &got);
      EXPECT_EQ(got, want) << "at " << path;
    }
  }

  // Owned by the test, used on its thread.
  std::unique_ptr<AwsClients> clients_;
  std::unique_ptr<HandlerRegistry> registry_;
};

}  // namespace wharf::executors::test
