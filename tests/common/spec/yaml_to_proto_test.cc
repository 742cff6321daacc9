#include "common/spec/yaml_to_proto.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "wharf/v1/app.pb.h"
#include "wharf/v1/config.pb.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::spec {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct ErrorCase {
  const char* name;
  const char* yaml;
  const char* field;
  int line;
  int column;
  const char* message_has;
};

class YamlToProtoErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(YamlToProtoErrorTest, ReportsFieldPositionAndMessage) {
  const ErrorCase& c = GetParam();
  v1::AppSpec spec;
  YamlToProtoResult result = YamlToProto(c.yaml, spec);
  ASSERT_EQ(result.errors.size(), 1u) << c.yaml;
  const v1::SpecError& error = result.errors[0];
  EXPECT_EQ(error.field(), c.field);
  EXPECT_EQ(error.line(), c.line);
  EXPECT_EQ(error.column(), c.column);
  EXPECT_THAT(error.message(), HasSubstr(c.message_has));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, YamlToProtoErrorTest,
    ::testing::Values(
        ErrorCase{"UnknownFieldSuggests", "name: web\ncontainer:\n  prot: 8000\n", "container.prot",
                  3, 3, "unknown field 'prot'; did you mean 'port'?"},
        ErrorCase{"UnknownFieldOneLevelTooHigh", "name: web\nport: 8000\n", "port", 2, 1,
                  "did you mean 'container.port'?"},
        ErrorCase{"UnknownFieldListsKnownFields", "zzzzzzzz: 1\n", "zzzzzzzz", 1, 1,
                  "known fields: api_version, name"},
        ErrorCase{"StringForInt", "container:\n  port: eighty\n", "container.port", 2, 9,
                  "expected an integer, got 'eighty'"},
        ErrorCase{"FloatForInt", "compute:\n  cpu: 0.5\n", "compute.cpu", 2, 8,
                  "expected an integer"},
        ErrorCase{"ListForMap", "container: [1, 2]\n", "container", 1, 12,
                  "expected a map of Container fields, got a list"},
        ErrorCase{"MapForList", "container:\n  command: {a: b}\n", "container.command", 2, 12,
                  "expected a list, got a map"},
        ErrorCase{"MapForScalar", "name:\n  first: web\n", "name", 2, 3,
                  "expected a string, got a map"},
        ErrorCase{"BadEnumListsAllowed", "deployment:\n  strategy: sideways\n",
                  "deployment.strategy", 2, 13,
                  "expected one of ROLLING, BLUE_GREEN, CANARY, LINEAR, got 'sideways'"},
        ErrorCase{"BadEnumSuggests", "deployment:\n  strategy: canery\n", "deployment.strategy", 2,
                  13, "did you mean 'CANARY'?"},
        ErrorCase{"BadEnumInList", "alarms:\n  - metric: CPU_UTILIZATION\n  - metric: LATENCY\n",
                  "alarms[1].metric", 3, 13, "TARGET_5XX_COUNT"},
        ErrorCase{"IntOutOfRange", "compute:\n  cpu: 99999999999\n", "compute.cpu", 2, 8,
                  "out of range for int32"},
        ErrorCase{"BadBool", "image:\n  external: maybe\n", "image.external", 2, 13,
                  "expected true or false"},
        ErrorCase{"BrokenYaml", "name: web\ncontainer:\n  command: [a, b\n", "", 4, 1,
                  "invalid YAML"},
        ErrorCase{"TabIndent", "name: web\ncontainer:\n\tport: 1\n", "", 3, 6, "invalid YAML"},
        ErrorCase{"RootIsList", "- name: web\n", "", 1, 1, "expected a map of AppSpec fields"},
        ErrorCase{"DuplicateField", "name: a\nname: b\n", "name", 2, 1, "more than once"},
        ErrorCase{"SnakeAndCamelDuplicate", "load_balancer: {}\nloadBalancer: {}\n",
                  "load_balancer", 2, 1, "more than once"},
        ErrorCase{"DuplicateMapKey", "tags:\n  a: 1\n  a: 2\n", "tags.a", 3, 3,
                  "key 'a' is given more than once"},
        ErrorCase{"TwoDocuments", "name: a\n---\nname: b\n", "", 3, 1,
                  "expected one YAML document, found 2"},
        ErrorCase{"EmptyListItem", "container:\n  command:\n    - gunicorn\n    -\n",
                  "container.command[1]", 3, 5, "empty list item"},
        ErrorCase{"NotUtf8", "name: web\ndescription: caf\xe9\n", "", 2, 17, "not valid UTF-8"},
        ErrorCase{"EnvValueList", "container:\n  environment:\n    A: [x, y]\n",
                  "container.environment.A", 3, 8, "expected a string, got a list"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(YamlToProtoTest, ReportsEveryErrorInDocumentOrder) {
  v1::AppSpec spec;
  YamlToProtoResult result = YamlToProto("nme: web\ncompute:\n  cpu: big\n  memroy: 1024\n", spec);
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].field(), "nme");
  EXPECT_EQ(result.errors[1].field(), "compute.cpu");
  EXPECT_EQ(result.errors[2].field(), "compute.memroy");
  EXPECT_THAT(result.errors[2].message(), HasSubstr("did you mean 'memory'?"));
}

TEST(YamlToProtoTest, EnumsAreCaseInsensitiveAndAcceptDashes) {
  for (const char* written : {"blue_green", "BLUE_GREEN", "Blue-Green", "blue-green"}) {
    v1::AppSpec spec;
    YamlToProtoResult result =
        YamlToProto(std::string("deployment:\n  strategy: ") + written + "\n", spec);
    ASSERT_TRUE(result.ok()) << written << ": " << result.errors[0].message();
    EXPECT_EQ(spec.deployment().strategy(), v1::BLUE_GREEN) << written;
  }
  v1::AppSpec spec;
  ASSERT_TRUE(
      YamlToProto("deployment: {strategy: rolling}\ncompute: {architecture: arm64}\n", spec).ok());
  EXPECT_EQ(spec.deployment().strategy(), v1::ROLLING);
  EXPECT_EQ(spec.compute().architecture(), v1::ARM64);
}

TEST(YamlToProtoTest, AcceptsSnakeCaseAndCamelCaseNames) {
  v1::AppSpec snake;
  v1::AppSpec camel;
  ASSERT_TRUE(YamlToProto("load_balancer:\n  health_check:\n    path: /healthz/\n", snake).ok());
  YamlToProtoResult result =
      YamlToProto("loadBalancer:\n  healthCheck:\n    path: /healthz/\n", camel);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(snake.load_balancer().health_check().path(), "/healthz/");
  EXPECT_EQ(camel.SerializeAsString(), snake.SerializeAsString());
  // Marks use the proto names whatever the spelling.
  ASSERT_TRUE(result.marks.contains("load_balancer.health_check.path"));
  EXPECT_EQ(result.marks.at("load_balancer.health_check.path").line, 3);
  EXPECT_EQ(result.marks.at("load_balancer.health_check.path").column, 5);
}

TEST(YamlToProtoTest, MapScalarsBecomeStrings) {
  v1::AppSpec spec;
  YamlToProtoResult result = YamlToProto(
      "container:\n  environment:\n    PORT: 8000\n    DEBUG: false\n    RATIO: 1.50\n"
      "    EMPTY:\n    QUOTED: \"yes\"\n",
      spec);
  ASSERT_TRUE(result.ok()) << result.errors[0].message();
  const auto& env = spec.container().environment();
  EXPECT_EQ(env.at("PORT"), "8000");
  EXPECT_EQ(env.at("DEBUG"), "false");
  EXPECT_EQ(env.at("RATIO"), "1.50");  // the text as written
  EXPECT_EQ(env.at("EMPTY"), "");
  EXPECT_EQ(env.at("QUOTED"), "yes");
}

TEST(YamlToProtoTest, StringFieldsKeepNumericText) {
  v1::AppSpec spec;
  ASSERT_TRUE(YamlToProto("image:\n  tag: 1.10\n", spec).ok());
  EXPECT_EQ(spec.image().tag(), "1.10");
}

TEST(YamlToProtoTest, NullMessageIsPresentNullScalarIsUnset) {
  v1::AppSpec spec;
  ASSERT_TRUE(YamlToProto("scaling:\n  autoscaling:\nname: ~\n", spec).ok());
  EXPECT_TRUE(spec.scaling().has_autoscaling());
  EXPECT_EQ(spec.name(), "");
}

TEST(YamlToProtoTest, EmptyDocumentsLeaveTheMessageEmpty) {
  for (const char* yaml : {"", "\n", "# only a comment\n", "---\n"}) {
    v1::AppSpec spec;
    spec.set_name("stale");
    YamlToProtoResult result = YamlToProto(yaml, spec);
    EXPECT_TRUE(result.ok()) << yaml;
    EXPECT_EQ(spec.ByteSizeLong(), 0u) << yaml;
  }
}

TEST(YamlToProtoTest, NumbersAndLists) {
  v1::AppSpec spec;
  YamlToProtoResult result = YamlToProto(
      "alarms:\n  - metric: cpu_utilization\n    threshold: 75.5\n  - metric: TARGET_5XX_COUNT\n"
      "    threshold: 3\n    rollback: yes\n"
      "migration:\n  command: [python, manage.py, migrate]\n  timeout_seconds: +600\n",
      spec);
  ASSERT_TRUE(result.ok()) << result.errors[0].message();
  ASSERT_EQ(spec.alarms_size(), 2);
  EXPECT_DOUBLE_EQ(spec.alarms(0).threshold(), 75.5);
  EXPECT_EQ(spec.alarms(1).metric(), v1::TARGET_5XX_COUNT);
  EXPECT_TRUE(spec.alarms(1).rollback());
  EXPECT_EQ(spec.migration().command_size(), 3);
  EXPECT_EQ(spec.migration().timeout_seconds(), 600);
  EXPECT_EQ(result.marks.at("alarms[1]").line, 4);
  EXPECT_EQ(result.marks.at("alarms[1].metric").line, 4);
  EXPECT_EQ(result.marks.at("alarms[1].metric").column, 5);
}

TEST(YamlToProtoTest, SixtyFourBitIntegersKeepEveryDigit) {
  v1::Envelope envelope;
  YamlToProtoResult result = YamlToProto(
      "sequence: 18446744073709551615\ntimestamp_unix_ms: -9223372036854775808\n", envelope);
  ASSERT_TRUE(result.ok()) << result.errors[0].message();
  EXPECT_EQ(envelope.sequence(), 18446744073709551615ull);
  EXPECT_EQ(envelope.timestamp_unix_ms(), INT64_MIN);

  result = YamlToProto("sequence: -1\n", envelope);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0].message(), HasSubstr("out of range for uint64"));
  result = YamlToProto("schema_version: 4294967296\n", envelope);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0].message(), HasSubstr("out of range for uint32"));
}

