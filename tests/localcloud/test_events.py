"""ECS events reach EventBridge rules and their SQS targets shaped as AWS sends them."""

import json
import re
import sys
import unittest
import uuid

from harness import REGION, REPO, LocalCloudTestCase

sys.path.insert(0, REPO)  # the observer tests import localcloud in this process

ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TASK_PATTERN = {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"]}


class EventsTestCase(LocalCloudTestCase):
    def setUp(self):
        super().setUp()
        self.control_ok("POST", "clock", {"speed": 40})
        self.ecs = self.client("ecs")
        self.sqs = self.client("sqs")
        self.events = self.client("events")
        self.cluster_arn = self.ecs.create_cluster(clusterName="app")["cluster"]["clusterArn"]
        _, subnets, sg = self.default_network()
        self.network = {"awsvpcConfiguration": {"subnets": subnets[:2], "securityGroups": [sg]}}

    def queue_for(self, rule, pattern, state="ENABLED"):
        """A queue that receives what `rule` (on the default bus) matches; returns its URL."""
        url = self.sqs.create_queue(QueueName=f"{rule}-q")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.events.put_rule(Name=rule, EventPattern=json.dumps(pattern), State=state)
        self.events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
        return url

    def drain(self, url):
        messages = []
        while True:
            got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return messages
            for m in got:
                messages.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    def run_task(self, family, command, **kwargs):
        td = self.fargate_task_definition(family, command=command, **kwargs)
        resp = self.ecs.run_task(cluster="app", taskDefinition=td, launchType="FARGATE",
                                 networkConfiguration=self.network, startedBy="ci-42")
        self.assertEqual(resp["failures"], [])
        return resp["tasks"][0]

    def wait_stopped_event(self, url, task_arn, collected):
        def stopped():
            collected.extend(self.drain(url))
            return next((e for e in collected if e["detail"]["taskArn"] == task_arn
                         and e["detail"]["lastStatus"] == "STOPPED"), None)
        return self.wait_for(stopped, 15, "STOPPED event in SQS", interval=0.1)


class TaskStateChangeTest(EventsTestCase):
    def test_stopped_event_carries_exit_code_and_stop_code(self):
        url = self.queue_for("tasks", TASK_PATTERN)
        self.control_ok("POST", "scenarios", {"match": {"command": "migrate"}, "effect": {"exit_code": 3}})
        task = self.run_task("migrate", ["python", "manage.py", "migrate"])
        events = []
        stopped = self.wait_stopped_event(url, task["taskArn"], events)

        # The envelope, as EventBridge delivers it to an SQS target.
        self.assertEqual(stopped["version"], "0")
        self.assertEqual(stopped["source"], "aws.ecs")
        self.assertEqual(stopped["detail-type"], "ECS Task State Change")
        self.assertEqual(stopped["account"], "123456789012")
        self.assertEqual(stopped["region"], REGION)
        self.assertEqual(stopped["resources"], [task["taskArn"]])
        self.assertRegex(stopped["time"], ISO_SECONDS)
        self.assertEqual(str(uuid.UUID(stopped["id"])), stopped["id"])

        detail = stopped["detail"]
        self.assertEqual(detail["clusterArn"], self.cluster_arn)
        self.assertEqual(detail["taskDefinitionArn"], task["taskDefinitionArn"])
        self.assertEqual(detail["desiredStatus"], "STOPPED")
        self.assertEqual(detail["stopCode"], "EssentialContainerExited")
        self.assertEqual(detail["stoppedReason"], "Essential container in task exited")
        self.assertEqual(detail["group"], "family:migrate")
        self.assertEqual(detail["startedBy"], "ci-42")
        self.assertEqual(detail["launchType"], "FARGATE")
        container = detail["containers"][0]
        self.assertEqual((container["name"], container["exitCode"], container["lastStatus"]),
                         ("migrate", 3, "STOPPED"))
        self.assertEqual(container["taskArn"], task["taskArn"])
        self.assertNotIn("healthStatus", detail)  # not in ECS's task events
        for key in ("createdAt", "startedAt", "stoppingAt", "stoppedAt", "updatedAt", "pullStartedAt"):
            self.assertRegex(detail[key], ISO_MILLIS, key)
        self.assertLessEqual(detail["createdAt"], detail["startedAt"])
        self.assertLessEqual(detail["startedAt"], detail["stoppedAt"])

        # One event per lastStatus, in order, each with a higher version.
        mine = [e["detail"] for e in events if e["detail"]["taskArn"] == task["taskArn"]]
        self.assertEqual([d["lastStatus"] for d in mine],
                         ["PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING",
                          "STOPPED"])
        versions = [d["version"] for d in mine]
        self.assertEqual(versions, sorted(set(versions)))
        self.assertNotIn("exitCode", mine[2]["containers"][0])  # RUNNING: no exit code yet
        # It agrees with DescribeTasks.
        described = self.ecs.describe_tasks(cluster="app", tasks=[task["taskArn"]])["tasks"][0]
        self.assertEqual(described["version"], detail["version"])

    def test_task_that_fails_to_start_reports_task_failed_to_start(self):
        url = self.queue_for("stopped", {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"],
                                         "detail": {"lastStatus": ["STOPPED"]}})
        self.control_ok("POST", "scenarios", {"match": {"image_tag": "gone"}, "effect": {"fail_to_start": True}})
        task = self.run_task("web", None, image="app:gone")
        events = []
        stopped = self.wait_stopped_event(url, task["taskArn"], events)
        self.assertEqual(len(events), 1, "the pattern lets only STOPPED through")
        self.assertEqual(stopped["detail"]["stopCode"], "TaskFailedToStart")
        self.assertIn("CannotPullContainerError", stopped["detail"]["stoppedReason"])
        self.assertNotIn("exitCode", stopped["detail"]["containers"][0])
        self.assertRegex(stopped["detail"]["stoppedAt"], ISO_MILLIS)

    def test_rules_that_do_not_match_or_are_disabled_get_nothing(self):
        other = self.queue_for("other", {"source": ["aws.ec2"]})
        disabled = self.queue_for("disabled", TASK_PATTERN, state="DISABLED")
        wanted = self.queue_for("wanted", TASK_PATTERN)
        task = self.run_task("job", ["true"])
        self.wait_stopped_event(wanted, task["taskArn"], [])
        self.assertEqual(self.drain(other), [])
        self.assertEqual(self.drain(disabled), [])

    def test_event_ids_are_a_function_of_the_seed(self):
        def ids():
            url = self.queue_for("tasks", TASK_PATTERN)
            task = self.run_task("job", ["true"])
            events = []
            self.wait_stopped_event(url, task["taskArn"], events)
            return [e["id"] for e in events]

        first = ids()
        self.setUp()  # reset to the same seed and build the same world
        self.assertEqual(ids(), first)
        self.assertEqual(len(set(first)), len(first))

    def test_put_events_deliveries_keep_the_account(self):
        url = self.queue_for("custom", {"source": ["wharf.test"]})
        self.events.put_events(Entries=[{"Source": "wharf.test", "DetailType": "Ping", "Detail": "{}"}])
        got = self.wait_for(lambda: self.drain(url), 5, "custom event")
        self.assertEqual(got[0]["account"], "123456789012")


class ServiceEventsTest(EventsTestCase):
    """A service's deployments, as the services simulation runs them, reach SQS through a rule."""

    def setUp(self):
        super().setUp()
        self.control_ok("POST", "clock", {"speed": 60})
        self.url = self.queue_for("services", {"source": ["aws.ecs"], "detail-type": [
            "ECS Deployment State Change", "ECS Service Action"]})
        self.seen = []

    def wait_event(self, what, predicate, timeout=15):
        def find():
            self.seen.extend(self.drain(self.url))
            return next((e for e in self.seen if predicate(e)), None)
        return self.wait_for(find, timeout, what, interval=0.1)

    def deployment_event(self, name, deployment_id=None):
        return lambda e: e["detail-type"] == "ECS Deployment State Change" and e["detail"]["eventName"] == name \
            and deployment_id in (None, e["detail"]["deploymentId"])

    def test_deployments_and_rollback_produce_deployment_state_changes(self):
        v1 = self.fargate_task_definition("web", image="app:v1")
        service = self.ecs.create_service(
            cluster="app", serviceName="web", taskDefinition=v1, desiredCount=2, launchType="FARGATE",
            networkConfiguration=self.network,
            deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}})["service"]
        first_id = service["deployments"][0]["id"]
        started = self.wait_event("IN_PROGRESS", self.deployment_event("SERVICE_DEPLOYMENT_IN_PROGRESS", first_id))
        self.assertEqual(started["source"], "aws.ecs")
        self.assertEqual(started["resources"], [service["serviceArn"]])
        self.assertEqual(started["account"], "123456789012")
        self.assertRegex(started["time"], ISO_SECONDS)
        self.assertEqual(started["detail"]["eventType"], "INFO")
        self.assertEqual(started["detail"]["reason"], f"ECS deployment {first_id} in progress.")
        self.assertRegex(started["detail"]["updatedAt"], ISO_MILLIS)
        completed = self.wait_event("COMPLETED", self.deployment_event("SERVICE_DEPLOYMENT_COMPLETED", first_id))
        self.assertEqual(completed["detail"]["reason"], f"ECS deployment {first_id} completed.")
        steady = self.wait_event("steady state", lambda e: e["detail-type"] == "ECS Service Action")
        self.assertEqual(steady["detail"]["eventName"], "SERVICE_STEADY_STATE")
        self.assertEqual(steady["detail"]["eventType"], "INFO")
        self.assertEqual(steady["detail"]["clusterArn"], self.cluster_arn)
        self.assertEqual(steady["resources"], [service["serviceArn"]])

        # A broken image trips the circuit breaker: FAILED (ERROR), then the rollback's IN_PROGRESS.
        self.control_ok("POST", "scenarios", {"match": {"image_tag": "v2"},
                                              "effect": {"fail_to_start": True, "start_seconds": 1}})
        v2 = self.fargate_task_definition("web", image="app:v2")
        broken_id = self.ecs.update_service(cluster="app", service="web",
                                            taskDefinition=v2)["service"]["deployments"][0]["id"]
        failed = self.wait_event("FAILED", self.deployment_event("SERVICE_DEPLOYMENT_FAILED", broken_id), 20)
        self.assertEqual(failed["detail"]["eventType"], "ERROR")
        self.assertIn("circuit breaker", failed["detail"]["reason"])
        rollback = self.wait_event("rollback IN_PROGRESS", lambda e: self.deployment_event(
            "SERVICE_DEPLOYMENT_IN_PROGRESS")(e) and e["detail"]["deploymentId"] not in (first_id, broken_id))
        self.assertEqual(rollback["detail"]["reason"],
                         f"ECS deployment circuit breaker: rolling back to deploymentId {first_id}.")
        self.wait_event("rollback COMPLETED", self.deployment_event("SERVICE_DEPLOYMENT_COMPLETED",
                                                                    rollback["detail"]["deploymentId"]))
        names = [(e["detail"]["eventName"], e["detail"].get("deploymentId")) for e in self.seen
                 if e["detail-type"] == "ECS Deployment State Change"]
        self.assertLess(names.index(("SERVICE_DEPLOYMENT_FAILED", broken_id)),
                        names.index(("SERVICE_DEPLOYMENT_IN_PROGRESS", rollback["detail"]["deploymentId"])))


