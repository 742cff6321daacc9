"""Task sets of a service with the EXTERNAL deployment controller: scale, targets, primary, deletion."""

import unittest

from botocore.exceptions import ClientError

from test_services import ServiceFixtures, ip_of


class TaskSetTest(ServiceFixtures):
    def external_service(self, desired=4):
        return self.ecs.create_service(cluster="app", serviceName="web", desiredCount=desired,
                                       deploymentController={"type": "EXTERNAL"})["service"]

    def create_task_set(self, task_definition, tg, scale=100.0, **kwargs):
        return self.ecs.create_task_set(
            cluster="app", service="web", taskDefinition=task_definition, launchType="FARGATE",
            networkConfiguration=self.network, scale={"value": scale, "unit": "PERCENT"},
            loadBalancers=[{"targetGroupArn": tg, "containerName": "web", "containerPort": 8000}],
            **kwargs)["taskSet"]

    def task_set(self, ts):
        return self.ecs.describe_task_sets(cluster="app", service="web", taskSets=[ts["taskSetArn"]])["taskSets"][0]

    def wait_steady(self, ts, running, timeout=10):
        def steady():
            now = self.task_set(ts)
            return now if now["stabilityStatus"] == "STEADY_STATE" and now["runningCount"] == running else None
        return self.wait_for(steady, timeout, f"task set {ts['id']} STEADY_STATE with {running} tasks")

    def healthy_ips(self, tg):
        return sorted(h["Target"]["Id"] for h in self.health(tg) if h["TargetHealth"]["State"] == "healthy")

    def ips_of_task_set(self, ts):
        return sorted(ip_of(t) for t in self.tasks() if t["startedBy"] == ts["id"])

    def test_blue_green_with_task_sets(self):
        blue_tg, green_tg = self.target_group("blue", delay=30), self.target_group("green", delay=5)
        v1 = self.fargate_task_definition("web", image="app:v1")
        v2 = self.fargate_task_definition("web", image="app:v2")
        service = self.external_service(desired=4)
        self.assertEqual((service["deploymentController"]["type"], service["taskSets"]), ("EXTERNAL", []))
        self.assertEqual(service["deployments"], [])

        blue = self.create_task_set(v1, blue_tg, externalId="blue", clientToken="blue-1")
        self.assertEqual((blue["status"], blue["computedDesiredCount"], blue["stabilityStatus"]),
                         ("ACTIVE", 4, "STABILIZING"))
        self.assertTrue(blue["taskSetArn"].endswith(f"task-set/app/web/{blue['id']}"))
        self.assertEqual(self.create_task_set(v1, blue_tg, clientToken="blue-1")["taskSetArn"], blue["taskSetArn"])
        steady = self.wait_steady(blue, 4)
        self.assertEqual(steady["pendingCount"], 0)
        self.assertEqual(self.healthy_ips(blue_tg), self.ips_of_task_set(blue))
        self.assertEqual(len(self.healthy_ips(blue_tg)), 4)
        primary = self.ecs.update_service_primary_task_set(cluster="app", service="web",
                                                           primaryTaskSet=blue["taskSetArn"])["taskSet"]
        self.assertEqual(primary["status"], "PRIMARY")
        self.assertEqual(self.service()["taskDefinition"], v1)

        # Green at 50 %: ceil(4 x 0.5) = 2 tasks in its own target group.
        green = self.create_task_set(v2, green_tg, scale=50, externalId="green")
        self.assertEqual(green["computedDesiredCount"], 2)
        self.wait_steady(green, 2)
        self.assertEqual(self.healthy_ips(green_tg), self.ips_of_task_set(green))
        s = self.wait_service(lambda s: s["runningCount"] == 6, "6 tasks across the task sets")
        self.assertEqual(sorted(ts["status"] for ts in s["taskSets"]), ["ACTIVE", "PRIMARY"])

        self.ecs.update_service_primary_task_set(cluster="app", service="web", primaryTaskSet=green["id"])
        statuses = {ts["id"]: ts["status"] for ts in
                    self.ecs.describe_task_sets(cluster="app", service="web")["taskSets"]}
        self.assertEqual(statuses, {blue["id"]: "ACTIVE", green["id"]: "PRIMARY"})
        s = self.service()
        self.assertEqual((s["taskDefinition"], s["loadBalancers"][0]["targetGroupArn"]), (v2, green_tg))

        # Blue cannot go while scaled above 0; scaled to 0 its targets drain and its tasks stop.
        with self.assertRaises(ClientError) as err:
            self.ecs.delete_task_set(cluster="app", service="web", taskSet=blue["taskSetArn"])
        self.assertEqual(err.exception.response["Error"]["Code"], "InvalidParameterException")
        scaled = self.ecs.update_task_set(cluster="app", service="web", taskSet=blue["taskSetArn"],
                                          scale={"value": 0, "unit": "PERCENT"})["taskSet"]
        self.assertEqual(scaled["computedDesiredCount"], 0)
        self.wait_for(lambda: any(h["TargetHealth"]["State"] == "draining" for h in self.health(blue_tg)),
                      5, "blue targets draining")
        self.wait_steady(blue, 0)
        self.assertEqual(self.health(blue_tg), [])
        deleted = self.ecs.delete_task_set(cluster="app", service="web", taskSet=blue["taskSetArn"])["taskSet"]
        self.assertEqual(deleted["status"], "DRAINING")
        self.wait_for(lambda: [ts["id"] for ts in self.ecs.describe_task_sets(
            cluster="app", service="web")["taskSets"]] == [green["id"]], 5, "blue gone")
        gone = self.ecs.describe_task_sets(cluster="app", service="web", taskSets=[blue["taskSetArn"]])
        self.assertEqual(gone["failures"], [{"arn": blue["taskSetArn"], "reason": "MISSING"}])

        # Green to 100 %: 4 tasks; the primary task set needs force to be deleted.
        self.ecs.update_task_set(cluster="app", service="web", taskSet=green["id"],
                                 scale={"value": 100, "unit": "PERCENT"})
        self.wait_steady(green, 4)
        self.assertEqual(len(self.healthy_ips(green_tg)), 4)
        with self.assertRaises(ClientError):
            self.ecs.delete_task_set(cluster="app", service="web", taskSet=green["id"])
        self.assertEqual(self.messages()[-1], "(service web) has reached a steady state.")

    def test_task_set_rules(self):
        tg = self.target_group("blue")
        v1 = self.fargate_task_definition("web")
        self.create_service(task_definition=v1, desired=1)
        with self.assertRaises(ClientError) as err:
            self.create_task_set(v1, tg)
        self.assertIn("external deployment controllers", str(err.exception))
        self.ecs.create_service(cluster="app", serviceName="ext", desiredCount=3,
                                deploymentController={"type": "EXTERNAL"})
        ts = self.ecs.create_task_set(cluster="app", service="ext", taskDefinition=v1, launchType="FARGATE",
                                      networkConfiguration=self.network, scale={"value": 50, "unit": "PERCENT"},
                                      tags=[{"key": "color", "value": "blue"}])["taskSet"]
        self.assertEqual(ts["computedDesiredCount"], 2)  # ceil(3 x 0.5)
        tags = self.ecs.list_tags_for_resource(resourceArn=ts["taskSetArn"])["tags"]
        self.assertEqual(tags, [{"key": "color", "value": "blue"}])
        with self.assertRaises(ClientError) as err:
            self.ecs.update_task_set(cluster="app", service="ext", taskSet="ecs-svc/1",
                                     scale={"value": 10, "unit": "PERCENT"})
        self.assertEqual(err.exception.response["Error"]["Code"], "TaskSetNotFoundException")
        forced = self.ecs.delete_task_set(cluster="app", service="ext", taskSet=ts["id"], force=True)["taskSet"]
        self.assertEqual(forced["status"], "DRAINING")
        self.wait_for(lambda: self.ecs.describe_task_sets(cluster="app", service="ext")["taskSets"] == [],
                      10, "task set gone")


if __name__ == "__main__":
    unittest.main()
