#include "common/spec/config_loader.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wharf::spec {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string SourceDir() { return WHARF_TEST_SOURCE_DIR; }

std::string Cwd() { return fs::current_path().string(); }

// A fixed environment for LoadConfig.
EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    std::string pattern = (fs::temp_directory_path() / "wharf-config-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    close(fd);
    path_ = pattern;
    std::ofstream(path_) << text;
  }
  ~TempFile() { fs::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Sets an environment variable for one scope, restoring the old value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ConfigLoaderTest, BuiltInDefaults) {
  Result<v1::WharfConfig> config = LoadConfig("", "", Env({}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::string state = Cwd() + "/.wharf";
  EXPECT_EQ(config->state_dir(), state);
  EXPECT_EQ(config->bus().publish(), "ipc://" + state + "/bus-pub.sock");
  EXPECT_EQ(config->bus().subscribe(), "ipc://" + state + "/bus-sub.sock");
  EXPECT_EQ(config->bus().dispatch(), "ipc://" + state + "/dispatch.sock");
  EXPECT_EQ(config->bus().control(), "ipc://" + state + "/control.sock");
  EXPECT_EQ(config->specs_dir(), state + "/specs");
  EXPECT_EQ(config->aws().region(), "us-east-1");
  EXPECT_EQ(config->aws().endpoint_url(), "");
  EXPECT_EQ(config->log_level(), "info");
  EXPECT_EQ(config->executors(), 2);
  EXPECT_EQ(config->executor_capacity(), 8);
  EXPECT_EQ(config->heartbeat_interval_ms(), 1000);
  EXPECT_EQ(config->heartbeat_liveness(), 3);
  EXPECT_EQ(config->local_cloud().host(), "127.0.0.1");
  EXPECT_EQ(config->local_cloud().port(), 4566);
  EXPECT_THAT(config->required_watchers(), ElementsAre("spec"));
}

TEST(ConfigLoaderTest, ShippedConfigIsTheDefaults) {
  Result<v1::WharfConfig> shipped = LoadConfig(SourceDir() + "/config/wharf.yaml", "", Env({}));
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  Result<v1::WharfConfig> defaults = LoadConfig("", "", Env({}));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(shipped->DebugString(), defaults->DebugString());
}

TEST(ConfigLoaderTest, StateDirPrecedence) {
  TempFile file("state_dir: /srv/from-file\n");
  auto from_file = LoadConfig(file.path(), "", Env({}));
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_file->state_dir(), "/srv/from-file");
  EXPECT_EQ(from_file->specs_dir(), "/srv/from-file/specs");

  auto from_env = LoadConfig(file.path(), "", Env({{"WHARF_STATE_DIR", "/srv/from-env/"}}));
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->state_dir(), "/srv/from-env");
  EXPECT_EQ(from_env->bus().control(), "ipc:///srv/from-env/control.sock");

  auto from_flag =
      LoadConfig(file.path(), "/srv/from-flag", Env({{"WHARF_STATE_DIR", "/srv/from-env"}}));
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(from_flag->state_dir(), "/srv/from-flag");

  auto relative = LoadConfig("", "run/../state", Env({}));
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(relative->state_dir(), Cwd() + "/state");
}

TEST(ConfigLoaderTest, ReadsTheProcessEnvironment) {
  ScopedEnv state("WHARF_STATE_DIR", "/tmp/wharf-env-test");
  ScopedEnv region("AWS_REGION", nullptr);
  ScopedEnv default_region("AWS_DEFAULT_REGION", "eu-central-1");
  auto config = LoadConfig("", "");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->state_dir(), "/tmp/wharf-env-test");
  EXPECT_EQ(config->aws().region(), "eu-central-1");
}

