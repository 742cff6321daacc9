#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "common/aws/chain_credentials_provider.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/profile_file.h"
#include "common/aws/region.h"
#include "common/aws/shared_file_credentials_provider.h"

namespace wharf::aws {
namespace {

namespace fs = std::filesystem;

// A temporary HOME with ~/.aws/credentials and ~/.aws/config.
class SharedFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wharf-aws-home-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    home_ = tmpl;
    fs::create_directories(home_ / ".aws");
    Write(".aws/credentials",
          "# comment\n"
          "[default]\n"
          "aws_access_key_id = AKIADEFAULT\n"
          "aws_secret_access_key = default-secret\n"
          "\n"
          "[deploy]\n"
          "aws_access_key_id=AKIADEPLOY\n"
          "aws_secret_access_key=deploy/secret+x\n"
          "aws_session_token = deploy-token\n"
          "; another comment\n"
          "[half]\n"
          "aws_access_key_id = AKIAHALF\n");
    Write(".aws/config",
          "[default]\n"
          "region = us-west-2\n"
          "[profile deploy]\n"
          "region = eu-central-1\n"
          "s3 =\n"
          "  max_concurrent_requests = 10\n"
          "output = json\n"
          "[profile configonly]\n"
          "aws_access_key_id = AKIACONFIG\n"
          "aws_secret_access_key = config-secret\n"
          "region = ap-south-1\n"
          "[profile assume]\n"
          "role_arn = arn:aws:iam::123456789012:role/x\n"
          "source_profile = default\n"
          "[sso-session corp]\n"
          "region = us-east-1\n");
  }
  void TearDown() override { fs::remove_all(home_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(home_ / relative) << text;
  }
  Environment Env(std::map<std::string, std::string> extra = {}) {
    extra["HOME"] = home_.string();
    return Environment::FromMap(std::move(extra));
  }

  fs::path home_;
};

TEST(EnvCredentialsProviderTest, ReadsKeysAndToken) {
  EnvCredentialsProvider provider(Environment::FromMap({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                                                        {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                                                        {"AWS_SESSION_TOKEN", "env-token"}}));
  auto creds = provider.GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIAENV");
  EXPECT_EQ(creds->secret_access_key, "env-secret");
  EXPECT_EQ(creds->session_token, "env-token");
  EXPECT_EQ(creds->source, "environment");
}

TEST(EnvCredentialsProviderTest, MissingAndHalfConfigured) {
  EXPECT_EQ(EnvCredentialsProvider(Environment::FromMap({})).GetCredentials().status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(EnvCredentialsProvider(Environment::FromMap({{"AWS_ACCESS_KEY_ID", "AKIA"}}))
                .GetCredentials()
                .status()
                .code(),
            Status::Code::kInvalidArgument);
}

TEST(CredentialsTest, DebugStringHasNoSecret) {
  Credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", "session-token-value", "env"};
  std::string text = creds.DebugString();
  EXPECT_EQ(text.find("wJalr"), std::string::npos);
  EXPECT_EQ(text.find("session-token-value"), std::string::npos);
  EXPECT_EQ(text.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
  EXPECT_NE(text.find("AKIA...MPLE"), std::string::npos);
}

TEST_F(SharedFilesTest, DefaultProfile) {
  SharedFileCredentialsProvider provider(Env());
  auto creds = provider.GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(creds->secret_access_key, "default-secret");
  EXPECT_EQ(creds->session_token, "");
  EXPECT_EQ(creds->source, "shared-file:default");
}

TEST_F(SharedFilesTest, ProfileFromEnvAndExplicit) {
  SharedFileCredentialsProvider from_env(Env({{"AWS_PROFILE", "deploy"}}));
  auto creds = from_env.GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIADEPLOY");
  EXPECT_EQ(creds->secret_access_key, "deploy/secret+x");
  EXPECT_EQ(creds->session_token, "deploy-token");

  SharedFileCredentialsProvider explicit_profile(Env({{"AWS_PROFILE", "default"}}), "deploy");
  ASSERT_TRUE(explicit_profile.GetCredentials().ok());
  EXPECT_EQ(explicit_profile.GetCredentials()->access_key_id, "AKIADEPLOY");
}

TEST_F(SharedFilesTest, KeysInConfigFile) {
  SharedFileCredentialsProvider provider(Env(), "configonly");
  auto creds = provider.GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIACONFIG");
}

TEST_F(SharedFilesTest, BrokenAndUnsupportedProfiles) {
  EXPECT_EQ(SharedFileCredentialsProvider(Env(), "half").GetCredentials().status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(SharedFileCredentialsProvider(Env(), "assume").GetCredentials().status().code(),
            Status::Code::kFailedPrecondition);
  EXPECT_EQ(SharedFileCredentialsProvider(Env(), "nope").GetCredentials().status().code(),
            Status::Code::kNotFound);
}

TEST_F(SharedFilesTest, FileLocationsFromEnv) {
  Write("other-credentials",
        "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n");
  SharedFileCredentialsProvider provider(
      Env({{"AWS_SHARED_CREDENTIALS_FILE", (home_ / "other-credentials").string()},
           {"AWS_CONFIG_FILE", "~/missing-config"}}));
  auto creds = provider.GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIAOTHER");
}

TEST_F(SharedFilesTest, CachesUntilInvalidated) {
  SharedFileCredentialsProvider provider(Env());
  ASSERT_EQ(provider.GetCredentials()->access_key_id, "AKIADEFAULT");
  Write(".aws/credentials", "[default]\naws_access_key_id = AKIANEW\naws_secret_access_key = s\n");
  EXPECT_EQ(provider.GetCredentials()->access_key_id, "AKIADEFAULT");
  provider.Invalidate();
  EXPECT_EQ(provider.GetCredentials()->access_key_id, "AKIANEW");
}

TEST_F(SharedFilesTest, ChainPrefersEnvironmentThenFiles) {
  auto with_env = ChainCredentialsProvider::Default(
      Env({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "env"}}));
  EXPECT_EQ(with_env->GetCredentials()->access_key_id, "AKIAENV");

  auto files_only = ChainCredentialsProvider::Default(Env({{"AWS_PROFILE", "deploy"}}));
  EXPECT_EQ(files_only->GetCredentials()->access_key_id, "AKIADEPLOY");

  auto nothing = ChainCredentialsProvider::Default(Env(), "nope");
  EXPECT_EQ(nothing->GetCredentials().status().code(), Status::Code::kNotFound);

  // A half-configured environment is reported, not skipped.
  auto half_env = ChainCredentialsProvider::Default(Env({{"AWS_ACCESS_KEY_ID", "AKIAENV"}}));
  EXPECT_EQ(half_env->GetCredentials().status().code(), Status::Code::kInvalidArgument);
}

TEST_F(SharedFilesTest, RegionResolutionOrder) {
  EXPECT_EQ(ResolveRegion(Env({{"AWS_REGION", "eu-north-1"}, {"AWS_DEFAULT_REGION", "x"}}),
                          "ca-central-1")
                .value(),
            "eu-north-1");
  EXPECT_EQ(ResolveRegion(Env({{"AWS_DEFAULT_REGION", "sa-east-1"}}), "ca-central-1").value(),
            "sa-east-1");
  EXPECT_EQ(ResolveRegion(Env(), "ca-central-1").value(), "us-west-2");  // [default]
  EXPECT_EQ(ResolveRegion(Env({{"AWS_PROFILE", "deploy"}}), "ca-central-1").value(),
            "eu-central-1");
  EXPECT_EQ(ResolveRegion(Env(), "ca-central-1", "configonly").value(), "ap-south-1");
  // A profile without a region falls back to the explicit one.
  EXPECT_EQ(ResolveRegion(Env(), "ca-central-1", "assume").value(), "ca-central-1");
  auto none = ResolveRegion(Env({{"AWS_CONFIG_FILE", "/nonexistent/config"}}), "");
  EXPECT_EQ(none.status().code(), Status::Code::kNotFound);
}

TEST(ProfileFileTest, ParsesSectionsAndSkipsOthers) {
  ProfileFile config = ProfileFile::Parse(
      "[profile  spaced ]\nRegion = us-east-1\n[sso-session x]\nregion = bad\n[default]\n"
      "key=a=b\n",
      ProfileFile::Kind::kConfig);
  ASSERT_NE(config.Get("spaced", "region"), nullptr);
  EXPECT_EQ(*config.Get("spaced", "region"), "us-east-1");
  EXPECT_FALSE(config.HasProfile("sso-session x"));
  EXPECT_FALSE(config.HasProfile("x"));
  EXPECT_EQ(*config.Get("default", "key"), "a=b");
  ProfileFile creds =
      ProfileFile::Parse("[profile x]\naws_access_key_id = A\n", ProfileFile::Kind::kCredentials);
  EXPECT_TRUE(creds.HasProfile("profile x"));
}

}  // namespace
}  // namespace wharf::aws
