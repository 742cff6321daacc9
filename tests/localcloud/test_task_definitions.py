"""ListTaskDefinitions sorted and paged like ECS; RegisterTaskDefinition returns the tags."""

import unittest

from botocore.exceptions import ClientError

from harness import LocalCloudTestCase


class TaskDefinitionTest(LocalCloudTestCase):
    def setUp(self):
        super().setUp()
        self.ecs = self.client("ecs")

    def register(self, family, tags=None):
        kwargs = {"tags": tags} if tags else {}
        return self.ecs.register_task_definition(
            family=family, containerDefinitions=[{"name": family, "image": "app:v1", "memory": 256}], **kwargs)

    def arn(self, family, revision):
        return f"arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:{revision}"

    def test_register_returns_the_tags(self):
        resp = self.register("web", tags=[{"key": "app", "value": "shop"}])
        self.assertEqual(resp["tags"], [{"key": "app", "value": "shop"}])
        self.assertEqual(self.register("web")["tags"], [])

    def test_sorted_by_family_then_revision_and_paged(self):
        for family in ("worker", "web", "worker", "web", "web"):
            self.register(family)
        everything = [self.arn("web", r) for r in (1, 2, 3)] + [self.arn("worker", r) for r in (1, 2)]
        self.assertEqual(self.ecs.list_task_definitions()["taskDefinitionArns"], everything)
        self.assertEqual(self.ecs.list_task_definitions(sort="DESC")["taskDefinitionArns"], everything[::-1])

        first = self.ecs.list_task_definitions(maxResults=2)
        self.assertEqual(first["taskDefinitionArns"], everything[:2])
        second = self.ecs.list_task_definitions(maxResults=2, nextToken=first["nextToken"])
        third = self.ecs.list_task_definitions(maxResults=2, nextToken=second["nextToken"])
        self.assertEqual(second["taskDefinitionArns"] + third["taskDefinitionArns"], everything[2:])
        self.assertNotIn("nextToken", third)
        paginator = self.ecs.get_paginator("list_task_definitions")
        paged = [arn for page in paginator.paginate(familyPrefix="web", sort="DESC",
                                                    PaginationConfig={"PageSize": 1})
                 for arn in page["taskDefinitionArns"]]
        self.assertEqual(paged, [self.arn("web", r) for r in (3, 2, 1)])

    def test_status_filter_and_bad_parameters(self):
        self.register("web")
        self.register("web")
        self.ecs.deregister_task_definition(taskDefinition="web:1")
        self.assertEqual(self.ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"],
                         [self.arn("web", 1)])
        self.assertEqual(self.ecs.list_task_definitions()["taskDefinitionArns"], [self.arn("web", 2)])
        for kwargs in ({"maxResults": 0}, {"maxResults": 101}, {"sort": "UP"}, {"status": "GONE"}):
            with self.subTest(**kwargs), self.assertRaises(ClientError) as err:
                self.ecs.list_task_definitions(**kwargs)
            self.assertIn(err.exception.response["Error"]["Code"],
                          ("InvalidParameterException", "ClientException"))


if __name__ == "__main__":
    unittest.main()
