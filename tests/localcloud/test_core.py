"""The launcher, the control endpoint, the clock, reset and scenarios' validation."""

import unittest

from harness import LocalCloudTestCase


class CoreTest(LocalCloudTestCase):
    def test_answers_aws_calls_once_warm(self):
        # Start-up time is measured by bench/localcloud_bench.py, not asserted here.
        self.assertGreater(self.cloud.warm_seconds, 0)
        ident = self.client("sts").get_caller_identity()
        self.assertEqual(ident["Account"], "123456789012")

    def test_unknown_control_route_is_404_with_the_routes(self):
        status, body = self.control("GET", "no-such-thing")
        self.assertEqual(status, 404)
        self.assertIn("clock", body["routes"])

    def test_clock_speed_and_advance(self):
        before = self.control_ok("GET", "clock")
        after = self.control_ok("POST", "clock", {"speed": 50, "advance_seconds": 3600})
        self.assertEqual(after["speed"], 50)
        self.assertGreaterEqual(after["now"] - before["now"], 3600)
        status, body = self.control("POST", "clock", {"speed": 0})
        self.assertEqual(status, 400)
        self.assertIn("speed", body["error"])

    def test_reset_forgets_resources_and_same_seed_gives_same_ids(self):
        ec2 = self.client("ec2")

        def create_group(seed):
            self.control_ok("POST", "reset", {"seed": seed})
            names = [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]]
            self.assertNotIn("a", names, "reset must forget the group made before")
            vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
            return vpc, ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]

        first = create_group(self.seed)
        self.assertEqual(first, create_group(self.seed))
        self.assertNotEqual(first, create_group(self.seed + 1))

    def test_scenarios_are_validated_all_or_nothing(self):
        status, body = self.control("POST", "scenarios", [
            {"match": {"image_tag": "ok"}, "effect": {"exit_code": 3}},
            {"match": {"image_tagg": "x"}, "effect": {"exit_code": 1}},
        ])
        self.assertEqual(status, 400)
        self.assertIn("match.image_tagg", body["error"])
        self.assertEqual(self.control_ok("GET", "scenarios")["scenarios"], [])
        body = self.control_ok("POST", "scenarios", {"name": "m", "match": {"command": "migrate"},
                                                     "effect": {"exit_code": 3}, "times": 1})
        self.assertEqual(body["scenarios"][0]["effect"], {"exit_code": 3})


if __name__ == "__main__":
    unittest.main()
