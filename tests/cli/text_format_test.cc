#include "cli/text_format.h"

#include <gtest/gtest.h>

namespace wharf::cli {
namespace {

TEST(TextFormatTest, StatusShowsAppsPhasesErrorsAndResources) {
  v1::StatusReply status;
  status.set_synced(true);
  status.add_watchers_synced("spec");
  auto* ex = status.add_executors();
  ex->set_executor_id("executor-1");
  ex->set_capacity(8);
  auto* app = status.add_apps();
  app->set_app("shop");
  app->set_file("/specs/shop.yaml");
  app->mutable_status()->set_phase(v1::APP_PHASE_CONVERGED);
  app->mutable_status()->set_message("in sync");
  auto* r = app->add_resources();
  r->mutable_ref()->set_kind(v1::ECS_CLUSTER);
  r->mutable_ref()->set_name("shop");
  r->set_id("arn:aws:ecs:us-east-1:123456789012:cluster/shop");
  auto* bad = status.add_apps();
  bad->set_file("/specs/typo.yaml");
  bad->mutable_status()->set_phase(v1::APP_PHASE_INVALID);
  auto* err = bad->add_spec_errors();
  err->set_field("container.prot");
  err->set_line(9);
  err->set_column(3);
  err->set_message("unknown field");

  std::string text = TextFormat::Status(status);
  EXPECT_NE(text.find("watchers: synced spec"), std::string::npos) << text;
  EXPECT_NE(text.find("executor-1 (0/8 busy)"), std::string::npos) << text;
  EXPECT_NE(text.find("shop  CONVERGED  in sync"), std::string::npos) << text;
  EXPECT_NE(text.find("ECS_CLUSTER shop  arn:aws:ecs:us-east-1:123456789012:cluster/shop"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("/specs/typo.yaml:9:3: container.prot: unknown field"), std::string::npos)
      << text;
}

TEST(TextFormatTest, EventsRenderOneLineAndHealthIsSilent) {
  v1::Envelope e;
  auto* s = e.mutable_action_status();
  s->set_app("shop");
  s->set_verb(v1::CREATE);
  s->mutable_resource()->set_kind(v1::ECS_CLUSTER);
  s->mutable_resource()->set_name("shop");
  s->set_state(v1::ACTION_STATE_SUCCEEDED);
  s->set_executor_id("executor-2");
  s->set_mutated(false);
  s->set_resource_id("arn:x");
  std::string line = TextFormat::Event(e);
  EXPECT_NE(
      line.find("shop  CREATE ECS_CLUSTER shop  SUCCEEDED (executor-2) already in place arn:x"),
      std::string::npos)
      << line;
  EXPECT_EQ(TextFormat::App(e), "shop");

  v1::Envelope health;
  health.mutable_component_health()->set_component("bus");
  EXPECT_EQ(TextFormat::Event(health), "");
  EXPECT_EQ(TextFormat::App(health), "");
}

}  // namespace
}  // namespace wharf::cli
