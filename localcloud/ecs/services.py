"""ECS services that keep their tasks running, roll deployments and trip the circuit breaker.

moto stores a service and reports whatever desiredCount says. Here a service runs
tasks through the TaskStore and is reconciled on every tick, as ECS's service
scheduler does:

- It keeps desiredCount tasks of the PRIMARY deployment live; a task that stops is
  replaced (after a failure, with a backoff: 5 s doubling to 15 min).
- A new task definition, forceNewDeployment or a network / load-balancer / platform
  change starts a new PRIMARY deployment; the old ones become ACTIVE and are
  replaced under deploymentConfiguration: new tasks start while the service has
  fewer than maximumPercent of desiredCount (rounded down) live, and old tasks stop
  while at least minimumHealthyPercent (rounded up) stay healthy. A desiredCount
  change scales the PRIMARY deployment; it starts no deployment.
- A task is healthy when RUNNING and, behind a load balancer, "healthy" in every
  target group of its deployment. ECS registers a task's IP and container port once
  it runs; a task it stops is deregistered first and stays DEACTIVATING for the
  target group's deregistration delay. A target "unhealthy" after
  healthCheckGracePeriodSeconds (from the task's start) gets its task stopped and
  replaced.
- rolloutState is IN_PROGRESS until the PRIMARY deployment has desiredCount healthy
  tasks and the old deployments are drained (COMPLETED, they leave deployments[]).
- The circuit breaker counts the PRIMARY deployment's failed tasks (failed to start,
  stopped before RUNNING, exited, stopped for failing ELB health checks) in
  failedTasks; at ceil(0.5 * desiredCount) clamped to 3..200 the deployment is
  FAILED and launches nothing more; with rollback, a new PRIMARY deployment returns
  the service to the last COMPLETED deployment's configuration.
- DeleteService: DRAINING until every task has stopped, then INACTIVE (describable
  for an hour).

Service events (events[], newest first, at most 100) use ECS's wording, and the
simulation's signals go to LocalCloud.notify: service_action(service, event_type)
and deployment_state_changed(service, deployment, event_name, reason), where
`service` is the SimService and `deployment` the deployment as DescribeServices
shows it (a dict).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from localcloud import elbv2_targets
from localcloud.cloud import LocalCloud
from localcloud.ecs.tasks import SimTask, TaskStore, _dt

log = logging.getLogger("localcloud")

EVENTS_KEPT = 100
INACTIVE_RETENTION_SECONDS = 3600.0
RESTART_BACKOFF_BASE = 5.0  # after the first failure; doubles per consecutive failure
RESTART_BACKOFF_MAX = 900.0
START_IMPAIRED_AFTER = 3  # consecutive failed tasks before SERVICE_TASK_START_IMPAIRED
BREAKER_MIN, BREAKER_MAX = 3, 200
PENDING_STATES = ("PROVISIONING", "PENDING", "ACTIVATING")
FAILED_REASON = "tasks failed to start"

DEFAULT_DEPLOYMENT_CONFIGURATION: dict[str, Any] = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}


def breaker_threshold(desired_count: int) -> int:
    """ECS's circuit-breaker threshold: 0.5 x desiredCount rounded up, at least 3 and at most 200."""
    return min(BREAKER_MAX, max(BREAKER_MIN, math.ceil(0.5 * desired_count)))


def new_deployment_id(cloud: LocalCloud) -> str:
    return f"ecs-svc/{cloud.rng.randrange(10 ** 18, 10 ** 19)}"


