"""Injected faults (throttling, 5xx, latency) in each service's real error shape, and their counts."""

import json
import random
import sys
import time
import unittest

from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from botocore.awsrequest import HTTPHeaders
import botocore.session

from harness import REPO, LocalCloudTestCase

sys.path.insert(0, REPO)
from localcloud import errorshapes, ratelimits  # noqa: E402

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
REQUEST_ID = "0e2f5d6c-7a43-4b1e-9a55-3c1d2e4f5a6b"
_CLIENTS = {}


def cached_client(cloud, service):
    """A boto3 client without retries (counts stay exact), made once per cloud (making one costs ~0.1 s)."""
    key = (cloud.port, service)
    if key not in _CLIENTS:
        _CLIENTS[key] = cloud.client(service, config=NO_RETRIES)
    return _CLIENTS[key]


def parse_error(botocore_name: str, response: errorshapes.ErrorResponse, protocol: str = "") -> dict:
    """What botocore makes of `response` for a client of `botocore_name` (as ClientError.response)."""
    model = botocore.session.get_session().get_service_model(botocore_name)
    operation = model.operation_model(model.operation_names[0])
    headers = HTTPHeaders()
    for name, value in response.headers:
        headers[name] = value
    parser = create_parser(protocol or model.protocol)
    return parser.parse({"status_code": response.status, "headers": headers, "body": response.body},
                        operation.output_shape)


# signing name -> (botocore name, expected throttle code, status, 500 code, 503 code)
EXPECTED = {
    "ecs": ("ecs", "ThrottlingException", 400, "ServerException", "ServiceUnavailable"),
    "ecr": ("ecr", "ThrottlingException", 400, "ServerException", "ServiceUnavailable"),
    "logs": ("logs", "ThrottlingException", 400, "ServiceUnavailableException", "ServiceUnavailableException"),
    "application-autoscaling": ("application-autoscaling", "ThrottlingException", 400,
                                "InternalServiceException", "ServiceUnavailable"),
    "secretsmanager": ("secretsmanager", "ThrottlingException", 400, "InternalServiceError", "ServiceUnavailable"),
    "ssm": ("ssm", "ThrottlingException", 400, "InternalServerError", "ServiceUnavailable"),
    "events": ("events", "ThrottlingException", 400, "InternalException", "ServiceUnavailable"),
    "ec2": ("ec2", "RequestLimitExceeded", 503, "InternalError", "Unavailable"),
    "elasticloadbalancing": ("elbv2", "Throttling", 400, "InternalFailure", "ServiceUnavailable"),
    "iam": ("iam", "Throttling", 400, "InternalFailure", "ServiceUnavailable"),
    "sts": ("sts", "Throttling", 400, "InternalFailure", "ServiceUnavailable"),
    "monitoring": ("cloudwatch", "Throttling", 400, "InternalFailure", "ServiceUnavailable"),
    "sqs": ("sqs", "RequestThrottled", 400, "InternalFailure", "ServiceUnavailable"),
}


