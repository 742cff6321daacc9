// Drift, end to end against the local cloud, changed and checked with the AWS
// CLI (not Wharf): what is changed behind Wharf's back is put back within a
// drift poll or two, with only the correcting calls; a field another owner
// holds (the autoscaler's desired count) is left alone; an observe-only app
// reports DRIFTED and writes nothing; existing objects of the app's names are
// adopted when compatible, refused before any change when not, and objects of
// other names are never touched.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/integration/stack_fixture.h"

namespace wharf::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPollMs = 1500;
// Wharf's correction, by its own events: the poll that follows the change
// (one period, or two when a refresh was already reading), its refresh and
// the correcting apply.
constexpr int64_t kCorrectionBoundMs = 2 * kPollMs + 3000;
// The AWS CLI's view of it: the same plus the CLI's own reads (about half a
// second per call here, five calls a round).
constexpr std::chrono::milliseconds kCliBound(2 * kPollMs + 15000);

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Fixed(const std::string& name) {
  return MinimalSpec(name) + "scaling:\n  desired_count: 2\n";
}

std::string Autoscaled(const std::string& name) {
  return MinimalSpec(name) +
         "scaling:\n  desired_count: 2\n"
         "  autoscaling:\n    min: 2\n    max: 6\n    target_cpu_percent: 60\n";
}

class DriftTest : public StackFixture {
 protected:
  void SetUp() override { drift_poll_ms_ = kPollMs; }

  test_support::CommandResult Wharf(const std::string& args) {
    return RunCommand(std::string(WHARF_TEST_BIN_DIR) + "/wharf --state-dir " + state_dir_ + " " +
                      args + " 2>&1");
  }