@dataclass
class Deployment:
    """One deployment of a service (ECS deployment controller)."""

    id: str
    status: str  # PRIMARY, ACTIVE
    task_definition: Any  # moto's TaskDefinition
    desired_count: int
    launch_type: str | None
    capacity_provider_strategy: list[dict[str, Any]]
    platform_version: str | None
    network_configuration: dict[str, Any] | None
    load_balancers: list[dict[str, Any]]
    created_at: float
    updated_at: float
    rollout_state: str = "IN_PROGRESS"
    rollout_state_reason: str = ""
    failed_tasks: int = 0
    running_count: int = 0
    pending_count: int = 0
    # Scheduler state.
    consecutive_failures: int = 0
    next_start_at: float = 0.0
    impaired_reported: bool = False

    @property
    def task_definition_arn(self) -> str:
        return self.task_definition.arn

    def view(self) -> dict[str, Any]:
        fargate = (self.launch_type or "FARGATE") == "FARGATE"
        view: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "taskDefinition": self.task_definition.arn,
            "desiredCount": self.desired_count,
            "pendingCount": self.pending_count,
            "runningCount": self.running_count,
            "failedTasks": self.failed_tasks,
            "createdAt": _dt(self.created_at),
            "updatedAt": _dt(self.updated_at),
            "launchType": self.launch_type,
            "capacityProviderStrategy": self.capacity_provider_strategy or None,
            "platformVersion": ("1.4.0" if self.platform_version in (None, "LATEST") else self.platform_version)
            if fargate else None,
            "platformFamily": "Linux" if fargate else None,
            "networkConfiguration": self.network_configuration,
            "rolloutState": self.rollout_state,
            "rolloutStateReason": self.rollout_state_reason,
        }
        return {k: v for k, v in view.items() if v is not None}


@dataclass
class TaskNote:
    """What the scheduler knows of one task it started."""

    task: SimTask
    unit: Any  # the Deployment or SimTaskSet that started it
    registered: bool = False  # its targets were registered
    by_scheduler: bool = False  # stopped by the scheduler for scaling/replacement (not a failure)
    settled: bool = False  # its stop was seen and accounted for
    stop_reported: bool = False  # the "has stopped" event was written
    healthy_seen: bool = False  # it has been healthy (a success: the unit's failure streak ends)