class ErrorShapesTest(unittest.TestCase):
    """errorshapes alone, parsed by botocore's own response parsers (no local cloud)."""

    def wire_protocol(self, service: str) -> str:
        """How the local cloud's AwsRequest names the protocol a client of `service` speaks."""
        return "json" if service in ("ecs", "ecr", "logs", "application-autoscaling", "secretsmanager", "ssm",
                                     "events", "sqs") else "query"

    def test_every_service_throttles_and_fails_in_its_own_shape(self):
        self.assertEqual(set(EXPECTED), set(errorshapes.SERVICES))
        for service, (name, throttle, throttle_status, code500, code503) in EXPECTED.items():
            protocol = self.wire_protocol(service)
            parser_protocol = "query" if name == "cloudwatch" else ""  # Wharf speaks Query to CloudWatch
            with self.subTest(service=service):
                for response, code, status in (
                    (errorshapes.throttling(service, protocol, REQUEST_ID), throttle, throttle_status),
                    (errorshapes.server_error(service, protocol, 500, REQUEST_ID), code500, 500),
                    (errorshapes.server_error(service, protocol, 503, REQUEST_ID), code503, 503),
                ):
                    self.assertEqual(response.status, status)
                    parsed = parse_error(name, response, parser_protocol)
                    self.assertEqual(parsed["Error"]["Code"], code)
                    self.assertTrue(parsed["Error"]["Message"])
                    self.assertEqual(parsed["ResponseMetadata"]["RequestId"], REQUEST_ID)
                    self.assertIn(("Content-Length", str(len(response.body))), response.headers)

    def test_namespaces_and_json_versions_match_the_service_models(self):
        session = botocore.session.get_session()
        for service, (name, *_rest) in EXPECTED.items():
            metadata = session.get_service_model(name).metadata
            errors = errorshapes.SERVICES[service]
            with self.subTest(service=service):
                if metadata.get("xmlNamespace") and service != "ec2":  # EC2's error body has no xmlns
                    self.assertEqual(errors.xml_namespace, metadata["xmlNamespace"])
                if metadata.get("jsonVersion"):
                    self.assertEqual(errors.json_version, metadata["jsonVersion"])
                self.assertEqual(errors.query_compatible, "awsQueryCompatible" in metadata)

    def test_exact_wire_forms(self):
        ecs = errorshapes.throttling("ecs", "json", REQUEST_ID)
        self.assertEqual(json.loads(ecs.body), {"__type": "ThrottlingException", "message": "Rate exceeded"})
        self.assertIn(("Content-Type", "application/x-amz-json-1.1"), ecs.headers)
        self.assertIn(("x-amzn-RequestId", REQUEST_ID), ecs.headers)
        ec2 = errorshapes.throttling("ec2", "query", REQUEST_ID).body.decode()
        self.assertIn("<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
                      "<Message>Request limit exceeded.</Message></Error></Errors>"
                      f"<RequestID>{REQUEST_ID}</RequestID></Response>", ec2)
        elb = errorshapes.throttling("elasticloadbalancing", "query", REQUEST_ID).body.decode()
        self.assertTrue(elb.startswith(
            '<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">'))
        self.assertIn("<Type>Sender</Type>", elb)
        self.assertIn("<Type>Receiver</Type>",
                      errorshapes.server_error("iam", "query", 500, REQUEST_ID).body.decode())

    def test_cbor_for_cloudwatch_clients_of_today(self):
        response = errorshapes.throttling("monitoring", "rpc-v2-cbor", REQUEST_ID)
        parsed = parse_error("cloudwatch", response, "smithy-rpc-v2-cbor")
        self.assertEqual(parsed["Error"]["Code"], "Throttling")
        self.assertEqual(parsed["Error"]["Message"], "Rate exceeded")
        self.assertEqual(parsed["ResponseMetadata"]["RequestId"], REQUEST_ID)
        long_text = "x" * 300  # two-byte CBOR lengths
        self.assertEqual(errorshapes.cbor_map({"m": long_text})[:5], bytes([0xA1, 0x61, ord("m"), 0x79, 0x01]))

    def test_request_ids_repeat_with_the_seed(self):
        first = [errorshapes.new_request_id(random.Random(5)) for _ in range(2)]
        self.assertEqual(first[0], first[1])
        self.assertRegex(first[0], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class FaultsTest(LocalCloudTestCase):
    def client(self, service):
        return cached_client(self.cloud, service)

    def faults(self, rules):
        return self.control_ok("POST", "faults", rules)["faults"]

    def counters(self):
        return self.control_ok("GET", "counters")

    def call_error(self, call):
        with self.assertRaises(ClientError) as caught:
            call()
        return caught.exception.response

    def assert_error(self, response, code, status):
        self.assertEqual(response["Error"]["Code"], code)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)
        self.assertRegex(response["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")

    def test_throttling_in_each_services_shape(self):
        self.faults([{"service": "ecs", "operation": "ListClusters", "kind": "throttle"},
                     {"service": "ec2", "operation": "DescribeVpcs", "kind": "throttle"},
                     {"service": "elbv2", "operation": "DescribeLoadBalancers", "kind": "throttle"}])
        ecs = self.call_error(lambda: self.client("ecs").list_clusters())
        self.assert_error(ecs, "ThrottlingException", 400)
        self.assertEqual(ecs["Error"]["Message"], "Rate exceeded")
        self.assert_error(self.call_error(lambda: self.client("ec2").describe_vpcs()), "RequestLimitExceeded", 503)
        self.assert_error(self.call_error(lambda: self.client("elbv2").describe_load_balancers()), "Throttling", 400)
        self.client("ecs").describe_clusters()  # other operations are untouched
        counts = self.counters()
        self.assertEqual(counts["total"]["calls"], 4)
        self.assertEqual(counts["total"]["throttled"], 3)
        self.assertEqual(counts["services"]["ec2"]["operations"]["DescribeVpcs"]["5xx"], 1)
        self.assertEqual(counts["services"]["ecs"]["operations"]["DescribeClusters"]["2xx"], 1)

    def test_rate_half_counts_agree_and_repeat_with_the_seed(self):
        def run():
            self.control_ok("POST", "reset", {"seed": self.seed})
            self.faults({"service": "ecs", "kind": "throttle", "rate": 0.5})
            ecs = self.client("ecs")
            outcomes = []
            for _ in range(20):
                try:
                    ecs.list_clusters()
                    outcomes.append("ok")
                except ClientError as err:
                    self.assertEqual(err.response["Error"]["Code"], "ThrottlingException")
                    outcomes.append("throttled")
            return outcomes

        first = run()
        throttled = first.count("throttled")
        self.assertTrue(0 < throttled < 20, first)
        op = self.counters()["services"]["ecs"]["operations"]["ListClusters"]
        self.assertEqual((op["calls"], op["throttled"], op["4xx"], op["2xx"]), (20, throttled, throttled, 20 - throttled))
        self.assertEqual(self.control_ok("GET", "faults")["faults"][0]["fired"], throttled)
        self.assertEqual(run(), first, "the same seed and calls must give the same injections")

    def test_server_errors(self):
        self.faults([{"service": "ecs", "kind": "error5xx"},
                     {"service": "ec2", "kind": "error5xx", "status": 503},
                     {"service": "iam", "kind": "error5xx", "status": 500}])
        self.assert_error(self.call_error(lambda: self.client("ecs").list_clusters()), "ServerException", 500)
        self.assert_error(self.call_error(lambda: self.client("ec2").describe_vpcs()), "Unavailable", 503)
        self.assert_error(self.call_error(lambda: self.client("iam").list_users()), "InternalFailure", 500)
        total = self.counters()["total"]
        self.assertEqual((total["error5xx"], total["5xx"], total["throttled"]), (3, 3, 0))

    def test_latency_adds_at_least_latency_ms(self):
        ecs = self.client("ecs")
        ecs.list_clusters()  # connection set up outside the measurement
        self.faults({"service": "ecs", "operation": "ListClusters", "kind": "latency", "latency_ms": 300})
        began = time.monotonic()
        ecs.list_clusters()
        elapsed = time.monotonic() - began
        self.assertGreaterEqual(elapsed, 0.3)
        self.assertLess(elapsed, 2.3)
        began = time.monotonic()
        ecs.describe_clusters()
        self.assertLess(time.monotonic() - began, 0.3, "latency only on the chosen operation")
        op = self.counters()["services"]["ecs"]["operations"]["ListClusters"]
        self.assertEqual((op["calls"], op["latency"], op["2xx"]), (2, 1, 2))

    def test_latency_then_throttle_both_apply(self):
        self.faults([{"service": "ecs", "kind": "latency", "latency_ms": 100},
                     {"service": "ecs", "kind": "throttle"}])
        began = time.monotonic()
        self.call_error(lambda: self.client("ecs").list_clusters())
        self.assertGreaterEqual(time.monotonic() - began, 0.1)
        op = self.counters()["services"]["ecs"]["operations"]["ListClusters"]
        self.assertEqual((op["latency"], op["throttled"]), (1, 1))

    def test_count_stops_a_rule(self):
        self.faults({"service": "ecs", "operation": "ListClusters", "kind": "throttle", "count": 2})
        ecs = self.client("ecs")
        for _ in range(2):
            self.call_error(ecs.list_clusters)
        ecs.list_clusters()
        ecs.list_clusters()
        self.assertEqual(self.control_ok("GET", "faults")["faults"][0]["fired"], 2)

    def test_rules_are_validated_all_or_nothing(self):
        bad = [
            ({"service": "ecss", "kind": "throttle"}, "'service' must be one of"),
            ({"service": "ecs", "kind": "explode"}, "'kind'"),
            ({"service": "ecs", "kind": "throttle", "rate": 1.5}, "'rate'"),
            ({"service": "ecs", "kind": "throttle", "rate": True}, "'rate'"),
            ({"service": "ecs", "kind": "error5xx", "status": 502}, "'status'"),
            ({"service": "ecs", "kind": "throttle", "status": 500}, "'status' is for kind 'error5xx'"),
            ({"service": "ecs", "kind": "latency"}, "'latency_ms'"),
            ({"service": "ecs", "kind": "latency", "latency_ms": -5}, "'latency_ms'"),
            ({"service": "ecs", "kind": "throttle", "count": 0}, "'count'"),
            ({"service": "ecs", "kind": "throttle", "oops": 1}, "unknown field"),
            ({"service": "ecs", "operation": "describeServices", "kind": "throttle"}, "'DescribeServices'"),
            ("throttle everything", "must be an object"),
        ]
        for rule, message in bad:
            with self.subTest(rule=rule):
                status, body = self.control("POST", "faults", [{"service": "ec2", "kind": "throttle"}, rule])
                self.assertEqual(status, 400)
                self.assertIn(message, body["error"])
        self.assertEqual(self.control_ok("GET", "faults")["faults"], [])
        status, body = self.control("POST", "faults", {"service": "nope", "kind": "throttle"})
        self.assertIn("elasticloadbalancing", body["error"], "the error lists the known services")

    def test_delete_and_reset_forget_rules(self):
        rules = self.faults({"service": "elbv2", "kind": "throttle"})
        self.assertEqual(rules[0]["service"], "elasticloadbalancing")
        self.assertEqual(self.control_ok("DELETE", "faults")["faults"], [])
        self.client("elbv2").describe_load_balancers()
        self.faults({"service": "ecs", "kind": "throttle"})
        self.control_ok("POST", "reset", {})
        self.assertEqual(self.control_ok("GET", "faults")["faults"], [])
        self.client("ecs").list_clusters()

    def test_rate_mode_and_credentials_are_off_by_default(self):
        self.assertFalse(self.control_ok("GET", "ratelimits")["enabled"])
        status, body = self.control("GET", "credentials")
        self.assertEqual(status, 409)
        self.assertIn("--auth", body["error"])


class RateTablesTest(unittest.TestCase):
    """ratelimits' pure parts: which buckets a call draws from, and the bucket arithmetic."""

    def test_buckets_of_calls(self):
        L = ratelimits.Limit
        table = [
            ("ecs", "RegisterTaskDefinition", [("task-definition-modify", L(20, 1))]),
            ("ecs", "DescribeServices", [("service-read", L(100, 20))]),
            ("ecs", "ListServices", [("service-read", L(100, 20))]),
            ("ecs", "UpdateService", [("service-modify", L(50, 5))]),
            ("ecs", "RunTask", [("cluster-resource-modify", L(100, 40)), ("fargate-run-task", L(20, 20))]),
            ("ecs", "CreateTaskSet", [("CreateTaskSet", ratelimits.DEFAULT_LIMIT)]),
            ("ec2", "DescribeVpcs", [("DescribeVpcs", L(100, 20))]),
            ("ec2", "CreateSecurityGroup", [("CreateSecurityGroup", L(50, 5))]),
            ("ec2", "AuthorizeSecurityGroupIngress", [("AuthorizeSecurityGroupIngress", L(50, 5))]),
            ("ec2", "CreateTags", [("CreateTags", L(100, 10))]),
            ("ec2", "RunInstances", [("RunInstances", L(5, 2))]),
            ("elasticloadbalancing", "DescribeTargetHealth", [("account", L(40, 10)), ("non-mutating", L(40, 10))]),
            ("elasticloadbalancing", "RegisterTargets", [("account", L(40, 10)), ("registration", L(20, 4))]),
            ("elasticloadbalancing", "CreateLoadBalancer",
             [("account", L(40, 10)), ("resource-intensive", L(10, 0.2))]),
            ("elasticloadbalancing", "ModifyListener", [("account", L(40, 10)), ("mutating", L(20, 3))]),
            ("logs", "GetLogEvents", [("GetLogEvents", ratelimits.DEFAULT_LIMIT)]),
        ]
        for service, operation, expected in table:
            with self.subTest(operation=operation):
                self.assertEqual(ratelimits.limits_for(service, operation), expected)

    def test_every_listed_ecs_action_exists(self):
        known = botocore.session.get_session().get_service_model("ecs").operation_names
        listed = {op for _, ops in ratelimits.ECS_CATEGORIES.values() for op in ops}
        self.assertEqual(listed - set(known), set())

    def test_token_bucket(self):
        bucket = ratelimits.TokenBucket(ratelimits.Limit(2, 0.5), now=100.0)
        taken = []
        for now in (100.0, 100.0, 100.0, 101.0, 102.0, 102.0, 200.0):
            bucket.refill(now)
            ok = bucket.tokens(now) >= 1.0
            if ok:
                bucket.take()
            taken.append(ok)
        self.assertEqual(taken, [True, True, False, False, True, False, True])
        self.assertEqual(bucket.tokens(1000.0), 2.0, "never above capacity")


class RateLimitsTest(LocalCloudTestCase):
    """The AWS-rate mode, on from the start with --enforce-rates."""

    launcher_args = ("--enforce-rates",)

    def setUp(self):
        super().setUp()
        # Hold the local-cloud clock almost still so that buckets refill only when the test says.
        self.control_ok("POST", "clock", {"speed": 0.0001})
        self.addCleanup(self.control_ok, "POST", "clock", {"speed": 1})
        self.ecs = self.client("ecs")

    def client(self, service):
        return cached_client(self.cloud, service)

    def outcomes(self, call, times):
        codes = []
        for _ in range(times):
            try:
                call()
                codes.append("ok")
            except ClientError as err:
                codes.append(err.response["Error"]["Code"])
        return codes

    def register(self):
        return self.ecs.register_task_definition(
            family="burst", containerDefinitions=[{"name": "app", "image": "app:v1", "memory": 128}])

    def test_register_task_definition_burst_is_20_and_describe_clusters_unaffected(self):
        codes = self.outcomes(self.register, 25)
        self.assertEqual(codes, ["ok"] * 20 + ["ThrottlingException"] * 5)
        self.assertEqual(self.outcomes(self.ecs.describe_clusters, 30), ["ok"] * 30)
        self.control_ok("POST", "clock", {"advance_seconds": 3})  # refill: 1 token a second
        self.assertEqual(self.outcomes(self.register, 4), ["ok"] * 3 + ["ThrottlingException"])
        op = self.control_ok("GET", "counters")["services"]["ecs"]["operations"]["RegisterTaskDefinition"]
        self.assertEqual((op["calls"], op["rate_limited"], op["4xx"], op["throttled"]), (29, 6, 6, 0))
        buckets = {b["bucket"]: b for b in self.control_ok("GET", "ratelimits")["buckets"]}
        self.assertEqual((buckets["task-definition-modify"]["capacity"],
                          buckets["task-definition-modify"]["refill_per_s"]), (20, 1))
        self.assertEqual(buckets["cluster-read"]["tokens"], 50, "20 left, +3 s x 20/s, capped at 50")

    def test_elb_account_bucket_is_shared_by_all_actions(self):
        elb = self.client("elbv2")
        self.assertEqual(self.outcomes(elb.describe_load_balancers, 41), ["ok"] * 40 + ["Throttling"])
        codes = self.outcomes(lambda: elb.describe_target_groups(), 1)
        self.assertEqual(codes, ["Throttling"], "the account-level bucket (40) is empty too")

    def test_reset_refills_and_keeps_the_launcher_mode(self):
        self.outcomes(self.register, 21)
        self.control_ok("POST", "reset", {})
        self.assertTrue(self.control_ok("GET", "ratelimits")["enabled"])
        self.assertEqual(self.outcomes(self.register, 1), ["ok"])

    def test_mode_switch_and_validation(self):
        self.outcomes(self.register, 21)
        view = self.control_ok("POST", "ratelimits", {"enabled": False})
        self.assertEqual((view["enabled"], view["buckets"]), (False, []))
        self.assertEqual(self.outcomes(self.register, 25), ["ok"] * 25)
        view = self.control_ok("POST", "ratelimits", {"enabled": True, "clock": "wall"})
        self.assertEqual((view["enabled"], view["clock"]), (True, "wall"))
        for body, message in (({"enabled": "yes"}, "'enabled'"), ({"clock": "sundial"}, "'clock'"),
                              ({"rate": 3}, "unknown field"), ([], "body must be an object")):
            with self.subTest(body=body):
                status, error = self.control("POST", "ratelimits", body)
                self.assertEqual(status, 400)
                self.assertIn(message, error["error"])


if __name__ == "__main__":
    unittest.main()
