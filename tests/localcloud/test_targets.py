"""Target health in ELBv2: initial -> healthy on the clock, unused without a listener, draining on deregistration."""

import unittest

from test_services import ServiceFixtures


class TargetHealthTest(ServiceFixtures):
    def states(self, tg, targets=None):
        kwargs = {"Targets": targets} if targets else {}
        return {(h["Target"]["Id"], h["Target"]["Port"]): (h["TargetHealth"]["State"], h["TargetHealth"].get("Reason"))
                for h in self.elb.describe_target_health(TargetGroupArn=tg, **kwargs)["TargetHealthDescriptions"]}

    def test_registered_targets_pass_health_checks_then_drain(self):
        self.control_ok("POST", "clock", {"speed": 20})
        tg = self.target_group(interval=10, healthy=3, delay=20)
        targets = [{"Id": "172.31.0.10", "Port": 8000}, {"Id": "172.31.0.11", "Port": 8000}]
        self.elb.register_targets(TargetGroupArn=tg, Targets=targets)
        self.assertEqual(set(self.states(tg).values()), {("initial", "Elb.RegistrationInProgress")})
        # healthy after HealthyThresholdCount x HealthCheckIntervalSeconds = 30 s.
        self.wait_for(lambda: set(self.states(tg).values()) == {("healthy", None)}, 10, "healthy targets")
        self.elb.deregister_targets(TargetGroupArn=tg, Targets=targets[:1])
        states = self.states(tg)
        self.assertEqual(states[("172.31.0.10", 8000)], ("draining", "Target.DeregistrationInProgress"))
        self.assertEqual(states[("172.31.0.11", 8000)], ("healthy", None))
        self.wait_for(lambda: len(self.states(tg)) == 1, 10, "drained target gone")
        self.assertEqual(self.states(tg, targets[:1])[("172.31.0.10", 8000)], ("unused", "Target.NotRegistered"))

    def test_target_group_without_listener_has_unused_targets(self):
        tg = self.target_group(listener=False)
        self.elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.20", "Port": 8000}])
        health = self.elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"][0]
        self.assertEqual(health["TargetHealth"]["State"], "unused")
        self.assertEqual(health["TargetHealth"]["Reason"], "Target.NotInUse")
        self.assertEqual(health["TargetHealth"]["Description"],
                         "Target group is not configured to receive traffic from the load balancer")


if __name__ == "__main__":
    unittest.main()
