"""Task sets: the tasks of a service with the EXTERNAL (or CODE_DEPLOY) deployment controller.

A task set runs computedDesiredCount = ceil(service desiredCount x scale / 100) tasks
of its own task definition, registers them in its own target group once they run,
and replaces tasks that stop (with the services' backoff after failures). Its
stabilityStatus is STEADY_STATE when exactly computedDesiredCount tasks run healthy
and nothing is starting or draining, STABILIZING otherwise. Status: ACTIVE when
created, PRIMARY after UpdateServicePrimaryTaskSet (the former primary turns ACTIVE),
DRAINING once deleted, until its tasks have stopped (then it is gone).

The service's runningCount / pendingCount are the sums over its task sets; it
reaches a steady state when every task set has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from localcloud.ecs.tasks import _dt

if TYPE_CHECKING:
    from localcloud.ecs.services import ServiceStore, SimService

PENDING_STATES = ("PROVISIONING", "PENDING", "ACTIVATING")


@dataclass
class SimTaskSet:
    id: str  # ecs-svc/NNNN
    arn: str
    service_arn: str
    cluster_arn: str
    task_definition: Any  # moto's TaskDefinition
    scale: dict[str, Any]  # {"value": percent, "unit": "PERCENT"}
    launch_type: str | None
    capacity_provider_strategy: list[dict[str, Any]]
    platform_version: str | None
    network_configuration: dict[str, Any] | None
    load_balancers: list[dict[str, Any]]
    service_registries: list[dict[str, Any]]
    external_id: str | None
    started_by: str | None
    client_token: str | None
    tags: list[dict[str, str]]
    created_at: float
    updated_at: float
    status: str = "ACTIVE"
    computed_desired_count: int = 0
    running_count: int = 0
    pending_count: int = 0
    stability_status: str = "STABILIZING"
    stability_status_at: float = 0.0
    # Scheduler state (shared with deployments: ServiceStore.task_failed).
    consecutive_failures: int = 0
    next_start_at: float = 0.0
    impaired_reported: bool = False
    failed_tasks: int = 0

    @property
    def task_set_arn(self) -> str:  # moto's _get_resource reads it
        return self.arn

    def computed(self, service_desired: int) -> int:
        if self.status == "DRAINING":
            return 0
        return math.ceil(service_desired * float(self.scale.get("value", 100.0)) / 100.0 - 1e-9)

    def view(self, include_tags: bool = False) -> dict[str, Any]:
        fargate = (self.launch_type or "FARGATE") == "FARGATE" and not self.capacity_provider_strategy
        view: dict[str, Any] = {
            "id": self.id,
            "taskSetArn": self.arn,
            "serviceArn": self.service_arn,
            "clusterArn": self.cluster_arn,
            "startedBy": self.started_by,
            "externalId": self.external_id,
            "status": self.status,
            "taskDefinition": self.task_definition.arn,
            "computedDesiredCount": self.computed_desired_count,
            "pendingCount": self.pending_count,
            "runningCount": self.running_count,
            "createdAt": _dt(self.created_at),
            "updatedAt": _dt(self.updated_at),
            "launchType": self.launch_type,
            "capacityProviderStrategy": self.capacity_provider_strategy or None,
            "platformVersion": (self.platform_version or "LATEST") if fargate else self.platform_version,
            "platformFamily": "Linux" if fargate else None,
            "networkConfiguration": self.network_configuration,
            "loadBalancers": self.load_balancers,
            "serviceRegistries": self.service_registries,
            "scale": self.scale,
            "stabilityStatus": self.stability_status,
            "stabilityStatusAt": _dt(self.stability_status_at),
        }
        if include_tags:
            view["tags"] = self.tags
        return {k: v for k, v in view.items() if v is not None}


def schedule(store: ServiceStore, s: SimService, now: float) -> None:
    """One reconciliation of the service's task sets."""
    desired = s.desired_count if s.status == "ACTIVE" else 0
    running = pending = 0
    all_steady = bool(s.task_sets)
    for ts in list(s.task_sets):
        if s.status != "ACTIVE":
            ts.status = "DRAINING"
        computed = ts.computed(desired)
        if computed != ts.computed_desired_count:
            ts.computed_desired_count = computed
            ts.updated_at = now
        notes = [n for n in s.notes.values() if n.unit is ts]
        live = [n for n in notes if n.task.live]
        if len(live) > computed:
            extra = sorted(live, key=lambda n: (n.task.last_status == "RUNNING", store.healthy(n),
                                                n.task.started_at or 0))
            store.stop_tasks(s, extra[:len(live) - computed], f"Scaling activity initiated by ({ts.id})")
        elif len(live) < computed and now >= ts.next_start_at:
            store.start_tasks(s, ts, computed - len(live))
        notes = [n for n in s.notes.values() if n.unit is ts]
        live = [n for n in notes if n.task.live]
        ts.running_count = sum(1 for n in live if n.task.last_status == "RUNNING")
        ts.pending_count = sum(1 for n in live if n.task.last_status in PENDING_STATES)
        running += ts.running_count
        pending += ts.pending_count
        settled = all(n.task.stopped or n.task.live for n in notes)
        stable = (len(live) == computed and all(store.healthy(n) for n in live) and settled)
        status = "STEADY_STATE" if stable else "STABILIZING"
        if status != ts.stability_status:
            ts.stability_status = status
            ts.stability_status_at = now
            ts.updated_at = now
            if not stable:
                s.steady = False
        if not stable:
            all_steady = False
        if ts.status == "DRAINING" and all(n.task.stopped for n in notes):
            s.task_sets.remove(ts)
    s.running_count, s.pending_count = running, pending
    if s.status == "ACTIVE" and all_steady and not s.steady:
        store.reached_steady_state(s)
