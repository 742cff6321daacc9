"""ECS on the local cloud: tasks that run, services that deploy, task sets that shift traffic."""

from __future__ import annotations

import argparse

from localcloud.cloud import LocalCloud
from localcloud.ecs import task_api
from localcloud.ecs.tasks import TaskStore


def install(cloud: LocalCloud, _args: argparse.Namespace) -> TaskStore:
    store = cloud.add(TaskStore(cloud))
    cloud.ecs = store
    task_api.install(cloud, store)
    return store
