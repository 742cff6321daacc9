"""ECS on the local cloud: tasks that run, services that deploy, task sets that shift traffic."""

from __future__ import annotations

import argparse

from localcloud import elbv2_targets
from localcloud.cloud import LocalCloud
from localcloud.ecs import service_api, task_api, task_definition_api
from localcloud.ecs.services import ServiceStore
from localcloud.ecs.tasks import TaskStore


def install(cloud: LocalCloud, _args: argparse.Namespace) -> TaskStore:
    # Tick order matters: tasks move, then target health follows them, then the scheduler reacts.
    store = cloud.add(TaskStore(cloud))
    cloud.ecs = store
    task_api.install(cloud, store)
    task_definition_api.install(cloud)
    targets = elbv2_targets.install(cloud, _args)
    services = cloud.add(ServiceStore(cloud, store, targets))
    cloud.ecs_services = services  # type: ignore[attr-defined]
    service_api.install(cloud, services)

    def deactivate_seconds(task) -> float:
        """A running task being stopped drains its targets first (StopTask of a service's task)."""
        delays = [elbv2_targets.deregistration_delay(tg) for t in targets.targets_of(task)
                  if t.state != "draining" and (tg := elbv2_targets.target_group(t.tg_arn)) is not None]
        return max(delays, default=0.0)

    store.deactivate_hook = deactivate_seconds
    return store