  nlohmann::json AwsJson(const std::string& args) {
    auto r = Aws(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    auto json = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << args << "\n" << r.output;
    return json;
  }

  // Runs a mutating AWS CLI command; fails the test when it fails.
  nlohmann::json AwsDo(const std::string& args) {
    auto r = Aws(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    if (r.output.find_first_not_of(" \n") == std::string::npos) return nlohmann::json::object();
    return nlohmann::json::parse(r.output, nullptr, false);
  }

  nlohmann::json Counters() {
    auto r = RunCommand("curl -sf " + stack_->cloud_endpoint() + "/_localcloud/counters");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output, nullptr, false);
  }
  void ResetCounters() {
    auto r = RunCommand("curl -sf -X DELETE " + stack_->cloud_endpoint() + "/_localcloud/counters");
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  // Every mutating call, "service.Operation" -> count.
  std::map<std::string, int> Mutations() {
    auto counters = Counters();
    std::map<std::string, int> out;
    for (auto& [service, s] : counters["services"].items()) {
      for (auto& [op, c] : s["operations"].items()) {
        if (c["mutating"].get<int>() > 0) out[service + "." + op] = c["mutating"].get<int>();
      }
    }
    return out;
  }

  // Deploys through the spec directory and waits for the first convergence.
  void Deploy(const std::string& app, const std::string& yaml) {
    WriteSpec(app + ".yaml", yaml);
    ASSERT_TRUE(WaitFor([&](const v1::Envelope& e) {
      return IsAppPhase(e, app, v1::APP_PHASE_CONVERGED);
    })) << Logs();
  }

  // Polls `check` (AWS CLI reads) until it holds or `bound` passes; returns
  // how long it took, or nullopt.
  std::optional<std::chrono::milliseconds> Until(const std::function<bool()>& check,
                                                 std::chrono::milliseconds bound) {
    const auto start = Clock::now();
    while (Clock::now() - start < bound) {
      if (check()) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      }
      for (const auto& line : stack_->Tick()) unexpected_exits_.push_back(line);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return std::nullopt;
  }

  // Waits until `n` more app statuses of `phase` than now were published for
  // `app` (each drift poll of a quiet app publishes one).
  // Waits (bounded) until the controller has read the app's resources from
  // AWS `n` more times: each refresh describes the service once, and a
  // steady app's poll publishes nothing to wait on.
  bool WaitForPolls(int n, std::chrono::seconds bound = std::chrono::seconds(30)) {
    auto reads = [&] {
      auto c = Counters();
      auto s = c["services"].find("ecs");
      if (s == c["services"].end()) return 0;
      auto o = (*s)["operations"].find("DescribeServices");
      return o == (*s)["operations"].end() ? 0 : (*o)["calls"].get<int>();
    };
    const int target = reads() + n;
    const auto deadline = Clock::now() + bound;
    while (Clock::now() < deadline) {
      if (reads() >= target) return true;
      for (const auto& line : stack_->Tick()) unexpected_exits_.push_back(line);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  nlohmann::json Service(const std::string& app) {
    auto described = AwsJson("ecs describe-services --cluster " + app + " --services " + app);
    EXPECT_EQ(described["services"].size(), 1u) << described.dump();
    return described["services"].empty() ? nlohmann::json::object() : described["services"][0];
  }

  nlohmann::json SecurityGroup(const std::string& name) {
    auto groups = AwsJson("ec2 describe-security-groups --filters Name=group-name,Values=" + name);
    EXPECT_EQ(groups["SecurityGroups"].size(), 1u) << name << "\n" << groups.dump();
    return groups["SecurityGroups"].empty() ? nlohmann::json::object()
                                            : groups["SecurityGroups"][0];
  }

  std::string DefaultVpc() {
    auto vpcs = AwsJson("ec2 describe-vpcs --filters Name=isDefault,Values=true");
    EXPECT_EQ(vpcs["Vpcs"].size(), 1u) << vpcs.dump();
    return vpcs["Vpcs"].empty() ? "" : vpcs["Vpcs"][0]["VpcId"].get<std::string>();
  }

  static std::map<std::string, std::string> TagMap(const nlohmann::json& tags, const char* key,
                                                   const char* value) {
    std::map<std::string, std::string> out;
    for (const auto& t : tags) out[t[key].get<std::string>()] = t[value].get<std::string>();
    return out;
  }
};

// (a) desired count, (b) the tasks group's ingress rule, (c) the listener's
// default action, (d) the service's task definition: all changed with the
// CLI, all back within two polls, with only correcting calls.
TEST_F(DriftTest, DriftIsCorrectedWithinAPollWithOnlyCorrectingCalls) {
  StartStack();
  const std::string app = "drifty";
  ASSERT_NO_FATAL_FAILURE(Deploy(app, Fixed(app)));

  auto service = Service(app);
  ASSERT_EQ(service["desiredCount"], 2);
  const std::string service_arn = service["serviceArn"];
  const std::string first_revision = service["taskDefinition"];
  const auto first_definition =
      AwsJson("ecs describe-task-definition --include TAGS --task-definition " + first_revision);
  const auto wharf_tags = TagMap(first_definition["tags"], "key", "value");
  ASSERT_TRUE(wharf_tags.count("wharf:content-hash")) << first_definition.dump();
  const std::string content_hash = wharf_tags.at("wharf:content-hash");
  const std::string image = first_definition["taskDefinition"]["containerDefinitions"][0]["image"];

  auto lbs = AwsJson("elbv2 describe-load-balancers --names " + app);
  ASSERT_EQ(lbs["LoadBalancers"].size(), 1u);
  const std::string lb_arn = lbs["LoadBalancers"][0]["LoadBalancerArn"];
  auto tgs = AwsJson("elbv2 describe-target-groups --names " + app);
  ASSERT_EQ(tgs["TargetGroups"].size(), 1u);
  const std::string tg_arn = tgs["TargetGroups"][0]["TargetGroupArn"];
  auto listeners = AwsJson("elbv2 describe-listeners --load-balancer-arn " + lb_arn);
  ASSERT_EQ(listeners["Listeners"].size(), 1u);
  const std::string listener_arn = listeners["Listeners"][0]["ListenerArn"];
  ASSERT_EQ(listeners["Listeners"][0]["DefaultActions"][0]["TargetGroupArn"], tg_arn);

  const std::string alb_sg = SecurityGroup(app + "-alb")["GroupId"];
  const auto tasks_group = SecurityGroup(app + "-tasks");
  const std::string tasks_sg = tasks_group["GroupId"];
  ASSERT_EQ(tasks_group["IpPermissions"].size(), 1u) << tasks_group.dump();
  ASSERT_EQ(tasks_group["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], alb_sg);

  // --- drift, behind Wharf's back ---
  ResetCounters();
  const int64_t drift_started_ms = NowUnixMs();
  AwsDo("ecs update-service --cluster " + app + " --service " + app + " --desired-count 5");
  std::string rule_id;
  const auto rules =
      AwsJson("ec2 describe-security-group-rules --filters Name=group-id,Values=" + tasks_sg);
  for (const auto& rule : rules["SecurityGroupRules"]) {
    if (!rule["IsEgress"].get<bool>()) rule_id = rule["SecurityGroupRuleId"];
  }
  ASSERT_FALSE(rule_id.empty()) << rules.dump() << "\n" << SecurityGroup(app + "-tasks").dump();
  AwsDo("ec2 revoke-security-group-ingress --group-id " + tasks_sg + " --security-group-rule-ids " +
        rule_id);
  AwsDo("elbv2 modify-listener --listener-arn " + listener_arn +
        " --default-actions '[{\"Type\":\"fixed-response\",\"FixedResponseConfig\":"
        "{\"StatusCode\":\"503\",\"ContentType\":\"text/plain\",\"MessageBody\":\"drift\"}}]'");
  auto other = AwsDo("ecs register-task-definition --family " + app +
                     " --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256"
                     " --memory 512 --container-definitions '[{\"name\":\"app\",\"image\":"
                     "\"public.ecr.aws/docker/library/python:drifted\",\"essential\":true,"
                     "\"portMappings\":[{\"containerPort\":8000}]}]'");
  const std::string other_revision = other["taskDefinition"]["taskDefinitionArn"];
  AwsDo("ecs update-service --cluster " + app + " --service " + app + " --task-definition " +
        other_revision);
  const int64_t drifted_ms = NowUnixMs();

  // --- each is back as the spec says, read with the CLI ---
  std::string last;
  auto back = [&] {
    std::string wrong;
    const auto s = Service(app);
    if (s["desiredCount"] != 2) wrong += "desired count " + s["desiredCount"].dump() + "; ";
    const std::string revision = s.value("taskDefinition", "");
    if (revision == other_revision) {
      wrong += "task definition " + revision + "; ";
    } else {
      const auto d =
          AwsJson("ecs describe-task-definition --include TAGS --task-definition " + revision);
      const auto tags = TagMap(d["tags"], "key", "value");
      if (!tags.count("wharf:content-hash") || tags.at("wharf:content-hash") != content_hash ||
          d["taskDefinition"]["containerDefinitions"][0]["image"] != image) {
        wrong += "task definition " + revision + " is not the spec's; ";
      }
    }
    const auto g = SecurityGroup(app + "-tasks");
    if (g["IpPermissions"].size() != 1 || g["IpPermissions"][0]["FromPort"] != 8000 ||
        g["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] != alb_sg) {
      wrong += "ingress " + g["IpPermissions"].dump() + "; ";
    }
    const auto l = AwsJson("elbv2 describe-listeners --listener-arns " + listener_arn);
    const auto& action = l["Listeners"][0]["DefaultActions"][0];
    if (action["Type"] != "forward" || action.value("TargetGroupArn", "") != tg_arn) {
      wrong += "listener " + action.dump() + "; ";
    }
    last = wrong;
    return wrong.empty();
  };
  ASSERT_TRUE(Until(back, kCliBound))
      << "still drifted after " << kCliBound.count() << " ms: " << last << "\n"
      << Logs();
  // When Wharf was done: the first convergence after its last apply since
  // the drift began.
  int64_t converged_ms = 0;
  for (const auto& e : Events()) {
    if (e.timestamp_unix_ms() < drift_started_ms) continue;
    if (IsAppPhase(e, app, v1::APP_PHASE_APPLYING)) converged_ms = -1;
    if (IsAppPhase(e, app, v1::APP_PHASE_CONVERGED) && converged_ms == -1) {
      converged_ms = e.timestamp_unix_ms();
    }
  }
  ASSERT_GT(converged_ms, 0) << "no corrected convergence on the bus";
  std::printf("drift corrected by Wharf %lld ms after the last change (poll %d ms)\n",
              static_cast<long long>(converged_ms - drifted_ms), kPollMs);
  EXPECT_LE(converged_ms - drifted_ms, kCorrectionBoundMs);

  // One more poll: nothing left to correct, so no further write.
  ASSERT_TRUE(WaitForPolls(2));
  auto calls = Mutations();
  // The test's own calls: UpdateService x2, RevokeSecurityGroupIngress,
  // ModifyListener, RegisterTaskDefinition.
  const std::map<std::string, int> own = {{"ec2.RevokeSecurityGroupIngress", 1},
                                          {"ecs.RegisterTaskDefinition", 1},
                                          {"ecs.UpdateService", 2},
                                          {"elasticloadbalancing.ModifyListener", 1}};
  std::map<std::string, int> wharf_calls = calls;
  for (const auto& [op, n] : own) {
    EXPECT_GE(wharf_calls[op], n) << op;
    wharf_calls[op] -= n;
    if (wharf_calls[op] == 0) wharf_calls.erase(op);
  }
  // Corrections only: the rule authorized again, the listener modified back,
  // the spec's revision registered again (the newest ACTIVE one was not
  // Wharf's) and the service updated: count and revision in one call when
  // no poll fell between the test's changes; else one per poll that saw a
  // change: the count, the re-registered revision (a poll between the
  // test's register and its update-service), the service's revision.
  const int updates = wharf_calls.count("ecs.UpdateService") ? wharf_calls["ecs.UpdateService"] : 0;
  EXPECT_GE(updates, 1);
  EXPECT_LE(updates, 3);
  wharf_calls.erase("ecs.UpdateService");
  EXPECT_EQ(wharf_calls, (std::map<std::string, int>{{"ec2.AuthorizeSecurityGroupIngress", 1},
                                                     {"ecs.RegisterTaskDefinition", 1},
                                                     {"elasticloadbalancing.ModifyListener", 1}}))
      << nlohmann::json(calls).dump();
  // Nothing was made again.
  EXPECT_EQ(Service(app)["serviceArn"], service_arn);
  EXPECT_EQ(AwsJson("elbv2 describe-load-balancers")["LoadBalancers"].size(), 1u);
  EXPECT_EQ(AwsJson("elbv2 describe-target-groups")["TargetGroups"].size(), 1u);
  EXPECT_EQ(AwsJson("elbv2 describe-listeners --load-balancer-arn " + lb_arn)["Listeners"].size(),
            1u);
  EXPECT_EQ(Mutations(), calls) << "a write after the drift was corrected";
  EXPECT_TRUE(unexpected_exits_.empty());
}

// With autoscaling on, the autoscaler owns the desired count: a count set
// outside Wharf stays.
TEST_F(DriftTest, DesiredCountOwnedByTheAutoscalerIsLeftAlone) {
  StartStack();
  const std::string app = "scaled";
  ASSERT_NO_FATAL_FAILURE(Deploy(app, Autoscaled(app)));
  ASSERT_EQ(Service(app)["desiredCount"], 2);

  ResetCounters();
  AwsDo("ecs update-service --cluster " + app + " --service " + app + " --desired-count 4");
  // Two drift polls, each a whole refresh and plan.
  ASSERT_TRUE(WaitForPolls(2)) << Logs();
  EXPECT_EQ(Service(app)["desiredCount"], 4);
  EXPECT_EQ(Mutations(), (std::map<std::string, int>{{"ecs.UpdateService", 1}}))
      << "only the test's own UpdateService";
  EXPECT_TRUE(unexpected_exits_.empty());
}

// An observe-only app reports what differs and writes nothing.
TEST_F(DriftTest, ObserveOnlyReportsDriftAndChangesNothing) {
  StartStack();
  const std::string app = "watched";
  ASSERT_NO_FATAL_FAILURE(Deploy(app, Fixed(app)));

  // The same app, now observe-only; in force once a status of its hash came.
  WriteSpec(app + ".yaml", Fixed(app) + "policy:\n  mode: OBSERVE_ONLY\n");
  std::string hash;
  ASSERT_TRUE(WaitFor([&](const v1::Envelope& e) {
    if (e.has_spec_changed() && e.spec_changed().spec().name() == app &&
        e.spec_changed().spec().policy().mode() == v1::OBSERVE_ONLY) {
      hash = e.spec_changed().spec_hash();
    }
    return !hash.empty();
  })) << Logs();
  ASSERT_TRUE(WaitFor([&](const v1::Envelope& e) {
    return IsAppPhase(e, app, v1::APP_PHASE_CONVERGED) && e.app_status().spec_hash() == hash;
  })) << "the observe-only spec, with nothing to report, is in sync\n"
      << Logs();

  ResetCounters();
  AwsDo("ecs update-service --cluster " + app + " --service " + app + " --desired-count 5");
  std::string message;
  ASSERT_TRUE(WaitFor(
      [&](const v1::Envelope& e) {
        if (!IsAppPhase(e, app, v1::APP_PHASE_DRIFTED)) return false;
        message = e.app_status().message();
        return true;
      },
      std::chrono::seconds(20)))
      << Logs();
  EXPECT_NE(message.find("ECS_SERVICE " + app), std::string::npos) << message;
  EXPECT_NE(message.find("desired_count"), std::string::npos) << message;
  EXPECT_NE(message.find("5 -> 2"), std::string::npos) << message;
  // Still not corrected after the next polls.
  ASSERT_TRUE(WaitForPolls(2)) << Logs();
  EXPECT_EQ(Service(app)["desiredCount"], 5);
  EXPECT_EQ(Mutations(), (std::map<std::string, int>{{"ecs.UpdateService", 1}}))
      << "only the test's own UpdateService";
  // `wharf status` says so too.
  std::string status;
  EXPECT_TRUE(Until(
      [&] {
        status = Wharf("status " + app + " --json").output;
        return status.find("APP_PHASE_DRIFTED") != std::string::npos;
      },
      std::chrono::seconds(10)))
      << status;
  EXPECT_TRUE(unexpected_exits_.empty());
}

// A log group and a cluster of the app's names, made before: adopted (one of
// each, now tagged by Wharf). A security group and a target group of other
// names: the same before and after an apply and a destroy.
TEST_F(DriftTest, CompatibleObjectsAreAdoptedAndOthersAreNotTouched) {
  StartStack();
  const std::string app = "adopter";
  const std::string vpc = DefaultVpc();
  ASSERT_FALSE(vpc.empty());
  AwsDo("logs create-log-group --log-group-name /ecs/" + app);
  AwsDo("logs put-retention-policy --log-group-name /ecs/" + app + " --retention-in-days 30");
  AwsDo("ecs create-cluster --cluster-name " + app);
  const std::string foreign_sg =
      AwsDo("ec2 create-security-group --group-name bystander --description 'not wharf' --vpc-id " +
            vpc)["GroupId"];
  AwsDo("ec2 authorize-security-group-ingress --group-id " + foreign_sg +
        " --protocol tcp --port 5432 --cidr 10.0.0.0/16");
  AwsDo(
      "elbv2 create-target-group --name bystander --protocol HTTP --port 7000 --target-type ip "
      "--vpc-id " +
      vpc);
  auto foreign = [&] {
    return std::make_pair(
        AwsJson("ec2 describe-security-groups --group-ids " + foreign_sg)["SecurityGroups"],
        AwsJson("elbv2 describe-target-groups --names bystander")["TargetGroups"]);
  };
  const auto before = foreign();
  ASSERT_EQ(before.second.size(), 1u);
  const std::string foreign_tg = before.second[0]["TargetGroupArn"];
  const auto foreign_tg_tags =
      AwsJson("elbv2 describe-tags --resource-arns " + foreign_tg)["TagDescriptions"];

  const std::string file = state_dir_ + "/" + app + ".yaml";
  std::ofstream(file) << Fixed(app);
  ResetCounters();
  auto applied = Wharf("apply --timeout 120 " + file);
  ASSERT_EQ(applied.exit_code, 0) << applied.output << "\n" << Logs();
  auto calls = Mutations();
  EXPECT_EQ(calls.count("logs.CreateLogGroup"), 0u) << nlohmann::json(calls).dump();
  EXPECT_EQ(calls.count("ecs.CreateCluster"), 0u) << nlohmann::json(calls).dump();

  auto groups = AwsJson("logs describe-log-groups --log-group-name-prefix /ecs/" + app);
  ASSERT_EQ(groups["logGroups"].size(), 1u) << groups.dump();
  EXPECT_EQ(groups["logGroups"][0]["retentionInDays"], 30);
  auto group_tags = AwsJson("logs list-tags-log-group --log-group-name /ecs/" + app)["tags"];
  EXPECT_EQ(group_tags.value("wharf:app", ""), app) << group_tags.dump();
  EXPECT_EQ(group_tags.value("wharf:managed-by", ""), "wharf") << group_tags.dump();

  auto clusters = AwsJson("ecs list-clusters")["clusterArns"];
  ASSERT_EQ(clusters.size(), 1u) << clusters.dump();
  auto cluster = AwsJson("ecs describe-clusters --include TAGS --clusters " + app)["clusters"];
  ASSERT_EQ(cluster.size(), 1u);
  auto cluster_tags = TagMap(cluster[0]["tags"], "key", "value");
  EXPECT_EQ(cluster_tags["wharf:app"], app);
  EXPECT_EQ(cluster_tags["wharf:managed-by"], "wharf");
  EXPECT_EQ(Service(app)["status"], "ACTIVE");

  EXPECT_EQ(foreign(), before);
  auto destroyed = Wharf("destroy --timeout 120 " + app);
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.output << "\n" << Logs();
  EXPECT_EQ(foreign(), before);
  EXPECT_EQ(AwsJson("elbv2 describe-tags --resource-arns " + foreign_tg)["TagDescriptions"],
            foreign_tg_tags);
  EXPECT_TRUE(unexpected_exits_.empty());
}

// A target group of the app's name serving another port cannot be adopted:
// the apply fails before any change, saying what differs.
TEST_F(DriftTest, IncompatibleTargetGroupStopsTheApplyBeforeAnyChange) {
  StartStack();
  const std::string app = "clash";
  const std::string vpc = DefaultVpc();
  ASSERT_FALSE(vpc.empty());
  AwsDo("elbv2 create-target-group --name " + app +
        " --protocol HTTP --port 9000 --target-type ip --vpc-id " + vpc);
  const auto before = AwsJson("elbv2 describe-target-groups --names " + app)["TargetGroups"];
  ASSERT_EQ(before.size(), 1u);
  const std::string tg_arn = before[0]["TargetGroupArn"];

  const std::string file = state_dir_ + "/" + app + ".yaml";
  std::ofstream(file) << Fixed(app);
  ResetCounters();
  auto applied = Wharf("apply --timeout 60 " + file);
  EXPECT_NE(applied.exit_code, 0) << applied.output;
  EXPECT_NE(applied.output.find("PreflightFailed"), std::string::npos) << applied.output;
  EXPECT_NE(applied.output.find("target group " + app + " exists with port 9000"),
            std::string::npos)
      << applied.output;
  EXPECT_NE(applied.output.find("container.port is 8000"), std::string::npos) << applied.output;
  EXPECT_EQ(Mutations(), (std::map<std::string, int>{})) << Logs();

  EXPECT_EQ(AwsJson("elbv2 describe-target-groups --names " + app)["TargetGroups"], before);
  EXPECT_TRUE(AwsJson("elbv2 describe-tags --resource-arns " + tg_arn)["TagDescriptions"][0]["Tags"]
                  .empty());
  EXPECT_TRUE(AwsJson("elbv2 describe-load-balancers")["LoadBalancers"].empty());
  EXPECT_TRUE(AwsJson("ecs list-clusters")["clusterArns"].empty());
  EXPECT_TRUE(unexpected_exits_.empty());
}

}  // namespace
}  // namespace wharf::testing