class ServiceEventObserverTest(unittest.TestCase):
    """The service and deployment signals, sent to the observer directly (in-process moto)."""

    def setUp(self):
        from moto import mock_aws

        self.mock = mock_aws()
        self.mock.start()
        self.addCleanup(self.mock.stop)
        import boto3

        from localcloud import events as events_module
        from localcloud.cloud import LocalCloud

        self.cloud = LocalCloud(seed=3)
        self.observer = events_module.install(self.cloud, None)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.bridge = boto3.client("events", region_name=REGION)
        self.url = self.sqs.create_queue(QueueName="ecs")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.bridge.put_rule(Name="ecs", EventPattern=json.dumps({"source": ["aws.ecs"]}))
        self.bridge.put_targets(Rule="ecs", Targets=[{"Id": "q", "Arn": arn}])

        class Service:
            arn = f"arn:aws:ecs:{REGION}:123456789012:service/app/web"
            name = "web"
            cluster_arn = f"arn:aws:ecs:{REGION}:123456789012:cluster/app"
            account_id = "123456789012"
            region = REGION

        self.service = Service()

    def received(self):
        got = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in got]

    def test_deployment_state_changes(self):
        deployment = {"id": "ecs-svc/1234567890123456789", "status": "PRIMARY", "rolloutState": "IN_PROGRESS",
                      "updatedAt": 1_700_000_000.5}
        with self.cloud.lock:
            self.cloud.notify("deployment_state_changed", service=self.service, deployment=deployment,
                              event_name="SERVICE_DEPLOYMENT_IN_PROGRESS", reason=None)
            self.cloud.notify("deployment_state_changed", service=self.service, deployment=deployment,
                              event_name="SERVICE_DEPLOYMENT_FAILED",
                              reason="ECS deployment circuit breaker: tasks failed to start.")
        started, failed = self.received()
        self.assertEqual(started["detail-type"], "ECS Deployment State Change")
        self.assertEqual(started["resources"], [self.service.arn])
        self.assertEqual(started["detail"], {
            "eventType": "INFO", "eventName": "SERVICE_DEPLOYMENT_IN_PROGRESS",
            "deploymentId": "ecs-svc/1234567890123456789", "updatedAt": "2023-11-14T22:13:20.500Z",
            "reason": "ECS deployment ecs-svc/1234567890123456789 in progress."})
        self.assertEqual(failed["detail"]["eventType"], "ERROR")
        self.assertEqual(failed["detail"]["eventName"], "SERVICE_DEPLOYMENT_FAILED")
        self.assertEqual(failed["detail"]["reason"], "ECS deployment circuit breaker: tasks failed to start.")

    def test_service_actions(self):
        with self.cloud.lock:
            self.cloud.notify("service_action", service=self.service, event_type="SERVICE_STEADY_STATE")
            self.cloud.notify("service_action", service=self.service, event_type="SERVICE_TASK_START_IMPAIRED")
            self.cloud.notify("service_action", service=self.service, event_type="SERVICE_TASK_PLACEMENT_FAILURE")
        steady, impaired, failure = self.received()
        self.assertEqual(steady["detail-type"], "ECS Service Action")
        self.assertEqual(steady["source"], "aws.ecs")
        self.assertEqual(steady["resources"], [self.service.arn])
        self.assertEqual(steady["detail"]["eventType"], "INFO")
        self.assertEqual(steady["detail"]["eventName"], "SERVICE_STEADY_STATE")
        self.assertEqual(steady["detail"]["clusterArn"], self.service.cluster_arn)
        self.assertRegex(steady["detail"]["createdAt"], ISO_MILLIS)
        self.assertEqual(impaired["detail"]["eventType"], "WARN")
        self.assertEqual(failure["detail"]["eventType"], "ERROR")

    def test_an_observer_failure_does_not_break_the_simulation(self):
        with self.cloud.lock, self.assertLogs("localcloud", "ERROR") as logged:
            # A service object without what the observer needs: logged, nothing sent, nothing raised.
            self.cloud.notify("service_action", service=object(), event_type="SERVICE_STEADY_STATE")
        self.assertIn("has no ARN", "\n".join(logged.output))
        self.assertEqual(self.received(), [])


if __name__ == "__main__":
    unittest.main()