class SimService:
    """An ECS service. Read and changed only under LocalCloud.lock.

    Attributes other extensions read:
      arn, name                   the service's ARN (long format) and name
      cluster_arn, cluster_name   its cluster
      account_id, region          where it lives
      status                      ACTIVE, DRAINING or INACTIVE
      desired_count, running_count, pending_count
      task_definition             the task definition ARN it runs (PRIMARY deployment's or primary task set's)
      deployments                 Deployment objects, PRIMARY first (Deployment.view() is the API form)
      task_sets                   SimTaskSet objects (EXTERNAL / CODE_DEPLOY deployment controller)
      load_balancers              [{"targetGroupArn", "containerName", "containerPort"}]
      deployment_controller       "ECS", "EXTERNAL" or "CODE_DEPLOY"
      events                      service events, newest first: {"id", "createdAt" (epoch s), "message"}
      tags                        [{"key", "value"}]
    """

    def __init__(self, *, account_id: str, region: str, cluster: Any, name: str, desired_count: int,
                 deployment_controller: str, created_at: float, client_token: str | None, **config: Any):
        self.account_id = account_id
        self.region = region
        self.cluster = cluster  # moto's Cluster
        self.cluster_arn: str = cluster.arn
        self.cluster_name: str = cluster.name
        self.name = name
        self.arn = f"arn:aws:ecs:{region}:{account_id}:service/{cluster.name}/{name}"
        self.status = "ACTIVE"
        self.desired_count = desired_count
        self.deployment_controller = deployment_controller
        self.created_at = created_at
        self.client_token = client_token
        self.running_count = 0
        self.pending_count = 0
        self.deployments: list[Deployment] = []
        self.task_sets: list[Any] = []
        self.events: list[dict[str, Any]] = []
        self.notes: dict[str, TaskNote] = {}  # task ARN -> note, every task the service started
        self.last_completed: Deployment | None = None
        self.steady = False
        self.inactive_at: float | None = None
        # Configuration (DescribeServices shows it).
        self.launch_type: str | None = config.get("launch_type")
        self.capacity_provider_strategy: list[dict[str, Any]] = config.get("capacity_provider_strategy") or []
        self.platform_version: str | None = config.get("platform_version")
        self.network_configuration: dict[str, Any] | None = config.get("network_configuration")
        self.load_balancers: list[dict[str, Any]] = config.get("load_balancers") or []
        self.service_registries: list[dict[str, Any]] = config.get("service_registries") or []
        self.deployment_configuration: dict[str, Any] = config.get("deployment_configuration") or {}
        self.health_check_grace_period: int | None = config.get("health_check_grace_period")
        self.scheduling_strategy: str = config.get("scheduling_strategy") or "REPLICA"
        self.placement_constraints: list[dict[str, Any]] = config.get("placement_constraints") or []
        self.placement_strategy: list[dict[str, Any]] = config.get("placement_strategy") or []
        self.role_arn: str | None = config.get("role_arn")
        self.tags: list[dict[str, str]] = config.get("tags") or []
        self.propagate_tags: str = config.get("propagate_tags") or "NONE"
        self.enable_ecs_managed_tags: bool = bool(config.get("enable_ecs_managed_tags"))
        self.enable_execute_command: bool = bool(config.get("enable_execute_command"))
        self.availability_zone_rebalancing: str | None = config.get("availability_zone_rebalancing")
        self.external_task_definition: str | None = config.get("task_definition_arn")

    # -- what other code reads ----------------------------------------------

    @property
    def service_arn(self) -> str:
        return self.arn

    @property
    def physical_resource_id(self) -> str:  # moto's tagging API reads it
        return self.arn

    @property
    def region_name(self) -> str:
        return self.region

    @property
    def primary(self) -> Deployment | None:
        return self.deployments[0] if self.deployments else None

    @property
    def task_definition(self) -> str | None:
        if self.deployments:
            return self.deployments[0].task_definition.arn
        return self.external_task_definition

    @property
    def grace_seconds(self) -> float:
        return float(self.health_check_grace_period or 0)

    def breaker(self) -> dict[str, bool]:
        cb = self.deployment_configuration.get("deploymentCircuitBreaker") or {}
        return {"enable": bool(cb.get("enable")), "rollback": bool(cb.get("rollback"))}

    def view(self, include_tags: bool = False) -> dict[str, Any]:
        fargate = (self.launch_type or "FARGATE") == "FARGATE" and not self.capacity_provider_strategy
        view: dict[str, Any] = {
            "serviceArn": self.arn,
            "serviceName": self.name,
            "clusterArn": self.cluster_arn,
            "loadBalancers": self.load_balancers,
            "serviceRegistries": self.service_registries,
            "status": self.status,
            "desiredCount": self.desired_count,
            "runningCount": self.running_count,
            "pendingCount": self.pending_count,
            "launchType": self.launch_type,
            "capacityProviderStrategy": self.capacity_provider_strategy or None,
            "platformVersion": (self.platform_version or "LATEST") if fargate else self.platform_version,
            "platformFamily": "Linux" if fargate else None,
            "taskDefinition": self.task_definition,
            "deploymentConfiguration": self.deployment_configuration,
            "roleArn": self.role_arn,
            "events": [{"id": e["id"], "createdAt": _dt(e["createdAt"]), "message": e["message"]}
                       for e in self.events],
            "createdAt": _dt(self.created_at),
            "placementConstraints": self.placement_constraints,
            "placementStrategy": self.placement_strategy,
            "networkConfiguration": self.network_configuration,
            "healthCheckGracePeriodSeconds": (self.health_check_grace_period or 0) if self.load_balancers
            else self.health_check_grace_period,
            "schedulingStrategy": self.scheduling_strategy,
            "deploymentController": {"type": self.deployment_controller},
            "createdBy": f"arn:aws:iam::{self.account_id}:root",
            "enableECSManagedTags": self.enable_ecs_managed_tags,
            "propagateTags": self.propagate_tags,
            "enableExecuteCommand": self.enable_execute_command,
            "availabilityZoneRebalancing": self.availability_zone_rebalancing,
        }
        view["deployments"] = [d.view() for d in self.deployments]
        if self.deployment_controller != "ECS":
            view["taskSets"] = [ts.view() for ts in self.task_sets]
        if include_tags:
            view["tags"] = self.tags
        return {k: v for k, v in view.items() if v is not None}


