"""One-off tasks (RunTask) run to completion with the exit code, stop code and times ECS reports."""

import unittest

from botocore.exceptions import ClientError

from harness import LocalCloudTestCase


class RunTaskTest(LocalCloudTestCase):
    def setUp(self):
        super().setUp()
        self.control_ok("POST", "clock", {"speed": 20})
        self.ecs = self.client("ecs")
        self.ecs.create_cluster(clusterName="app")
        _, self.subnets, self.sg = self.default_network()
        self.network = {"awsvpcConfiguration": {"subnets": self.subnets[:2], "securityGroups": [self.sg],
                                                "assignPublicIp": "DISABLED"}}

    def run_task(self, task_definition, **kwargs):
        resp = self.ecs.run_task(cluster="app", taskDefinition=task_definition, launchType="FARGATE",
                                 networkConfiguration=self.network, **kwargs)
        self.assertEqual(resp["failures"], [])
        return resp["tasks"]

    def wait_stopped(self, arn, timeout=15):
        def stopped():
            task = self.ecs.describe_tasks(cluster="app", tasks=[arn])["tasks"][0]
            return task if task["lastStatus"] == "STOPPED" else None
        return self.wait_for(stopped, timeout, "task STOPPED")

    def test_task_walks_the_lifecycle_and_exits_zero_by_default(self):
        td = self.fargate_task_definition("migrate", image="app:v1", command=["python", "manage.py", "migrate"])
        task = self.run_task(td)[0]
        self.assertEqual(task["lastStatus"], "PROVISIONING")
        self.assertEqual(task["desiredStatus"], "RUNNING")

        def running():
            t = self.ecs.describe_tasks(cluster="app", tasks=[task["taskArn"]])["tasks"][0]
            return t if t["lastStatus"] == "RUNNING" else None
        running_task = self.wait_for(running, 10, "task RUNNING")
        # It went through PENDING (the image pull) before RUNNING.
        self.assertLessEqual(running_task["pullStartedAt"], running_task["pullStoppedAt"])
        self.assertLessEqual(running_task["pullStoppedAt"], running_task["startedAt"])
        eni = {d["name"]: d["value"] for d in running_task["attachments"][0]["details"]}
        self.assertIn(eni["subnetId"], self.subnets)
        ec2 = self.client("ec2")
        subnet = ec2.describe_subnets(SubnetIds=[eni["subnetId"]])["Subnets"][0]
        import ipaddress
        self.assertIn(ipaddress.ip_address(eni["privateIPv4Address"]), ipaddress.ip_network(subnet["CidrBlock"]))
        self.assertEqual(running_task["containers"][0]["networkInterfaces"][0]["privateIpv4Address"],
                         eni["privateIPv4Address"])

        stopped = self.wait_stopped(task["taskArn"])
        self.assertEqual(stopped["desiredStatus"], "STOPPED")
        self.assertEqual(stopped["stopCode"], "EssentialContainerExited")
        self.assertEqual(stopped["containers"][0]["exitCode"], 0)
        self.assertGreaterEqual(stopped["stoppedAt"], stopped["startedAt"])
        self.assertGreaterEqual(stopped["startedAt"], stopped["createdAt"])
        # The ENI is gone once the task is stopped.
        enis = ec2.describe_network_interfaces(NetworkInterfaceIds=[]).get("NetworkInterfaces", [])
        self.assertNotIn(eni["networkInterfaceId"], [e["NetworkInterfaceId"] for e in enis])

    def test_scenario_sets_the_exit_code_by_command(self):
        self.control_ok("POST", "scenarios", {"match": {"command": "migrate"}, "effect": {"exit_code": 3}})
        migrate = self.fargate_task_definition("migrate", command=["python", "manage.py", "migrate"])
        other = self.fargate_task_definition("other", command=["python", "manage.py", "check"])
        failing = self.run_task(migrate)[0]
        fine = self.run_task(other)[0]
        self.assertEqual(self.wait_stopped(failing["taskArn"])["containers"][0]["exitCode"], 3)
        self.assertEqual(self.wait_stopped(fine["taskArn"])["containers"][0]["exitCode"], 0)

    def test_scenario_matches_command_overrides_and_image_tag(self):
        self.control_ok("POST", "scenarios", [
            {"match": {"image_tag": "broken"}, "effect": {"exit_code": 9}},
            {"match": {"command": "migrate"}, "effect": {"exit_code": 4, "run_seconds": 1}},
        ])
        td = self.fargate_task_definition("web", image="repo/app:v1", command=["gunicorn"])
        task = self.run_task(td, overrides={"containerOverrides": [
            {"name": "web", "command": ["python", "manage.py", "migrate"]}]})[0]
        self.assertEqual(self.wait_stopped(task["taskArn"])["containers"][0]["exitCode"], 4)
        broken = self.fargate_task_definition("web", image="repo/app:broken")
        task = self.run_task(broken)[0]
        self.assertEqual(self.wait_stopped(task["taskArn"])["containers"][0]["exitCode"], 9)

    def test_task_that_fails_to_start_has_no_exit_code(self):
        self.control_ok("POST", "scenarios", {"match": {"image_tag": "missing"},
                                              "effect": {"fail_to_start": True, "start_seconds": 0.5}})
        td = self.fargate_task_definition("web", image="app:missing")
        task = self.run_task(td)[0]
        stopped = self.wait_stopped(task["taskArn"])
        self.assertEqual(stopped["stopCode"], "TaskFailedToStart")
        self.assertIn("CannotPullContainerError", stopped["stoppedReason"])
        self.assertNotIn("exitCode", stopped["containers"][0])
        self.assertNotIn("startedAt", stopped)

    def test_missing_log_group_fails_the_task_like_ecs(self):
        td = self.fargate_task_definition("web", log_group="/wharf/nowhere")
        task = self.run_task(td)[0]
        stopped = self.wait_stopped(task["taskArn"])
        self.assertEqual(stopped["stopCode"], "TaskFailedToStart")
        self.assertIn("log group does not exist", stopped["stoppedReason"])

    def test_missing_ecr_image_cannot_be_pulled(self):
        image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v9"
        td = self.fargate_task_definition("web", image=image)
        stopped = self.wait_stopped(self.run_task(td)[0]["taskArn"])
        self.assertEqual(stopped["stopCode"], "TaskFailedToStart")
        self.assertIn(image, stopped["stoppedReason"])

    def test_stop_task_and_list_tasks_filters(self):
        self.control_ok("POST", "scenarios", {"match": {"family": "long"}, "effect": {"run_seconds": 3600}})
        td = self.fargate_task_definition("long")
        a, b = self.run_task(td, count=2, startedBy="ci")
        self.assertEqual(sorted(self.ecs.list_tasks(cluster="app", startedBy="ci")["taskArns"]),
                         sorted([a["taskArn"], b["taskArn"]]))
        self.assertEqual(self.ecs.list_tasks(cluster="app", serviceName="web")["taskArns"], [])
        stopping = self.ecs.stop_task(cluster="app", task=a["taskArn"], reason="no longer needed")["task"]
        self.assertEqual(stopping["desiredStatus"], "STOPPED")
        stopped = self.wait_stopped(a["taskArn"])
        self.assertEqual(stopped["stopCode"], "UserInitiated")
        self.assertEqual(stopped["stoppedReason"], "no longer needed")
        self.assertEqual(self.ecs.list_tasks(cluster="app")["taskArns"], [b["taskArn"]])
        self.assertEqual(self.ecs.list_tasks(cluster="app", desiredStatus="STOPPED")["taskArns"], [a["taskArn"]])

    def test_client_token_makes_run_task_idempotent(self):
        td = self.fargate_task_definition("migrate")
        first = self.run_task(td, clientToken="deploy-42-migrate")
        again = self.run_task(td, clientToken="deploy-42-migrate")
        self.assertEqual([t["taskArn"] for t in first], [t["taskArn"] for t in again])
        self.assertEqual(len(self.ecs.list_tasks(cluster="app", family="migrate")["taskArns"]), 1)

    def test_validation_errors_read_like_ecs(self):
        td = self.fargate_task_definition("web")
        with self.assertRaises(ClientError) as err:
            self.ecs.run_task(cluster="app", taskDefinition=td, launchType="FARGATE")
        self.assertEqual(err.exception.response["Error"]["Code"], "InvalidParameterException")
        self.assertIn("Network Configuration must be provided", str(err.exception))
        with self.assertRaises(ClientError) as err:
            self.ecs.run_task(cluster="app", taskDefinition=td, launchType="FARGATE", networkConfiguration={
                "awsvpcConfiguration": {"subnets": ["subnet-00000000"], "securityGroups": [self.sg]}})
        self.assertIn("subnet-00000000", str(err.exception))
        with self.assertRaises(ClientError) as err:
            self.ecs.run_task(cluster="nope", taskDefinition=td, launchType="FARGATE",
                              networkConfiguration=self.network)
        self.assertEqual(err.exception.response["Error"]["Code"], "ClusterNotFoundException")


if __name__ == "__main__":
    unittest.main()
