"""Containers' awslogs lines land in CloudWatch Logs: the command they ran and how they ended."""

import unittest

from botocore.exceptions import ClientError

from harness import LocalCloudTestCase


class AwslogsTest(LocalCloudTestCase):
    def setUp(self):
        super().setUp()
        self.control_ok("POST", "clock", {"speed": 40})
        self.ecs = self.client("ecs")
        self.logs = self.client("logs")
        self.ecs.create_cluster(clusterName="app")
        _, subnets, sg = self.default_network()
        self.network = {"awsvpcConfiguration": {"subnets": subnets[:2], "securityGroups": [sg]}}

    def run_to_stop(self, td):
        task = self.ecs.run_task(cluster="app", taskDefinition=td, launchType="FARGATE",
                                 networkConfiguration=self.network)["tasks"][0]

        def stopped():
            t = self.ecs.describe_tasks(cluster="app", tasks=[task["taskArn"]])["tasks"][0]
            return t if t["lastStatus"] == "STOPPED" else None
        return self.wait_for(stopped, 15, "task STOPPED")

    def test_stream_shows_the_command_and_the_exit_code(self):
        self.logs.create_log_group(logGroupName="/wharf/migrate")
        self.control_ok("POST", "scenarios", {"match": {"command": "migrate"}, "effect": {"exit_code": 3}})
        td = self.fargate_task_definition("migrate", image="app:v7", command=["python", "manage.py", "migrate"],
                                          log_group="/wharf/migrate")
        task = self.run_to_stop(td)
        task_id = task["taskArn"].rsplit("/", 1)[-1]
        stream = f"migrate/migrate/{task_id}"  # awslogs-stream-prefix/container/task id, as ECS names it

        streams = self.logs.describe_log_streams(logGroupName="/wharf/migrate")["logStreams"]
        self.assertEqual([s["logStreamName"] for s in streams], [stream])
        events = self.logs.get_log_events(logGroupName="/wharf/migrate", logStreamName=stream,
                                          startFromHead=True)["events"]
        messages = [e["message"] for e in events]
        self.assertEqual(len(messages), 2, messages)
        self.assertIn("python manage.py migrate", messages[0])
        self.assertIn("app:v7", messages[0])
        self.assertIn("exited with code 3", messages[1])
        # Timestamps are the local cloud's: started at startedAt, exited by stoppedAt.
        started_ms = task["startedAt"].timestamp() * 1000
        stopped_ms = task["stoppedAt"].timestamp() * 1000
        self.assertLessEqual(events[0]["timestamp"], events[1]["timestamp"])
        self.assertGreaterEqual(events[0]["timestamp"], started_ms - 1000)
        self.assertLessEqual(events[1]["timestamp"], stopped_ms + 1000)

        found = self.logs.filter_log_events(logGroupName="/wharf/migrate", filterPattern="exited")["events"]
        self.assertEqual([(e["logStreamName"], e["message"]) for e in found], [(stream, messages[1])])

    def test_create_group_option_creates_the_group(self):
        td = self.client("ecs").register_task_definition(
            family="job", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": "job", "image": "app:v1", "essential": True, "command": ["./job"],
                                   "logConfiguration": {"logDriver": "awslogs", "options": {
                                       "awslogs-group": "/wharf/created", "awslogs-region": "us-east-1",
                                       "awslogs-create-group": "true"}}}],
        )["taskDefinition"]["taskDefinitionArn"]
        task = self.run_to_stop(td)
        self.assertEqual(task["containers"][0]["exitCode"], 0)
        task_id = task["taskArn"].rsplit("/", 1)[-1]
        # No prefix: the stream is the task id.
        events = self.logs.get_log_events(logGroupName="/wharf/created", logStreamName=task_id)["events"]
        self.assertEqual(len(events), 2)
        self.assertIn("./job", events[0]["message"])
        self.assertIn("exited with code 0", events[1]["message"])

    def test_tasks_without_awslogs_write_nothing(self):
        task = self.run_to_stop(self.fargate_task_definition("quiet", command=["true"]))
        self.assertEqual(task["containers"][0]["exitCode"], 0)
        self.assertEqual(self.logs.describe_log_groups()["logGroups"], [])

    def test_a_group_deleted_while_the_task_runs_gets_nothing_and_is_not_recreated(self):
        self.logs.create_log_group(logGroupName="/wharf/brief")
        self.control_ok("POST", "scenarios", {"match": {"family": "brief"}, "effect": {"run_seconds": 20}})
        td = self.fargate_task_definition("brief", command=["sleep", "20"], log_group="/wharf/brief")
        arn = self.ecs.run_task(cluster="app", taskDefinition=td, launchType="FARGATE",
                                networkConfiguration=self.network)["tasks"][0]["taskArn"]
        self.wait_for(lambda: self.logs.describe_log_streams(logGroupName="/wharf/brief")["logStreams"], 10,
                      "the start line's stream")
        self.logs.delete_log_group(logGroupName="/wharf/brief")
        self.wait_for(lambda: self.ecs.describe_tasks(cluster="app", tasks=[arn])["tasks"][0]["lastStatus"]
                      == "STOPPED", 15, "task STOPPED")
        with self.assertRaises(ClientError):
            self.logs.describe_log_streams(logGroupName="/wharf/brief")


if __name__ == "__main__":
    unittest.main()
