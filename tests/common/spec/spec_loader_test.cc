#include "common/spec/spec_loader.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wharf::spec {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;

std::string SourceDir() { return WHARF_TEST_SOURCE_DIR; }

// A directory removed with its content at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "wharf-spec-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string path = path_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Describe(const SpecLoadResult& result) {
  if (std::holds_alternative<v1::SpecChanged>(result)) return "";
  const auto& invalid = std::get<v1::SpecInvalid>(result);
  std::string out;
  for (const auto& e : invalid.errors()) out += FormatSpecError(invalid.file(), e) + "\n";
  return out;
}

constexpr const char* kValid = R"(name: web
image:
  repository: web
  tag: "1.0"
compute:
  cpu: 512
  memory: 1024
container:
  port: 8000
  environment:
    DJANGO_SETTINGS_MODULE: web.settings
)";

TEST(SpecLoaderTest, ExamplesLoadWithoutErrors) {
  fs::path examples = fs::path(SourceDir()) / "config" / "examples";
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (entry.path().extension() != ".yaml") continue;
    SpecLoadResult result = SpecLoader().LoadFile(entry.path().string());
    EXPECT_THAT(Describe(result), IsEmpty()) << entry.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 1);
}

TEST(SpecLoaderTest, DjangoExampleHasWhatItDocuments) {
  SpecLoadResult result = SpecLoader().LoadFile(SourceDir() + "/config/examples/django-app.yaml");
  ASSERT_TRUE(std::holds_alternative<v1::SpecChanged>(result)) << Describe(result);
  const v1::AppSpec& spec = std::get<v1::SpecChanged>(result).spec();
  EXPECT_EQ(spec.name(), "django-app");
  EXPECT_EQ(spec.compute().cpu(), 512);
  EXPECT_EQ(spec.compute().memory(), 1024);
  EXPECT_EQ(spec.container().port(), 8000);
  EXPECT_EQ(spec.container().environment().at("DJANGO_DEBUG"), "false");
  EXPECT_EQ(spec.scaling().autoscaling().max(), 6);
  EXPECT_EQ(spec.migration().command(1), "manage.py");
  EXPECT_EQ(spec.deployment().strategy(), v1::ROLLING);
  EXPECT_EQ(spec.alarms(0).metric(), v1::TARGET_5XX_COUNT);
  EXPECT_TRUE(spec.alarms(0).rollback());
  EXPECT_EQ(spec.retention().log_retention_days(), 30);
}

TEST(SpecLoaderTest, ValidSpecHasHashAndFile) {
  SpecLoadResult result = SpecLoader().Parse(kValid, "specs/web.yaml");
  ASSERT_TRUE(std::holds_alternative<v1::SpecChanged>(result)) << Describe(result);
  const auto& changed = std::get<v1::SpecChanged>(result);
  EXPECT_EQ(changed.file(), "specs/web.yaml");
  EXPECT_EQ(changed.spec().name(), "web");
  EXPECT_THAT(changed.spec_hash(), MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(changed.spec_hash(), SpecHash(changed.spec()));
}

TEST(SpecLoaderTest, HashIgnoresKeyOrderAndSpelling) {
  constexpr const char* kReordered = R"(container:
  environment: {DJANGO_SETTINGS_MODULE: web.settings}
  port: 8000
compute: {memory: 1024, cpu: 512}
image: {tag: "1.0", repository: web}
name: web
)";
  auto a = std::get<v1::SpecChanged>(SpecLoader().Parse(kValid, "a.yaml"));
  auto b = std::get<v1::SpecChanged>(SpecLoader().Parse(kReordered, "b.yaml"));
  EXPECT_EQ(a.spec_hash(), b.spec_hash());
  v1::AppSpec changed = a.spec();
  changed.mutable_container()->set_port(8001);
  EXPECT_NE(SpecHash(changed), a.spec_hash());
}

TEST(SpecLoaderTest, HashIsStableAcrossMapInsertionOrder) {
  v1::AppSpec a;
  v1::AppSpec b;
  for (int i = 0; i < 50; ++i) (*a.mutable_tags())["k" + std::to_string(i)] = "v";
  for (int i = 49; i >= 0; --i) (*b.mutable_tags())["k" + std::to_string(i)] = "v";
  EXPECT_EQ(SpecHash(a), SpecHash(b));
}

struct InvalidCase {
  const char* name;
  std::string yaml;
  const char* field;
  int line;
  int column;
  const char* message_has;
};

class SpecLoaderInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(SpecLoaderInvalidTest, ReportsPreciseError) {
  const InvalidCase& c = GetParam();
  SpecLoadResult result = SpecLoader().Parse(c.yaml, "web.yaml");
  ASSERT_TRUE(std::holds_alternative<v1::SpecInvalid>(result));
  const auto& invalid = std::get<v1::SpecInvalid>(result);
  EXPECT_EQ(invalid.file(), "web.yaml");
  bool found = false;
  for (const auto& e : invalid.errors()) {
    found |= e.field() == c.field && e.line() == c.line && e.column() == c.column &&
             e.message().find(c.message_has) != std::string::npos;
  }
  EXPECT_TRUE(found) << "want " << c.field << " at " << c.line << ":" << c.column << " with '"
                     << c.message_has << "'; got:\n"
                     << Describe(result);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SpecLoaderInvalidTest,
    ::testing::Values(
        InvalidCase{"UnknownField", std::string(kValid) + "  prot: 80\n", "container.prot", 12, 3,
                    "did you mean 'port'?"},
        InvalidCase{"MissingRequired", "name: web\nimage: {repository: web}\n", "compute.cpu", 0, 0,
                    "is required"},
        InvalidCase{"MissingPortPointsAtContainer",
                    "name: web\nimage: {repository: web}\ncompute: {cpu: 256, memory: 512}\n"
                    "container:\n  command: [gunicorn]\n",
                    "container.port", 4, 1, "is required"},
        InvalidCase{"WrongType", "name: web\ncompute:\n  cpu: [512]\n", "compute.cpu", 3, 8,
                    "expected an integer, got a list"},
        InvalidCase{"BadEnum", std::string(kValid) + "deployment:\n  strategy: fast\n",
                    "deployment.strategy", 13, 13, "ROLLING, BLUE_GREEN, CANARY, LINEAR"},
        InvalidCase{"BrokenYaml", "name: web\nimage: {repository: web\n", "", 3, 1, "invalid YAML"},
        InvalidCase{"CpuMemoryPair",
                    "name: web\nimage: {repository: web}\ncontainer: {port: 80}\n"
                    "compute:\n  cpu: 1024\n  memory: 1024\n",
                    "compute.memory", 6, 3, "use 2048 to 8192 in steps of 1024"},
        InvalidCase{"BadSecretArn", std::string(kValid) + "  secrets:\n    DB_PASSWORD: hunter2\n",
                    "container.secrets.DB_PASSWORD", 13, 5, "Secrets Manager secret ARN"}),
    [](const ::testing::TestParamInfo<InvalidCase>& info) { return info.param.name; });

TEST(SpecLoaderTest, EnvironmentValuesNeverAppearInErrors) {
  const std::string kSecret = "pA55w0rd-DO-NOT-LEAK";
  const std::string yamls[] = {
      // Semantic errors around the variable.
      "name: web\nimage: {repository: web}\ncompute: {cpu: 512, memory: 999}\n"
      "container:\n  port: 8000\n  environment:\n    DB_PASSWORD: " +
          kSecret + "\n    9BAD: " + kSecret + "\n  secrets:\n    DB_PASSWORD: " + kSecret +
          "\n    OTHER: " + kSecret + "\n",
      // The value written as a list or a map.
      "name: web\ncontainer:\n  environment:\n    DB_PASSWORD: [" + kSecret +
          "]\n    B: {k: " + kSecret + "}\n",
      // Environment indented one level too deep, so the names become fields.
      "name: web\ncontainer:\n  environment:\n  DB_PASSWORD: " + kSecret + "\n",
      // Secrets given as a list of NAME=value strings.
      "name: web\ncontainer:\n  environment:\n    - DB_PASSWORD=" + kSecret + "\n",
  };
  for (const std::string& yaml : yamls) {
    SpecLoadResult result = SpecLoader().Parse(yaml, "web.yaml");
    ASSERT_TRUE(std::holds_alternative<v1::SpecInvalid>(result)) << yaml;
    std::string all = Describe(result) + std::get<v1::SpecInvalid>(result).app();
    EXPECT_THAT(all, Not(HasSubstr("pA55w0rd"))) << all;
    EXPECT_THAT(all, Not(IsEmpty()));
  }
}

TEST(SpecLoaderTest, InvalidSpecNamesTheAppWhenReadable) {
  auto invalid = std::get<v1::SpecInvalid>(
      SpecLoader().Parse("name: web\ncompute:\n  cpu: lots\n", "web.yaml"));
  EXPECT_EQ(invalid.app(), "web");
  invalid = std::get<v1::SpecInvalid>(SpecLoader().Parse("name: web\nimage: {}\n", "web.yaml"));
  EXPECT_EQ(invalid.app(), "web");
  invalid = std::get<v1::SpecInvalid>(SpecLoader().Parse("name: Not A Name\n", "web.yaml"));
  EXPECT_EQ(invalid.app(), "");
  invalid = std::get<v1::SpecInvalid>(SpecLoader().Parse("name: [web\n", "web.yaml"));
  EXPECT_EQ(invalid.app(), "");
}

TEST(SpecLoaderTest, ReadErrorsAreInvalidFiles) {
  TempDir dir;
  auto missing = std::get<v1::SpecInvalid>(SpecLoader().LoadFile(dir.path() + "/nope.yaml"));
  EXPECT_EQ(missing.file(), dir.path() + "/nope.yaml");
  ASSERT_EQ(missing.errors_size(), 1);
  EXPECT_THAT(missing.errors(0).message(), HasSubstr("cannot read the file"));

  auto directory = std::get<v1::SpecInvalid>(SpecLoader().LoadFile(dir.path()));
  EXPECT_THAT(directory.errors(0).message(), HasSubstr("not a regular file"));

  std::string big = dir.Write("big.yaml", "name: web\n" + std::string(2000, '#') + "\n");
  auto too_big = std::get<v1::SpecInvalid>(SpecLoader({.max_file_bytes = 1000}).LoadFile(big));
  EXPECT_THAT(too_big.errors(0).message(), HasSubstr("larger than 1000 bytes"));

  std::string ok = dir.Write("ok.yaml", kValid);
  EXPECT_TRUE(std::holds_alternative<v1::SpecChanged>(SpecLoader().LoadFile(ok)));
}

TEST(SpecLoaderTest, FormatSpecError) {
  v1::SpecError error;
  error.set_message("boom");
  EXPECT_EQ(FormatSpecError("a.yaml", error), "a.yaml: boom");
  error.set_field("container.port");
  error.set_line(3);
  EXPECT_EQ(FormatSpecError("a.yaml", error), "a.yaml:3: container.port: boom");
  error.set_column(5);
  EXPECT_EQ(FormatSpecError("a.yaml", error), "a.yaml:3:5: container.port: boom");
}

}  // namespace
}  // namespace wharf::spec
