"""Weighted forward actions read back from ELBv2 and from /_localcloud/traffic."""

import unittest
import urllib.parse

from harness import LocalCloudTestCase


class TrafficTest(LocalCloudTestCase):
    def setUp(self):
        super().setUp()
        self.elb = self.client("elbv2")
        vpc, subnets, sg = self.default_network()
        self.lb = self.elb.create_load_balancer(Name="web", Subnets=subnets[:2], SecurityGroups=[sg],
                                                Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
        self.blue, self.green = (
            self.elb.create_target_group(Name=name, Protocol="HTTP", Port=8000, VpcId=vpc,
                                         TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
            for name in ("blue", "green"))

    def traffic(self, listener):
        return self.control_ok("GET", "traffic?listener=" + urllib.parse.quote(listener, safe=""))

    def weighted(self, blue, green):
        return [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": self.blue, "Weight": blue}, {"TargetGroupArn": self.green, "Weight": green}]}}]

    def split(self, entries):
        return [(e["targetGroupArn"], e["weight"], e["percent"]) for e in entries]

    def test_single_target_group_takes_everything(self):
        listener = self.elb.create_listener(LoadBalancerArn=self.lb, Protocol="HTTP", Port=80, DefaultActions=[
            {"Type": "forward", "TargetGroupArn": self.blue}])["Listeners"][0]["ListenerArn"]
        view = self.traffic(listener)
        self.assertEqual(view["listener"], listener)
        self.assertEqual((view["protocol"], view["port"], view["action"]), ("HTTP", 80, "forward"))
        self.assertEqual(self.split(view["default"]), [(self.blue, 1, 100.0)])
        self.assertEqual(view["rules"], [])

    def test_weighted_modify_listener_reads_back_everywhere(self):
        listener = self.elb.create_listener(LoadBalancerArn=self.lb, Protocol="HTTP", Port=80,
                                            DefaultActions=self.weighted(100, 0))["Listeners"][0]["ListenerArn"]
        self.assertEqual(self.split(self.traffic(listener)["default"]),
                         [(self.blue, 100, 100.0), (self.green, 0, 0.0)])

        modified = self.elb.modify_listener(ListenerArn=listener, DefaultActions=self.weighted(90, 10))
        groups = modified["Listeners"][0]["DefaultActions"][0]["ForwardConfig"]["TargetGroups"]
        self.assertEqual([(g["TargetGroupArn"], g["Weight"]) for g in groups], [(self.blue, 90), (self.green, 10)])
        described = self.elb.describe_listeners(ListenerArns=[listener])["Listeners"][0]["DefaultActions"]
        groups = described[0]["ForwardConfig"]["TargetGroups"]
        self.assertEqual([(g["TargetGroupArn"], g["Weight"]) for g in groups], [(self.blue, 90), (self.green, 10)])
        by_lb = self.elb.describe_listeners(LoadBalancerArn=self.lb)["Listeners"][0]["DefaultActions"]
        self.assertEqual(by_lb, described)
        self.assertEqual(self.split(self.traffic(listener)["default"]),
                         [(self.blue, 90, 90.0), (self.green, 10, 10.0)])

        self.elb.modify_listener(ListenerArn=listener, DefaultActions=self.weighted(1, 3))
        self.assertEqual(self.split(self.traffic(listener)["default"]),
                         [(self.blue, 1, 25.0), (self.green, 3, 75.0)])

    def test_rules_are_split_too_in_priority_order(self):
        listener = self.elb.create_listener(LoadBalancerArn=self.lb, Protocol="HTTP", Port=80, DefaultActions=[
            {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}])["Listeners"][0]["ListenerArn"]
        self.elb.create_rule(ListenerArn=listener, Priority=20, Actions=self.weighted(0, 5), Conditions=[
            {"Field": "path-pattern", "Values": ["/v2/*"]}])
        rule = self.elb.create_rule(ListenerArn=listener, Priority=10, Actions=self.weighted(50, 50), Conditions=[
            {"Field": "path-pattern", "Values": ["/api/*"]}])["Rules"][0]["RuleArn"]
        view = self.traffic(listener)
        self.assertEqual((view["action"], view["default"]), ("fixed-response", []))
        self.assertEqual([r["priority"] for r in view["rules"]], [10, 20])
        self.assertEqual(view["rules"][0]["ruleArn"], rule)
        self.assertEqual(self.split(view["rules"][0]["split"]), [(self.blue, 50, 50.0), (self.green, 50, 50.0)])
        self.assertEqual(self.split(view["rules"][1]["split"]), [(self.blue, 0, 0.0), (self.green, 5, 100.0)])

        self.elb.modify_rule(RuleArn=rule, Actions=self.weighted(9, 1))
        actions = self.elb.describe_rules(RuleArns=[rule])["Rules"][0]["Actions"]
        self.assertEqual([g["Weight"] for g in actions[0]["ForwardConfig"]["TargetGroups"]], [9, 1])
        self.assertEqual(self.split(self.traffic(listener)["rules"][0]["split"]),
                         [(self.blue, 9, 90.0), (self.green, 1, 10.0)])

    def test_bad_requests(self):
        status, answer = self.control("GET", "traffic")
        self.assertEqual(status, 400)
        self.assertIn("'listener'", answer["error"])
        status, answer = self.control("GET", "traffic?listener=web")
        self.assertEqual(status, 400)
        self.assertIn("listener ARN", answer["error"])
        missing = self.lb.replace(":loadbalancer/", ":listener/") + "/0000000000000000"
        status, answer = self.control("GET", "traffic?listener=" + urllib.parse.quote(missing, safe=""))
        self.assertEqual(status, 404)
        self.assertIn("not found", answer["error"])


if __name__ == "__main__":
    unittest.main()
