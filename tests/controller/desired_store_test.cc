#include "controller/desired_store.h"

#include <gtest/gtest.h>

namespace wharf::controller {
namespace {

v1::SpecChanged Changed(const std::string& file, const std::string& app, const std::string& hash) {
  v1::SpecChanged c;
  c.set_file(file);
  c.mutable_spec()->set_name(app);
  c.set_spec_hash(hash);
  return c;
}

v1::SpecInvalid Invalid(const std::string& file, const std::string& app) {
  v1::SpecInvalid i;
  i.set_file(file);
  i.set_app(app);
  auto* e = i.add_errors();
  e->set_field("container.port");
  e->set_message("must be 1-65535");
  return i;
}

TEST(DesiredStoreTest, ReportsChangesOnlyWhenTheSpecChanges) {
  DesiredStore store;
  EXPECT_EQ(store.Apply(Changed("a.yaml", "web", "h1")), std::vector<std::string>{"web"});
  EXPECT_TRUE(store.Apply(Changed("a.yaml", "web", "h1")).empty());
  EXPECT_EQ(store.Apply(Changed("a.yaml", "web", "h2")), std::vector<std::string>{"web"});
  EXPECT_EQ(store.Find("web")->spec_hash, "h2");
}

TEST(DesiredStoreTest, InvalidEditKeepsPreviousSpecInForce) {
  DesiredStore store;
  store.Apply(Changed("a.yaml", "web", "h1"));
  EXPECT_EQ(store.Apply(Invalid("a.yaml", "web")), std::vector<std::string>{"web"});
  const DesiredApp* app = store.Find("web");
  EXPECT_TRUE(app->has_spec);
  EXPECT_EQ(app->spec_hash, "h1");
  ASSERT_EQ(app->errors.size(), 1u);
  EXPECT_TRUE(store.Apply(Invalid("a.yaml", "web")).empty());
  // Fixing the file clears the errors.
  EXPECT_EQ(store.Apply(Changed("a.yaml", "web", "h1")), std::vector<std::string>{"web"});
  EXPECT_TRUE(store.Find("web")->errors.empty());
}

TEST(DesiredStoreTest, UnnamedInvalidFilesAreTrackedByFile) {
  DesiredStore store;
  EXPECT_TRUE(store.Apply(Invalid("broken.yaml", "")).empty());
  EXPECT_EQ(store.unnamed_invalid().count("broken.yaml"), 1u);
  v1::SpecRemoved removed;
  removed.set_file("broken.yaml");
  store.Apply(removed);
  EXPECT_TRUE(store.unnamed_invalid().empty());
}

TEST(DesiredStoreTest, SnapshotRemovesAppsItNoLongerHas) {
  DesiredStore store;
  store.Apply(Changed("a.yaml", "web", "h1"));
  store.Apply(Changed("b.yaml", "api", "h1"));
  v1::SpecSnapshot snapshot;
  *snapshot.add_specs() = Changed("a.yaml", "web", "h1");
  EXPECT_EQ(store.ApplySnapshot(snapshot), std::vector<std::string>{"api"});
  EXPECT_TRUE(store.Find("api")->removed);
  EXPECT_FALSE(store.Find("web")->removed);
}

TEST(DesiredStoreTest, RemovedFileMarksItsAppRemoved) {
  DesiredStore store;
  store.Apply(Changed("a.yaml", "web", "h1"));
  v1::SpecRemoved removed;
  removed.set_file("a.yaml");
  removed.set_app("web");
  EXPECT_EQ(store.Apply(removed), std::vector<std::string>{"web"});
  EXPECT_TRUE(store.Find("web")->removed);
  EXPECT_EQ(store.Apply(Changed("a.yaml", "web", "h1")), std::vector<std::string>{"web"});
  EXPECT_FALSE(store.Find("web")->removed);
}

}  // namespace
}  // namespace wharf::controller