TEST(ConfigLoaderTest, RegionPrecedence) {
  EXPECT_EQ(LoadConfig("", "", Env({{"AWS_DEFAULT_REGION", "eu-west-1"}}))->aws().region(),
            "eu-west-1");
  EXPECT_EQ(
      LoadConfig("", "", Env({{"AWS_REGION", "ap-south-1"}, {"AWS_DEFAULT_REGION", "eu-west-1"}}))
          ->aws()
          .region(),
      "ap-south-1");
  TempFile file("aws:\n  region: us-west-2\n");
  EXPECT_EQ(LoadConfig(file.path(), "", Env({{"AWS_REGION", "ap-south-1"}}))->aws().region(),
            "us-west-2");
}

TEST(ConfigLoaderTest, FileValuesAndPlaceholders) {
  TempFile file(
      "state_dir: /var/wharf\nbus:\n  publish: tcp://0.0.0.0:7001\n  control: "
      "ipc://{state_dir}/ctl.sock\nspecs_dir: /etc/wharf/apps\nexecutors: 5\nlog_level: debug\n"
      "required_watchers: [spec, cloud]\naws:\n  endpoint_url: http://127.0.0.1:4566\n");
  auto config = LoadConfig(file.path(), "", Env({}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->bus().publish(), "tcp://0.0.0.0:7001");
  EXPECT_EQ(config->bus().subscribe(), "ipc:///var/wharf/bus-sub.sock");
  EXPECT_EQ(config->bus().control(), "ipc:///var/wharf/ctl.sock");
  EXPECT_EQ(config->specs_dir(), "/etc/wharf/apps");
  EXPECT_EQ(config->executors(), 5);
  EXPECT_EQ(config->executor_capacity(), 8);
  EXPECT_EQ(config->log_level(), "debug");
  EXPECT_THAT(config->required_watchers(), ElementsAre("spec", "cloud"));
  EXPECT_EQ(config->aws().endpoint_url(), "http://127.0.0.1:4566");
}

TEST(ConfigLoaderTest, LongIpcPathSuggestsShorterStateDir) {
  std::string deep = "/tmp/" + std::string(100, 'd');
  auto config = LoadConfig("", deep, Env({}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("built-in config"));
  EXPECT_THAT(config.status().message(), HasSubstr("bus.publish"));
  EXPECT_THAT(config.status().message(), HasSubstr("shorter --state-dir"));

  // The longest default socket path is {state_dir}/dispatch.sock: a 93-byte
  // state dir makes it exactly 107 bytes, which fits.
  std::string fits = "/" + std::string(92, 'f');
  auto ok = LoadConfig("", fits, Env({}));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->bus().dispatch().size() - std::string("ipc://").size(), 107u);

  auto one_more = LoadConfig("", fits + "f", Env({}));
  ASSERT_FALSE(one_more.ok());
  EXPECT_THAT(one_more.status().message(), HasSubstr("bus.dispatch"));
  EXPECT_THAT(one_more.status().message(), HasSubstr("is 108 bytes"));
  EXPECT_THAT(one_more.status().message(), Not(HasSubstr("bus.publish")));
}

TEST(ConfigLoaderTest, ErrorsNameFileFieldAndLine) {
  TempFile unknown("state_dir: /x\nbus:\n  publsh: ipc:///x/p.sock\n");
  auto config = LoadConfig(unknown.path(), "", Env({}));
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr(unknown.path() + ":3:3: bus.publsh: unknown field 'publsh'; did you mean "
                                         "'publish'?"));

  TempFile bad_values("log_level: loud\nexecutors: -1\nbus:\n  dispatch: http://x\n");
  config = LoadConfig(bad_values.path(), "", Env({}));
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr(bad_values.path() + ":1:1: log_level:"));
  EXPECT_THAT(config.status().message(), HasSubstr(":2:1: executors: must be positive"));
  EXPECT_THAT(config.status().message(), HasSubstr(":4:3: bus.dispatch:"));

  config = LoadConfig("/nonexistent/wharf.yaml", "", Env({}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(config.status().message(), HasSubstr("/nonexistent/wharf.yaml"));
}

}  // namespace
}  // namespace wharf::spec