TEST(YamlToProtoTest, WorksForAnyMessage) {
  v1::WharfConfig config;
  YamlToProtoResult result = YamlToProto(
      "state_dir: /tmp/w\nbus:\n  publish: tcp://127.0.0.1:5555\nexecutors: 4\n"
      "required_watchers: [spec, cloud]\n",
      config);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(config.bus().publish(), "tcp://127.0.0.1:5555");
  EXPECT_EQ(config.executors(), 4);
  EXPECT_EQ(config.required_watchers_size(), 2);

  result = YamlToProto("bus:\n  publsh: x\n", config);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].field(), "bus.publsh");
  EXPECT_THAT(result.errors[0].message(), HasSubstr("did you mean 'publish'?"));
}

TEST(YamlToProtoTest, MapValuesAreNeverEchoed) {
  v1::AppSpec spec;
  YamlToProtoResult result =
      YamlToProto("container:\n  environment:\n    TOKEN: {hunter2: x}\n", spec);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0].message(), Not(HasSubstr("hunter2")));
}

TEST(YamlToProtoTest, LongValuesAreTruncatedInMessages) {
  v1::AppSpec spec;
  std::string long_value(200, 'x');
  YamlToProtoResult result = YamlToProto("compute:\n  cpu: " + long_value + "\n", spec);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_LT(result.errors[0].message().size(), 100u);
}

TEST(YamlToProtoTest, AcceptsUtf8) {
  v1::AppSpec spec;
  ASSERT_TRUE(YamlToProto("description: \"caf\xc3\xa9 \xf0\x9f\x9a\xa2\"\n", spec).ok());
  EXPECT_EQ(spec.description(), "caf\xc3\xa9 \xf0\x9f\x9a\xa2");
  // Overlong encodings and surrogates are not UTF-8.
  EXPECT_FALSE(YamlToProto("description: \xc0\xaf\n", spec).ok());
  EXPECT_FALSE(YamlToProto("description: \xed\xa0\x80\n", spec).ok());
}

TEST(EditDistanceTest, CountsTranspositionsAsOne) {
  EXPECT_EQ(EditDistance("port", "port"), 0u);
  EXPECT_EQ(EditDistance("prot", "port"), 1u);
  EXPECT_EQ(EditDistance("memroy", "memory"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace wharf::spec
