"""ECS services: tasks kept running, rolling deployments, the circuit breaker, load-balancer targets."""

import math
import time
import unittest

from botocore.exceptions import ClientError

from harness import LocalCloudTestCase


class ServiceFixtures(LocalCloudTestCase):
    """A cluster, the default VPC's subnets, and load balancers with fast health checks."""

    speed = 60

    def setUp(self):
        super().setUp()
        self.control_ok("POST", "clock", {"speed": self.speed})
        self.ecs = self.client("ecs")
        self.elb = self.client("elbv2")
        self.ecs.create_cluster(clusterName="app")
        self.vpc, self.subnets, self.sg = self.default_network()
        self.network = {"awsvpcConfiguration": {"subnets": self.subnets[:2], "securityGroups": [self.sg],
                                                "assignPublicIp": "DISABLED"}}

    def target_group(self, name="web", interval=5, healthy=2, unhealthy=2, delay=10, listener=True, port=80):
        """An ALB with a listener forwarding to a new ip target group (health checks every `interval` s)."""
        tg = self.elb.create_target_group(
            Name=f"{name}-tg", Protocol="HTTP", Port=8000, VpcId=self.vpc, TargetType="ip",
            HealthCheckPath="/health", HealthCheckIntervalSeconds=interval, HealthyThresholdCount=healthy,
            UnhealthyThresholdCount=unhealthy)["TargetGroups"][0]["TargetGroupArn"]
        self.elb.modify_target_group_attributes(TargetGroupArn=tg, Attributes=[
            {"Key": "deregistration_delay.timeout_seconds", "Value": str(delay)}])
        if listener:
            lb = self.elb.create_load_balancer(Name=f"{name}-alb", Subnets=self.subnets[:2],
                                               SecurityGroups=[self.sg], Scheme="internal",
                                               Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
            self.elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=port,
                                     DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
        return tg

    def create_service(self, name="web", task_definition=None, desired=2, tg=None, **kwargs):
        if task_definition is None:
            task_definition = self.fargate_task_definition(name)
        if tg:
            kwargs["loadBalancers"] = [{"targetGroupArn": tg, "containerName": name, "containerPort": 8000}]
        return self.ecs.create_service(cluster="app", serviceName=name, taskDefinition=task_definition,
                                       desiredCount=desired, launchType="FARGATE",
                                       networkConfiguration=self.network, **kwargs)["service"]

    def service(self, name="web"):
        return self.ecs.describe_services(cluster="app", services=[name])["services"][0]

    def wait_service(self, predicate, what, timeout=10, name="web"):
        def check():
            s = self.service(name)
            return s if predicate(s) else None
        return self.wait_for(check, timeout, what)

    def wait_completed(self, name="web", timeout=10):
        return self.wait_service(
            lambda s: len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED"
            and s["runningCount"] == s["desiredCount"], "deployment COMPLETED", timeout, name)

    def tasks(self, name="web", desired="RUNNING"):
        arns = self.ecs.list_tasks(cluster="app", serviceName=name, desiredStatus=desired)["taskArns"]
        return self.ecs.describe_tasks(cluster="app", tasks=arns)["tasks"] if arns else []

    def health(self, tg):
        return self.elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]

    def messages(self, name="web"):
        """The service's event messages, oldest first."""
        return [e["message"] for e in reversed(self.service(name)["events"])]


def ip_of(task):
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    return details["privateIPv4Address"]