class ServiceStore:
    """Every service, and the scheduler that reconciles them. A LocalCloud component."""

    def __init__(self, cloud: LocalCloud, tasks: TaskStore, targets: elbv2_targets.Targets):
        self._cloud = cloud
        self._tasks = tasks
        self._targets = targets
        self.services: list[SimService] = []  # in creation order; several INACTIVE ones may share a name

    # -- component ----------------------------------------------------------

    def reset(self) -> None:
        self.services.clear()

    def tick(self, now: float) -> None:
        from localcloud.ecs import task_sets

        for s in list(self.services):
            if s.status == "INACTIVE":
                if s.inactive_at is not None and now - s.inactive_at > INACTIVE_RETENTION_SECONDS:
                    self._forget(s)
                continue
            try:
                self._observe(s, now)
                if s.deployment_controller == "ECS":
                    self._schedule(s, now)
                else:
                    task_sets.schedule(self, s, now)
            except Exception:  # one broken service must not stop the others
                log.exception("scheduling service %s failed", s.arn)
                continue
            if s.status == "DRAINING" and all(n.task.stopped for n in s.notes.values()):
                s.status = "INACTIVE"
                s.inactive_at = now
                s.running_count = s.pending_count = 0
        self._update_cluster_counts()

    # -- queries ------------------------------------------------------------

    def find(self, account_id: str, region: str, cluster_name: str, ref: str) -> SimService | None:
        """The newest service of the cluster with this name or ARN."""
        name = ref.rsplit("/", 1)[-1]
        for s in reversed(self.services):
            if s.account_id == account_id and s.region == region and s.cluster_name == cluster_name \
                    and (s.name == name or s.arn == ref):
                return s
        return None

    def by_arn(self, arn: str) -> SimService | None:
        for s in reversed(self.services):
            if s.arn == arn:
                return s
        return None

    def in_cluster(self, account_id: str, region: str, cluster_name: str) -> list[SimService]:
        return [s for s in self.services
                if s.account_id == account_id and s.region == region and s.cluster_name == cluster_name]

    # -- changes (from the API) ---------------------------------------------

    def create(self, *, account_id: str, region: str, cluster: Any, name: str, desired_count: int,
               deployment_controller: str, client_token: str | None, task_definition: Any,
               **config: Any) -> SimService:
        now = self._cloud.clock.now()
        config["deployment_configuration"] = merge_deployment_configuration(
            {}, config.get("deployment_configuration"))
        if task_definition is not None:
            config["task_definition_arn"] = task_definition.arn
        s = SimService(account_id=account_id, region=region, cluster=cluster, name=name,
                       desired_count=desired_count, deployment_controller=deployment_controller,
                       created_at=now, client_token=client_token, **config)
        self.services.append(s)
        self._moto_services(s)[f"{cluster.name}:{name}"] = s
        if deployment_controller == "ECS":
            self.deploy(s, task_definition, now=now)
        return s

    def deploy(self, s: SimService, task_definition: Any, now: float | None = None,
               rollback_of: Deployment | None = None) -> Deployment:
        """Starts a new PRIMARY deployment of the service's current configuration."""
        now = self._cloud.clock.now() if now is None else now
        source = rollback_of
        d = Deployment(
            id=new_deployment_id(self._cloud), status="PRIMARY",
            task_definition=source.task_definition if source else task_definition,
            desired_count=s.desired_count,
            launch_type=source.launch_type if source else s.launch_type,
            capacity_provider_strategy=list(source.capacity_provider_strategy if source
                                            else s.capacity_provider_strategy),
            platform_version=source.platform_version if source else s.platform_version,
            network_configuration=source.network_configuration if source else s.network_configuration,
            load_balancers=list(source.load_balancers if source else s.load_balancers),
            created_at=now, updated_at=now,
        )
        if source:
            d.rollout_state_reason = f"ECS deployment circuit breaker: rolling back to deploymentId {source.id}."
            s.launch_type, s.platform_version = source.launch_type, source.platform_version
            s.capacity_provider_strategy = list(source.capacity_provider_strategy)
            s.network_configuration, s.load_balancers = source.network_configuration, list(source.load_balancers)
        else:
            d.rollout_state_reason = f"ECS deployment {d.id} in progress."
        for old in s.deployments:
            if old.status == "PRIMARY":
                old.status = "ACTIVE"
                old.updated_at = now
        s.deployments.insert(0, d)
        s.steady = False
        self._cloud.notify("deployment_state_changed", service=s, deployment=d.view(),
                           event_name="SERVICE_DEPLOYMENT_IN_PROGRESS", reason=d.rollout_state_reason)
        return d

    def set_desired_count(self, s: SimService, count: int) -> None:
        s.desired_count = count
        if s.primary is not None:
            s.primary.desired_count = count
            s.primary.updated_at = self._cloud.clock.now()
        s.steady = False

    def delete(self, s: SimService) -> None:
        """DeleteService: scale to 0 and drain; INACTIVE once every task has stopped."""
        s.status = "DRAINING"
        self.set_desired_count(s, 0)
        for ts in s.task_sets:
            ts.status = "DRAINING"

    # -- the scheduler ------------------------------------------------------

    def _observe(self, s: SimService, now: float) -> None:
        """Registers running tasks, accounts for stopped ones, stops tasks that fail ELB health checks."""
        registered: dict[str, int] = {}
        deregistered: dict[str, int] = {}
        stopped: list[SimTask] = []
        for arn, note in list(s.notes.items()):
            t = note.task
            if arn not in self._tasks.tasks:  # past ECS's retention of stopped tasks
                del s.notes[arn]
                continue
            lbs = note.unit.load_balancers
            if t.last_status == "RUNNING" and t.desired_status == "RUNNING" and not note.registered:
                note.registered = True
                for lb in lbs:
                    if self._targets.register(t, lb["targetGroupArn"], lb.get("containerPort") or 80):
                        registered[lb["targetGroupArn"]] = registered.get(lb["targetGroupArn"], 0) + 1
            if t.desired_status == "STOPPED" and not note.settled:
                note.settled = True
                for target in self._targets.deregister(t):  # a crashed or user-stopped task
                    deregistered[target.tg_arn] = deregistered.get(target.tg_arn, 0) + 1
                if not note.by_scheduler and t.stop_code in ("TaskFailedToStart", "EssentialContainerExited"):
                    self.task_failed(s, note.unit, now)
                s.steady = False
            if note.by_scheduler and not note.stop_reported and t.last_status not in ("RUNNING", "DEACTIVATING"):
                note.stop_reported = True
                stopped.append(t)
            if t.last_status == "RUNNING" and t.desired_status == "RUNNING":
                if self.healthy(note):
                    if not note.healthy_seen:
                        note.healthy_seen = True
                        note.unit.consecutive_failures = 0
                        note.unit.impaired_reported = False
                elif note.registered and now >= (t.started_at or now) + s.grace_seconds:
                    for lb in lbs:
                        target = self._targets.target(t, lb["targetGroupArn"])
                        if target is not None and target.state == "unhealthy":
                            self._stop_unhealthy(s, note, target, now)
                            break
        for tg, n in registered.items():
            self.event(s, f"(service {s.name}) registered {n} targets in (target-group {tg})")
        for tg, n in deregistered.items():
            self.event(s, f"(service {s.name}) deregistered {n} targets in (target-group {tg})")
        if stopped:
            self.event(s, f"(service {s.name}) has stopped {len(stopped)} running tasks: "
                          + " ".join(f"(task {t.id})" for t in stopped) + ".")

    def _schedule(self, s: SimService, now: float) -> None:
        """Rolling update: ECS deployment controller."""
        primary = s.primary
        if primary is None:
            return
        live: dict[str, list[TaskNote]] = {d.id: [] for d in s.deployments}
        for note in s.notes.values():
            if note.task.live and note.unit.id in live:
                live[note.unit.id].append(note)
        desired = s.desired_count if s.status == "ACTIVE" else 0
        config = s.deployment_configuration
        max_total = math.floor(desired * int(config.get("maximumPercent", 200)) / 100)
        min_healthy = math.ceil(desired * int(config.get("minimumHealthyPercent", 100)) / 100)
        reason = f"Scaling activity initiated by (deployment {primary.id})"

        # Scale the primary deployment in (desiredCount lowered, or the service is draining).
        primary_live = live[primary.id]
        if len(primary_live) > desired:
            extra = sorted(primary_live, key=lambda n: (n.task.last_status == "RUNNING", self.healthy(n),
                                                        n.task.started_at or 0))
            self.stop_tasks(s, extra[:len(primary_live) - desired], reason)
            primary_live = [n for n in primary_live if n.task.live]
            live[primary.id] = primary_live
        # Start the primary deployment's tasks, within maximumPercent.
        if primary.rollout_state != "FAILED" and now >= primary.next_start_at and len(primary_live) < desired:
            total_live = sum(len(v) for v in live.values())
            count = min(desired - len(primary_live), max(0, max_total - total_live))
            if count > 0:
                primary_live += self.start_tasks(s, primary, count)
        # Stop the old deployments' tasks, keeping minimumHealthyPercent healthy.
        if primary.rollout_state != "FAILED" or s.status != "ACTIVE":
            old = [n for d in s.deployments[1:] for n in live[d.id]]
            healthy_total = sum(1 for notes in live.values() for n in notes if self.healthy(n))
            to_stop = []
            for note in sorted(old, key=lambda n: self.healthy(n)):
                if not self.healthy(note):
                    to_stop.append(note)
                elif healthy_total - 1 >= min_healthy or s.status != "ACTIVE":
                    to_stop.append(note)
                    healthy_total -= 1
            self.stop_tasks(s, to_stop, reason)

        # Counts, drained deployments, rollout state.
        running = pending = 0
        for d in s.deployments:
            notes = [n for n in s.notes.values() if n.unit is d and n.task.desired_status == "RUNNING"]
            d.running_count = sum(1 for n in notes if n.task.last_status == "RUNNING")
            d.pending_count = sum(1 for n in notes if n.task.last_status in PENDING_STATES)
            if d is not primary:
                d.desired_count = d.running_count + d.pending_count
            running += d.running_count
            pending += d.pending_count
        s.running_count, s.pending_count = running, pending
        for d in list(s.deployments[1:]):
            if all(n.task.stopped for n in s.notes.values() if n.unit is d):
                s.deployments.remove(d)
        if s.status != "ACTIVE":
            return
        primary_healthy = sum(1 for n in live[primary.id] if n.task.live and self.healthy(n))
        if primary.rollout_state == "IN_PROGRESS" and len(s.deployments) == 1 and primary_healthy >= desired \
                and primary.pending_count == 0 and primary.running_count == desired:
            self._complete(s, primary, now)
        if not s.steady and primary.rollout_state == "COMPLETED" and len(s.deployments) == 1 \
                and primary_healthy == desired and running == desired and pending == 0 \
                and all(n.task.stopped or (n.task.live and self.healthy(n)) for n in s.notes.values()):
            self.reached_steady_state(s)

    def _complete(self, s: SimService, d: Deployment, now: float) -> None:
        d.rollout_state = "COMPLETED"
        d.rollout_state_reason = f"ECS deployment {d.id} completed."
        d.updated_at = now
        s.last_completed = d
        self.event(s, f"(service {s.name}) (deployment {d.id}) deployment completed.")
        self._cloud.notify("deployment_state_changed", service=s, deployment=d.view(),
                           event_name="SERVICE_DEPLOYMENT_COMPLETED", reason=d.rollout_state_reason)

    def reached_steady_state(self, s: SimService) -> None:
        s.steady = True
        self.event(s, f"(service {s.name}) has reached a steady state.")
        self._cloud.notify("service_action", service=s, event_type="SERVICE_STEADY_STATE")

    def task_failed(self, s: SimService, unit: Any, now: float) -> None:
        """A task of `unit` (a Deployment or a task set) failed: backoff, circuit breaker."""
        unit.consecutive_failures += 1
        backoff = min(RESTART_BACKOFF_MAX, RESTART_BACKOFF_BASE * 2 ** (unit.consecutive_failures - 1))
        unit.next_start_at = max(unit.next_start_at, now + backoff)
        if unit.consecutive_failures >= START_IMPAIRED_AFTER and not unit.impaired_reported:
            unit.impaired_reported = True
            self.event(s, f"(service {s.name}) is unable to consistently start tasks successfully. For more "
                          f"information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
            self._cloud.notify("service_action", service=s, event_type="SERVICE_TASK_START_IMPAIRED")
        if not isinstance(unit, Deployment):
            return
        unit.failed_tasks += 1
        unit.updated_at = now
        if unit is s.primary and unit.rollout_state == "IN_PROGRESS" and s.breaker()["enable"] \
                and unit.failed_tasks >= breaker_threshold(s.desired_count):
            self._trip(s, unit, now)

    def _trip(self, s: SimService, d: Deployment, now: float) -> None:
        d.rollout_state = "FAILED"
        d.rollout_state_reason = f"ECS deployment circuit breaker: {FAILED_REASON}."
        d.updated_at = now
        self.event(s, f"(service {s.name}) (deployment {d.id}) deployment failed: {FAILED_REASON}.")
        self._cloud.notify("deployment_state_changed", service=s, deployment=d.view(),
                           event_name="SERVICE_DEPLOYMENT_FAILED", reason=d.rollout_state_reason)
        target = s.last_completed
        if s.breaker()["rollback"] and target is not None and target is not d:
            self.event(s, f"(service {s.name}) rolling back to deployment {target.id}.")
            self.deploy(s, None, now=now, rollback_of=target)

    # -- starting and stopping ----------------------------------------------

    def healthy(self, note: TaskNote) -> bool:
        t = note.task
        if t.last_status != "RUNNING" or t.desired_status != "RUNNING":
            return False
        return all(self._targets.state(t, lb["targetGroupArn"]) == "healthy" for lb in note.unit.load_balancers)

    def start_tasks(self, s: SimService, unit: Any, count: int) -> list[TaskNote]:
        owner = {"service": s.arn}
        owner.update({"deployment": unit.id} if isinstance(unit, Deployment) else {"task_set": unit.arn})
        tags: list[dict[str, str]] = []
        if s.propagate_tags == "SERVICE":
            tags = list(s.tags)
        elif s.propagate_tags == "TASK_DEFINITION":
            tags = list(getattr(unit.task_definition, "tags", None) or [])
        tasks = self._tasks.start(
            account_id=s.account_id, region=s.region, cluster=s.cluster, task_definition=unit.task_definition,
            count=count, launch_type=unit.launch_type or "FARGATE", network=unit.network_configuration,
            overrides=None, group=f"service:{s.name}", started_by=unit.id, tags=tags, owner=owner)
        notes = []
        for t in tasks:
            note = TaskNote(task=t, unit=unit)
            s.notes[t.arn] = note
            notes.append(note)
        if tasks:
            s.steady = False
            self.event(s, f"(service {s.name}) has started {len(tasks)} tasks: "
                          + " ".join(f"(task {t.id})" for t in tasks) + ".")
        return notes

    def stop_tasks(self, s: SimService, notes: list[TaskNote], reason: str) -> None:
        """Stops tasks for scaling or replacement: targets drain first (the task stays DEACTIVATING)."""
        if not notes:
            return
        draining = 0
        deregistered: dict[str, int] = {}
        for note in notes:
            t = note.task
            note.by_scheduler = True
            delay = 0.0
            targets = [x for x in self._targets.targets_of(t) if x.state != "draining"]
            for x in targets:
                tg = elbv2_targets.target_group(x.tg_arn)
                if tg is not None:
                    delay = max(delay, elbv2_targets.deregistration_delay(tg))
            was_running = t.last_status == "RUNNING"
            self._tasks.stop(t, reason, "ServiceSchedulerInitiated", exit_code=0,
                             deactivate_seconds=delay if was_running else 0.0)
            note.settled = True
            for x in self._targets.deregister(t):
                deregistered[x.tg_arn] = deregistered.get(x.tg_arn, 0) + 1
            if targets and was_running:
                draining += 1
        s.steady = False
        if draining:
            self.event(s, f"(service {s.name}) has begun draining connections on {draining} tasks.")
        for tg, n in deregistered.items():
            self.event(s, f"(service {s.name}) deregistered {n} targets in (target-group {tg})")

    def _stop_unhealthy(self, s: SimService, note: TaskNote, target: Any, now: float) -> None:
        t = note.task
        description = target.description or "Health checks failed"
        self.event(s, f"(service {s.name}) (task {t.id}) (port {target.port}) is unhealthy in "
                      f"(target-group {target.tg_arn}) due to (reason {description}).")
        self.event(s, f"(service {s.name}) (task {t.id}) failed ELB health checks in "
                      f"(target-group {target.tg_arn})")
        self.stop_tasks(s, [note], f"Task failed ELB health checks in (target-group {target.tg_arn})")
        self.task_failed(s, note.unit, now)

    # -- events ---------------------------------------------------------------

    def event(self, s: SimService, message: str) -> None:
        rng = self._cloud.rng
        event_id = "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                   rng.getrandbits(12), rng.getrandbits(48))
        s.events.insert(0, {"id": event_id, "createdAt": self._cloud.clock.now(), "message": message})
        del s.events[EVENTS_KEPT:]

    # -- moto ---------------------------------------------------------------

    @staticmethod
    def _moto_services(s: SimService) -> dict[str, Any]:
        from moto.ecs.models import ecs_backends

        return ecs_backends[s.account_id][s.region].services

    def _forget(self, s: SimService) -> None:
        self.services.remove(s)
        services = self._moto_services(s)
        key = f"{s.cluster_name}:{s.name}"
        if services.get(key) is s:
            newer = self.find(s.account_id, s.region, s.cluster_name, s.name)
            if newer is None:
                del services[key]
            else:
                services[key] = newer

    def _update_cluster_counts(self) -> None:
        counts: dict[int, list[Any]] = {}
        for s in self.services:
            entry = counts.setdefault(id(s.cluster), [s.cluster, 0])
            if s.status == "ACTIVE":
                entry[1] += 1
        for cluster, active in counts.values():
            cluster.active_services_count = active


def merge_deployment_configuration(current: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any]:
    """ECS's deploymentConfiguration after an update: given fields replace, defaults fill in."""
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_DEPLOYMENT_CONFIGURATION.items()}
    merged.update({k: v for k, v in (current or {}).items()})
    for key, value in (given or {}).items():
        if value is not None:
            merged[key] = value
    cb = merged.get("deploymentCircuitBreaker") or {}
    merged["deploymentCircuitBreaker"] = {"enable": bool(cb.get("enable")), "rollback": bool(cb.get("rollback"))}
    return merged