class ServiceTest(ServiceFixtures):
    def test_load_balanced_service_runs_and_its_targets_become_healthy(self):
        tg = self.target_group(interval=10, healthy=3)  # healthy 30 s after registration
        created = self.create_service(tg=tg, desired=2, healthCheckGracePeriodSeconds=30)
        self.assertEqual(created["status"], "ACTIVE")
        self.assertEqual(created["deploymentConfiguration"]["minimumHealthyPercent"], 100)
        self.assertEqual(created["deploymentConfiguration"]["maximumPercent"], 200)
        self.assertEqual(created["deploymentConfiguration"]["deploymentCircuitBreaker"],
                         {"enable": False, "rollback": False})
        self.assertEqual(created["healthCheckGracePeriodSeconds"], 30)
        deployment = created["deployments"][0]
        self.assertEqual((deployment["status"], deployment["rolloutState"]), ("PRIMARY", "IN_PROGRESS"))
        self.assertTrue(deployment["id"].startswith("ecs-svc/"))

        # Targets register as the tasks run: "initial" first, then "healthy".
        states = set()

        def all_healthy():
            health = self.health(tg)
            states.update(h["TargetHealth"]["State"] for h in health)
            return health if len(health) == 2 and all(h["TargetHealth"]["State"] == "healthy" for h in health) \
                else None
        health = self.wait_for(all_healthy, 10, "2 healthy targets")
        self.assertIn("initial", states)
        tasks = self.tasks()
        self.assertEqual(len(tasks), 2)
        self.assertTrue(all(t["lastStatus"] == "RUNNING" and t["group"] == "service:web" for t in tasks))
        self.assertTrue(all(t["startedBy"] == deployment["id"] for t in tasks))
        self.assertEqual(sorted(h["Target"]["Id"] for h in health), sorted(ip_of(t) for t in tasks))
        self.assertTrue(all(h["Target"]["Port"] == 8000 for h in health))

        # botocore's waiter (one deployment, runningCount == desiredCount) agrees.
        self.ecs.get_waiter("services_stable").wait(cluster="app", services=["web"],
                                                    WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        s = self.wait_completed()
        self.assertEqual((s["runningCount"], s["pendingCount"]), (2, 0))
        messages = self.messages()
        self.assertRegex(messages[0], r"^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) "
                                      r"\(task [0-9a-f]{32}\)\.$")
        self.assertIn(f"(service web) registered 2 targets in (target-group {tg})", messages)
        self.assertIn(f"(service web) (deployment {deployment['id']}) deployment completed.", messages)
        self.assertEqual(messages[-1], "(service web) has reached a steady state.")
        self.assertTrue(all(e["id"] and e["createdAt"] for e in s["events"]))
        self.assertEqual(self.ecs.list_services(cluster="app")["serviceArns"], [s["serviceArn"]])
        cluster = self.ecs.describe_clusters(clusters=["app"])["clusters"][0]
        self.assertEqual((cluster["activeServicesCount"], cluster["runningTasksCount"]), (1, 2))

    def test_target_group_without_load_balancer_is_refused(self):
        tg = self.target_group(listener=False)
        with self.assertRaises(ClientError) as err:
            self.create_service(tg=tg)
        self.assertEqual(err.exception.response["Error"]["Code"], "InvalidParameterException")
        self.assertEqual(err.exception.response["Error"]["Message"],
                         f"The target group with targetGroupArn {tg} does not have an associated load balancer.")
        with self.assertRaises(ClientError) as err:
            self.create_service(healthCheckGracePeriodSeconds=10)
        self.assertIn("only valid for services configured to use load balancers", str(err.exception))

    def test_stopped_task_is_replaced(self):
        self.create_service(desired=2)
        self.wait_completed()
        victim = self.tasks()[0]
        self.ecs.stop_task(cluster="app", task=victim["taskArn"], reason="chaos")
        s = self.wait_service(lambda s: s["runningCount"] == 2 and victim["taskArn"] not in
                              [t["taskArn"] for t in self.tasks()], "a replacement task RUNNING")
        self.assertEqual(len(s["deployments"]), 1)
        stopped = self.ecs.describe_tasks(cluster="app", tasks=[victim["taskArn"]])["tasks"][0]
        self.assertEqual((stopped["desiredStatus"], stopped["stopCode"]), ("STOPPED", "UserInitiated"))
        self.assertEqual(s["deployments"][0]["failedTasks"], 0)
        started = [m for m in self.messages() if "has started 1 tasks" in m]
        self.assertEqual(len(started), 1)

    def test_desired_count_change_starts_no_deployment(self):
        created = self.create_service(desired=1)
        self.wait_completed()
        updated = self.ecs.update_service(cluster="app", service="web", desiredCount=3)["service"]
        self.assertEqual([d["id"] for d in updated["deployments"]], [created["deployments"][0]["id"]])
        self.assertEqual(updated["deployments"][0]["desiredCount"], 3)
        s = self.wait_service(lambda s: s["runningCount"] == 3, "3 tasks RUNNING")
        self.assertEqual(len(s["deployments"]), 1)
        self.assertEqual(s["deployments"][0]["rolloutState"], "COMPLETED")
        # The same task definition without forceNewDeployment is no deployment either.
        again = self.ecs.update_service(cluster="app", service="web", taskDefinition=created["taskDefinition"])
        self.assertEqual(len(again["service"]["deployments"]), 1)
        forced = self.ecs.update_service(cluster="app", service="web", forceNewDeployment=True)["service"]
        self.assertEqual([d["status"] for d in forced["deployments"]], ["PRIMARY", "ACTIVE"])

    def test_create_service_idempotency(self):
        td = self.fargate_task_definition("web")
        first = self.create_service(task_definition=td, clientToken="deploy-7")
        again = self.create_service(task_definition=td, clientToken="deploy-7")
        self.assertEqual(again["serviceArn"], first["serviceArn"])
        self.assertEqual(again["deployments"][0]["id"], first["deployments"][0]["id"])
        for token in ({}, {"clientToken": "other"}):
            with self.assertRaises(ClientError) as err:
                self.create_service(task_definition=td, **token)
            self.assertEqual(err.exception.response["Error"]["Code"], "InvalidParameterException")
            self.assertEqual(err.exception.response["Error"]["Message"], "Creation of service was not idempotent.")

    def test_delete_service_drains_then_is_inactive(self):
        tg = self.target_group(delay=60)
        self.create_service(tg=tg, desired=2)
        self.wait_completed()
        with self.assertRaises(ClientError) as err:
            self.ecs.delete_service(cluster="app", service="web")
        self.assertEqual(err.exception.response["Error"]["Message"],
                         "The service cannot be stopped while it is scaled above 0.")
        with self.assertRaises(ClientError) as err:
            self.ecs.delete_cluster(cluster="app")
        self.assertEqual(err.exception.response["Error"]["Code"], "ClusterContainsServicesException")
        deleted = self.ecs.delete_service(cluster="app", service="web", force=True)["service"]
        self.assertEqual((deleted["status"], deleted["desiredCount"]), ("DRAINING", 0))
        # Targets drain for the deregistration delay while the tasks are DEACTIVATING.
        draining = self.wait_for(lambda: [h for h in self.health(tg) if h["TargetHealth"]["State"] == "draining"],
                                 5, "draining targets")
        self.assertEqual(draining[0]["TargetHealth"]["Reason"], "Target.DeregistrationInProgress")
        self.assertEqual(self.service()["status"], "DRAINING")
        self.assertEqual(self.ecs.list_services(cluster="app")["serviceArns"], [deleted["serviceArn"]])
        s = self.wait_service(lambda s: s["status"] == "INACTIVE", "service INACTIVE")
        self.assertEqual(s["runningCount"], 0)
        self.assertEqual(self.ecs.list_services(cluster="app")["serviceArns"], [])
        self.assertEqual(self.tasks(), [])
        with self.assertRaises(ClientError) as err:
            self.ecs.update_service(cluster="app", service="web", desiredCount=1)
        self.assertEqual(err.exception.response["Error"]["Code"], "ServiceNotActiveException")
        # The name can be used again.
        again = self.create_service(desired=1)
        self.assertEqual(again["status"], "ACTIVE")
        self.assertEqual(self.service()["status"], "ACTIVE")

    def test_rolling_update_keeps_within_minimum_and_maximum_percent(self):
        tg = self.target_group(delay=5)
        v1 = self.fargate_task_definition("web", image="app:v1")
        self.create_service(task_definition=v1, tg=tg, desired=4, deploymentConfiguration={
            "minimumHealthyPercent": 50, "maximumPercent": 150})
        self.wait_completed()
        v2 = self.fargate_task_definition("web", image="app:v2")
        updated = self.ecs.update_service(cluster="app", service="web", taskDefinition=v2)["service"]
        self.assertEqual([(d["status"], d["taskDefinition"]) for d in updated["deployments"]],
                         [("PRIMARY", v2), ("ACTIVE", v1)])
        self.assertEqual(updated["taskDefinition"], v2)
        minimum, maximum = math.ceil(4 * 0.5), math.floor(4 * 1.5)
        samples = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            s = self.service()
            samples.append((s["runningCount"], s["pendingCount"], len(s["deployments"])))
            if len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED" \
                    and s["runningCount"] == 4:
                break
        else:
            self.fail(f"deployment did not complete; samples {samples[-5:]}")
        self.assertGreater(len(samples), 5)
        self.assertTrue(all(running >= minimum for running, _, _ in samples), samples)
        self.assertTrue(all(running + pending <= maximum for running, pending, _ in samples), samples)
        self.assertTrue(any(n == 2 for _, _, n in samples))
        self.assertTrue(all(t["taskDefinitionArn"] == v2 for t in self.tasks()))
        messages = self.messages()
        self.assertTrue(any(m.startswith("(service web) has begun draining connections on") for m in messages))
        self.assertTrue(any(m.startswith("(service web) has stopped 2 running tasks: (task ") for m in messages))
        self.assertIn(f"(service web) deregistered 2 targets in (target-group {tg})", messages)

    def test_old_tasks_drain_before_they_stop(self):
        tg = self.target_group(delay=60)
        self.create_service(tg=tg, desired=1)
        self.wait_completed()
        old = self.tasks()[0]
        v2 = self.fargate_task_definition("web", image="app:v2")
        self.ecs.update_service(cluster="app", service="web", taskDefinition=v2)

        def deactivating():
            t = self.ecs.describe_tasks(cluster="app", tasks=[old["taskArn"]])["tasks"][0]
            return t if t["lastStatus"] == "DEACTIVATING" else None
        t = self.wait_for(deactivating, 10, "old task DEACTIVATING")
        self.assertEqual(t["desiredStatus"], "STOPPED")
        self.assertEqual(t["containers"][0]["lastStatus"], "RUNNING")  # still serving draining connections
        self.assertEqual(t["stopCode"], "ServiceSchedulerInitiated")
        self.assertRegex(t["stoppedReason"], r"^Scaling activity initiated by \(deployment ecs-svc/\d+\)$")
        states = {h["Target"]["Id"]: h["TargetHealth"]["State"] for h in self.health(tg)}
        self.assertEqual(states[ip_of(old)], "draining")
        # Still draining 30 s (local-cloud time) later, stopped after the 60 s delay.
        start = self.control_ok("GET", "clock")["now"]
        while self.control_ok("GET", "clock")["now"] < start + 30:
            time.sleep(0.05)
        self.assertEqual(self.ecs.describe_tasks(cluster="app", tasks=[old["taskArn"]])["tasks"][0]["lastStatus"],
                         "DEACTIVATING")
        self.wait_completed()
        def stopped():
            t = self.ecs.describe_tasks(cluster="app", tasks=[old["taskArn"]])["tasks"][0]
            return t if t["lastStatus"] == "STOPPED" else None
        self.assertEqual(self.wait_for(stopped, 5, "old task STOPPED")["containers"][0]["exitCode"], 0)
        self.assertNotIn(ip_of(old), [h["Target"]["Id"] for h in self.health(tg)])


class CircuitBreakerTest(ServiceFixtures):
    def deploy_broken(self, effect, tg=None, rollback=True, grace=None):
        v1 = self.fargate_task_definition("web", image="app:v1")
        extra = {"healthCheckGracePeriodSeconds": grace} if grace is not None else {}
        self.create_service(task_definition=v1, tg=tg, desired=2, deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": rollback}}, **extra)
        first = self.wait_completed()
        self.control_ok("POST", "scenarios", {"match": {"image_tag": "v2"}, "effect": effect})
        v2 = self.fargate_task_definition("web", image="app:v2")
        updated = self.ecs.update_service(cluster="app", service="web", taskDefinition=v2)["service"]
        return v1, v2, first["deployments"][0]["id"], updated["deployments"][0]["id"]

    def test_tasks_that_fail_to_start_trip_the_breaker_and_roll_back(self):
        v1, v2, old_id, failed_id = self.deploy_broken({"fail_to_start": True, "start_seconds": 1})

        def rolled_back():
            s = self.service()
            failed = [d for d in s["deployments"] if d["id"] == failed_id]
            return s if s["deployments"][0]["id"] not in (old_id, failed_id) and (not failed or
                                                                                    failed[0]["rolloutState"] == "FAILED") \
                else None
        s = self.wait_for(rolled_back, 10, "a rollback deployment")
        self.assertEqual(s["taskDefinition"], v1)
        rollback = s["deployments"][0]
        self.assertEqual((rollback["status"], rollback["taskDefinition"]), ("PRIMARY", v1))
        self.assertEqual(rollback["rolloutStateReason"],
                         f"ECS deployment circuit breaker: rolling back to deploymentId {old_id}.")
        s = self.wait_completed()
        self.assertEqual(s["taskDefinition"], v1)
        tasks = self.tasks()
        self.assertEqual(len(tasks), 2)
        self.assertTrue(all(t["taskDefinitionArn"] == v1 and t["lastStatus"] == "RUNNING" for t in tasks))
        messages = self.messages()
        failed_at = messages.index(f"(service web) (deployment {failed_id}) deployment failed: tasks failed to start.")
        self.assertEqual(messages[failed_at + 1], f"(service web) rolling back to deployment {old_id}.")
        self.assertIn(f"(service web) (deployment {rollback['id']}) deployment completed.", messages[failed_at:])
        self.assertEqual(messages[-1], "(service web) has reached a steady state.")
        # The failed tasks: stopped before RUNNING, with ECS's stop code.
        stopped = [t for t in self.tasks(desired="STOPPED") if t["taskDefinitionArn"] == v2]
        self.assertGreaterEqual(len(stopped), 3)
        self.assertTrue(all(t["stopCode"] == "TaskFailedToStart" for t in stopped))

    def test_failed_deployment_reports_failed_tasks_and_state(self):
        _, v2, _, failed_id = self.deploy_broken({"fail_to_start": True, "start_seconds": 1}, rollback=False)

        def failed():
            d = self.service()["deployments"][0]
            return d if d["rolloutState"] == "FAILED" else None
        d = self.wait_for(failed, 10, "deployment FAILED")
        self.assertEqual((d["id"], d["status"], d["taskDefinition"]), (failed_id, "PRIMARY", v2))
        self.assertEqual(d["rolloutStateReason"], "ECS deployment circuit breaker: tasks failed to start.")
        self.assertGreaterEqual(d["failedTasks"], 3)  # threshold: max(3, ceil(0.5 * 2))
        # A FAILED deployment launches no more tasks; the old one keeps serving.
        time.sleep(0.5)
        s = self.service()
        self.assertEqual(s["deployments"][0]["failedTasks"], d["failedTasks"])
        self.assertEqual(s["deployments"][1]["runningCount"], 2)
        self.assertEqual(s["runningCount"], 2)

    def test_unhealthy_image_fails_elb_health_checks_and_rolls_back(self):
        tg = self.target_group(delay=5)
        v1, v2, old_id, failed_id = self.deploy_broken({"unhealthy": True}, tg=tg)

        def failed_health():
            return [t for t in self.tasks(desired="STOPPED")
                    if t["taskDefinitionArn"] == v2 and "failed ELB health checks" in t.get("stoppedReason", "")]
        stopped = self.wait_for(failed_health, 10, "a v2 task stopped for failing ELB health checks")
        self.assertEqual(stopped[0]["stoppedReason"], f"Task failed ELB health checks in (target-group {tg})")
        s = self.wait_service(lambda s: s["deployments"][0]["taskDefinition"] == v1
                              and s["deployments"][0]["id"] != old_id, "rollback deployment", 15)
        s = self.wait_completed(timeout=15)
        self.assertEqual(s["taskDefinition"], v1)
        health = self.health(tg)
        self.assertEqual(sorted(h["Target"]["Id"] for h in health if h["TargetHealth"]["State"] == "healthy"),
                         sorted(ip_of(t) for t in self.tasks()))
        messages = self.messages()
        self.assertTrue(any(m.endswith(f"failed ELB health checks in (target-group {tg})") for m in messages))
        self.assertTrue(any("is unhealthy in" in m and "Health checks failed with these codes" in m
                            for m in messages))
        self.assertIn(f"(service web) (deployment {failed_id}) deployment failed: tasks failed to start.", messages)

    def test_unhealthy_targets_are_tolerated_during_the_grace_period(self):
        tg = self.target_group(delay=0)
        _, v2, _, _ = self.deploy_broken({"unhealthy": True}, tg=tg, grace=120)
        unhealthy = self.wait_for(lambda: [h for h in self.health(tg) if h["TargetHealth"]["State"] == "unhealthy"],
                                  10, "unhealthy targets")
        self.assertEqual(unhealthy[0]["TargetHealth"]["Reason"], "Target.ResponseCodeMismatch")
        started = min(t["startedAt"] for t in self.tasks() if t["taskDefinitionArn"] == v2).timestamp()
        # Within the grace period (120 s from the start) no task is stopped for health checks.
        while self.control_ok("GET", "clock")["now"] < started + 100:
            self.assertEqual([t for t in self.tasks(desired="STOPPED") if t["taskDefinitionArn"] == v2], [])
            time.sleep(0.1)
        self.control_ok("POST", "clock", {"advance_seconds": 30})
        stopped = self.wait_for(lambda: [t for t in self.tasks(desired="STOPPED") if t["taskDefinitionArn"] == v2],
                                10, "unhealthy tasks stopped after the grace period")
        self.assertIn("failed ELB health checks", stopped[0]["stoppedReason"])

    def test_crashing_tasks_trip_the_breaker(self):
        # They crash 5 s after starting, before 2 health checks 5 s apart can pass.
        tg = self.target_group(delay=5)
        v1, v2, old_id, failed_id = self.deploy_broken({"crash_after_seconds": 5}, tg=tg)
        s = self.wait_service(lambda s: s["deployments"][0]["taskDefinition"] == v1
                              and s["deployments"][0]["id"] != old_id, "rollback deployment", 15)
        self.assertIn(f"(service web) (deployment {failed_id}) deployment failed: tasks failed to start.",
                      self.messages())
        crashed = [t for t in self.tasks(desired="STOPPED") if t["taskDefinitionArn"] == v2]
        self.assertGreaterEqual(len(crashed), 3)
        self.assertTrue(all(t["stopCode"] == "EssentialContainerExited" and t["containers"][0]["exitCode"] == 1
                            for t in crashed))
        self.assertEqual(self.wait_completed(timeout=15)["taskDefinition"], v1)

    def test_without_the_breaker_failed_tasks_keep_being_retried(self):
        self.control_ok("POST", "scenarios", {"match": {"image_tag": "v2"},
                                              "effect": {"fail_to_start": True, "start_seconds": 1}})
        v2 = self.fargate_task_definition("web", image="app:v2")
        self.create_service(task_definition=v2, desired=1)
        s = self.wait_service(lambda s: s["deployments"][0]["failedTasks"] >= 4, "4 failed tasks", 15)
        self.assertEqual(s["deployments"][0]["rolloutState"], "IN_PROGRESS")
        self.assertIn("(service web) is unable to consistently start tasks successfully. For more information, "
                      "see the Troubleshooting section of the Amazon ECS Developer Guide.", self.messages())


class ServiceTagsTest(ServiceFixtures):
    def test_tags_of_services(self):
        s = self.create_service(desired=0, tags=[{"key": "team", "value": "web"}])
        self.ecs.tag_resource(resourceArn=s["serviceArn"], tags=[{"key": "env", "value": "dev"}])
        tags = self.ecs.list_tags_for_resource(resourceArn=s["serviceArn"])["tags"]
        self.assertEqual(sorted((t["key"], t["value"]) for t in tags), [("env", "dev"), ("team", "web")])
        described = self.ecs.describe_services(cluster="app", services=["web"], include=["TAGS"])["services"][0]
        self.assertEqual(len(described["tags"]), 2)
        self.assertNotIn("tags", self.service())
        missing = self.ecs.describe_services(cluster="app", services=["nope"])
        self.assertEqual(missing["failures"][0]["reason"], "MISSING")


if __name__ == "__main__":
    unittest.main()
