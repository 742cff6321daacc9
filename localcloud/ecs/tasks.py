"""ECS tasks that live: PROVISIONING -> PENDING -> RUNNING -> ... -> STOPPED on the local cloud's clock.

moto creates tasks at RUNNING and steps them toward STOPPED on each DescribeTasks,
with exit code 0 always. Here every task (RunTask's, a service's, a task set's)
is a SimTask in one TaskStore, moved forward by ticks:

  PROVISIONING --1 s--> PENDING --start_seconds (2 s)--> RUNNING
  PENDING --> STOPPED                       the task failed to start (scenario fail_to_start,
                                            a missing awslogs group, an ECR image that is not
                                            there): stopCode TaskFailedToStart, no exit code
  RUNNING --run_seconds--> exit             one-off tasks (no owner): exit 0 after 2 s by default
  RUNNING --crash_after_seconds--> exit     scenario crash (any task)
  exit / StopTask --> DEACTIVATING --> STOPPING --> DEPROVISIONING --> STOPPED

Each change of lastStatus is signalled as task_state_changed(task); containers'
log lines as container_output(task, container, lines).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from localcloud.cloud import LocalCloud
from localcloud.scenarios import DEFAULT_RUN_SECONDS, NO_EFFECT, ContainerFacts, Effect

PROVISION_SECONDS = 1.0
DEFAULT_START_SECONDS = 2.0  # PENDING (image pull) before RUNNING
STOP_PHASE_SECONDS = 0.5  # each of DEACTIVATING, STOPPING, DEPROVISIONING
STOPPED_RETENTION_SECONDS = 3600.0  # ECS shows stopped tasks for about an hour

LIVE_STATES = ("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING")
STOP_SEQUENCE = ("DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED")


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=timezone.utc)


@dataclass
class SimContainer:
    name: str
    image: str
    command: list[str]
    essential: bool
    definition: dict[str, Any]  # the container definition (log configuration, ports, ...)
    arn: str
    runtime_id: str
    last_status: str = "PENDING"
    exit_code: int | None = None
    reason: str | None = None
    health_status: str = "UNKNOWN"

    def log_target(self, region: str, task_id: str) -> tuple[str, str, str, bool] | None:
        """(log group, region, stream, create group) when the container logs to CloudWatch."""
        config = self.definition.get("logConfiguration") or {}
        if config.get("logDriver") != "awslogs":
            return None
        options = config.get("options") or {}
        group = options.get("awslogs-group")
        if not group:
            return None
        prefix = options.get("awslogs-stream-prefix")
        stream = f"{prefix}/{self.name}/{task_id}" if prefix else task_id
        create = str(options.get("awslogs-create-group", "false")).lower() == "true"
        return group, options.get("awslogs-region", region), stream, create


@dataclass
class SimTask:
    """One task. Owned by TaskStore; read and changed only under LocalCloud.lock."""

    account_id: str
    region: str
    arn: str
    id: str
    cluster_arn: str
    cluster_name: str
    task_definition_arn: str
    family: str
    group: str
    started_by: str
    launch_type: str
    cpu: str
    memory: str
    containers: list[SimContainer]
    overrides: dict[str, Any]
    tags: list[dict[str, str]]
    effect: Effect
    scenario: str  # the scenario that chose the effect ("" for none)
    created_at: float
    # Who runs the task: None for RunTask; {"service": arn, "deployment": id} or {"task_set": arn}.
    owner: dict[str, str] | None = None
    subnet_id: str = ""
    security_groups: list[str] = field(default_factory=list)
    eni_id: str = ""
    private_ip: str = ""
    mac_address: str = ""
    availability_zone: str = ""
    attachment_id: str = ""
    last_status: str = "PROVISIONING"
    desired_status: str = "RUNNING"
    stop_code: str | None = None
    stopped_reason: str | None = None
    health_status: str = "UNKNOWN"
    version: int = 1
    pending_exit_code: int | None = 0  # for a stop held in DEACTIVATING (see TaskStore.stop)
    # Timeline (local-cloud epoch seconds).
    next_at: float = 0.0  # when the next lifecycle step is due
    pull_started_at: float | None = None
    pull_stopped_at: float | None = None
    started_at: float | None = None
    stopping_at: float | None = None
    execution_stopped_at: float | None = None
    stopped_at: float | None = None
    connectivity_at: float | None = None

    @property
    def live(self) -> bool:
        return self.last_status in LIVE_STATES and self.desired_status == "RUNNING"

    @property
    def stopped(self) -> bool:
        return self.last_status == "STOPPED"

    def essential_exit_code(self) -> int | None:
        for c in self.containers:
            if c.essential:
                return c.exit_code
        return None

    def view(self, include_tags: bool = False) -> dict[str, Any]:
        """The task as ECS's DescribeTasks shows it."""
        view: dict[str, Any] = {
            "taskArn": self.arn,
            "clusterArn": self.cluster_arn,
            "taskDefinitionArn": self.task_definition_arn,
            "overrides": self.overrides or {"containerOverrides": [], "inferenceAcceleratorOverrides": []},
            "lastStatus": self.last_status,
            "desiredStatus": self.desired_status,
            "cpu": self.cpu,
            "memory": self.memory,
            "containers": [self._container_view(c) for c in self.containers],
            "startedBy": self.started_by or None,
            "version": self.version,
            "stoppedReason": self.stopped_reason,
            "stopCode": self.stop_code,
            "connectivity": "CONNECTED" if self.connectivity_at else None,
            "connectivityAt": _dt(self.connectivity_at),
            "pullStartedAt": _dt(self.pull_started_at),
            "pullStoppedAt": _dt(self.pull_stopped_at),
            "executionStoppedAt": _dt(self.execution_stopped_at),
            "createdAt": _dt(self.created_at),
            "startedAt": _dt(self.started_at),
            "stoppingAt": _dt(self.stopping_at),
            "stoppedAt": _dt(self.stopped_at),
            "group": self.group,
            "launchType": self.launch_type,
            "platformVersion": "1.4.0" if self.launch_type == "FARGATE" else None,
            "platformFamily": "Linux" if self.launch_type == "FARGATE" else None,
            "availabilityZone": self.availability_zone or None,
            "healthStatus": self.health_status,
            "attachments": self._attachments(),
            "ephemeralStorage": {"sizeInGiB": 20},
            "enableExecuteCommand": False,
        }
        if include_tags:
            view["tags"] = self.tags
        return {k: v for k, v in view.items() if v is not None}

    def _attachments(self) -> list[dict[str, Any]]:
        if not self.eni_id and not self.subnet_id:
            return []
        status = {"PROVISIONING": "PRECREATED", "STOPPED": "DELETED"}.get(self.last_status, "ATTACHED")
        if self.last_status == "DEPROVISIONING":
            status = "DELETED"
        details = [{"name": "subnetId", "value": self.subnet_id}]
        if self.eni_id:
            details += [
                {"name": "networkInterfaceId", "value": self.eni_id},
                {"name": "macAddress", "value": self.mac_address},
                {"name": "privateIPv4Address", "value": self.private_ip},
            ]
        return [{"id": self.attachment_id, "type": "ElasticNetworkInterface", "status": status,
                 "details": details}]

    def _container_view(self, c: SimContainer) -> dict[str, Any]:
        view: dict[str, Any] = {
            "containerArn": c.arn,
            "taskArn": self.arn,
            "name": c.name,
            "image": c.image,
            "runtimeId": c.runtime_id if c.last_status != "PENDING" else None,
            "lastStatus": c.last_status,
            "exitCode": c.exit_code,
            "reason": c.reason,
            "networkBindings": [],
            "networkInterfaces": ([{"attachmentId": self.attachment_id, "privateIpv4Address": self.private_ip}]
                                  if self.private_ip else []),
            "healthStatus": c.health_status,
            "cpu": str(c.definition.get("cpu", 0)),
        }
        if c.definition.get("memory"):
            view["memory"] = str(c.definition["memory"])
        return {k: v for k, v in view.items() if v is not None}


class TaskStore:
    """Every simulated task. A LocalCloud component: all methods run under its lock."""

    def __init__(self, cloud: LocalCloud):
        self._cloud = cloud
        self.tasks: dict[str, SimTask] = {}  # by ARN, in creation order
        self._client_tokens: dict[tuple[str, str, str], list[str]] = {}
        self._used_ips: dict[str, set[str]] = {}  # subnet id -> addresses in use
        self._subnet_turn = 0
        self._clusters_counted: set[tuple[str, str, str]] = set()
        # How long a running task being stopped stays DEACTIVATING (see stop()); set by the services.
        self.deactivate_hook: Callable[[SimTask], float] | None = None

    # -- component ----------------------------------------------------------

    def reset(self) -> None:
        self.tasks.clear()
        self._client_tokens.clear()
        self._used_ips.clear()
        self._subnet_turn = 0
        self._clusters_counted.clear()

    def tick(self, now: float) -> None:
        for task in list(self.tasks.values()):
            self._advance(task, now)
            if task.stopped and task.stopped_at is not None and now - task.stopped_at > STOPPED_RETENTION_SECONDS:
                del self.tasks[task.arn]
        self._update_cluster_counts()

    # -- queries ------------------------------------------------------------

    def find(self, account_id: str, region: str, cluster_arn: str, task: str) -> SimTask | None:
        """A task of the cluster by ARN or id."""
        task_id = task.rsplit("/", 1)[-1]
        for t in self.tasks.values():
            if t.account_id == account_id and t.region == region and t.cluster_arn == cluster_arn \
                    and (t.arn == task or t.id == task_id):
                return t
        return None

    def in_cluster(self, account_id: str, region: str, cluster_arn: str) -> list[SimTask]:
        return [t for t in self.tasks.values()
                if t.account_id == account_id and t.region == region and t.cluster_arn == cluster_arn]

    def owned_by(self, key: str, value: str) -> list[SimTask]:
        """Tasks whose owner[key] == value (e.g. ("deployment", id) or ("task_set", arn))."""
        return [t for t in self.tasks.values() if t.owner and t.owner.get(key) == value]

    def by_client_token(self, account_id: str, region: str, token: str) -> list[SimTask] | None:
        arns = self._client_tokens.get((account_id, region, token))
        if arns is None:
            return None
        return [self.tasks[a] for a in arns if a in self.tasks]

    # -- changes ------------------------------------------------------------

    def start(self, *, account_id: str, region: str, cluster: Any, task_definition: Any, count: int,
              launch_type: str, network: dict[str, Any] | None, overrides: dict[str, Any] | None,
              group: str, started_by: str, tags: list[dict[str, str]] | None,
              owner: dict[str, str] | None = None, client_token: str | None = None) -> list[SimTask]:
        """Starts `count` tasks of `task_definition` (a moto TaskDefinition) in `cluster` (a moto Cluster)."""
        now = self._cloud.clock.now()
        created = []
        for _ in range(count):
            task = self._new_task(account_id, region, cluster, task_definition, launch_type, network,
                                  overrides or {}, group, started_by, tags or [], owner, now)
            self.tasks[task.arn] = task
            created.append(task)
            self._cloud.notify("task_state_changed", task=task)
        if client_token:
            self._client_tokens[(account_id, region, client_token)] = [t.arn for t in created]
        return created

    def stop(self, task: SimTask, reason: str, stop_code: str = "UserInitiated",
             exit_code: int | None = 0, deactivate_seconds: float | None = None) -> None:
        """Asks a task to stop (StopTask, a scheduler, a failed health check). No-op when stopping.

        deactivate_seconds: a running task stays DEACTIVATING this long with its containers
        still running (ECS drains its load-balancer targets in this state), then stops.
        None: as long as `deactivate_hook(task)` says (the services set it: the longest
        deregistration delay of the task's target groups), else not at all.
        """
        if task.desired_status == "STOPPED":
            return
        if deactivate_seconds is None:
            deactivate_seconds = self.deactivate_hook(task) if self.deactivate_hook is not None else 0.0
        now = self._cloud.clock.now()
        task.desired_status = "STOPPED"
        task.stop_code = stop_code
        task.stopped_reason = reason
        task.version += 1
        if task.last_status in ("PROVISIONING", "PENDING", "ACTIVATING"):
            # Never ran: no exit code.
            for c in task.containers:
                c.last_status = "STOPPED"
            following = "DEPROVISIONING" if task.eni_id else "STOPPED"
            if following == "STOPPED":
                self._finish(task, now)  # stoppedAt is set before observers hear of STOPPED
            self._set_status(task, following, now)
            task.next_at = now + STOP_PHASE_SECONDS
            return
        if deactivate_seconds > 0:
            task.pending_exit_code = exit_code  # the containers exit once deactivation is over
        else:
            self._exit_containers(task, exit_code, now)
        self._set_status(task, "DEACTIVATING", now)
        task.next_at = now + max(STOP_PHASE_SECONDS, deactivate_seconds)

    def set_health(self, task: SimTask, status: str) -> None:
        if task.health_status != status:
            task.health_status = status
            for c in task.containers:
                c.health_status = status
            task.version += 1

    # -- lifecycle ----------------------------------------------------------

    def _advance(self, task: SimTask, now: float) -> None:
        for _ in range(8):  # a jump of the clock may pass several steps
            if task.stopped or now < task.next_at:
                return
            self._step(task, now)

    def _step(self, task: SimTask, now: float) -> None:
        status = task.last_status
        effect = task.effect
        if status == "PROVISIONING":
            self._allocate_eni(task)
            task.pull_started_at = task.next_at
            self._set_status(task, "PENDING", now)
            start = effect.start_seconds if effect.start_seconds is not None else DEFAULT_START_SECONDS
            task.next_at += start
        elif status == "PENDING":
            failure = self._start_failure(task)
            if failure:
                task.desired_status = "STOPPED"
                task.stop_code = "TaskFailedToStart"
                task.stopped_reason = failure
                for c in task.containers:
                    c.last_status = "STOPPED"
                    c.reason = failure
                self._set_status(task, "DEPROVISIONING", now)
                task.next_at += STOP_PHASE_SECONDS
                return
            task.pull_stopped_at = task.next_at
            task.started_at = task.next_at
            task.connectivity_at = task.pull_started_at
            for c in task.containers:
                c.last_status = "RUNNING"
            self._set_status(task, "RUNNING", now)
            self._cloud.notify("container_output", task=task, container=task.containers[0],
                               lines=[self._start_line(task.containers[0])])
            task.next_at = task.next_at + self._run_seconds(task)
        elif status == "RUNNING":
            # The run time is over: the essential container exits on its own.
            code = effect.exit_code if effect.exit_code is not None else (
                1 if effect.crash_after_seconds is not None else 0)
            task.desired_status = "STOPPED"
            task.stop_code = "EssentialContainerExited"
            task.stopped_reason = "Essential container in task exited"
            task.version += 1
            self._exit_containers(task, code, task.next_at)
            self._set_status(task, "DEACTIVATING", now)
            task.next_at += STOP_PHASE_SECONDS
        elif status in STOP_SEQUENCE[:-1]:
            following = STOP_SEQUENCE[STOP_SEQUENCE.index(status) + 1]
            if following == "STOPPING":
                task.stopping_at = task.next_at
                if any(c.last_status == "RUNNING" for c in task.containers):  # held while deactivating
                    self._exit_containers(task, task.pending_exit_code, task.next_at)
            if following == "DEPROVISIONING":
                task.execution_stopped_at = task.next_at
            if following == "STOPPED":
                self._release_eni(task)
                self._finish(task, task.next_at)  # stoppedAt is set before observers hear of STOPPED
            self._set_status(task, following, now)
            task.next_at += STOP_PHASE_SECONDS

    def _run_seconds(self, task: SimTask) -> float:
        effect = task.effect
        if effect.crash_after_seconds is not None:
            return effect.crash_after_seconds
        if task.owner is None:  # a one-off task runs to completion
            return effect.run_seconds if effect.run_seconds is not None else DEFAULT_RUN_SECONDS
        return float("inf")

    def _exit_containers(self, task: SimTask, exit_code: int | None, at: float) -> None:
        task.stopping_at = task.stopping_at or at
        for c in task.containers:
            if c.last_status == "RUNNING":
                c.last_status = "STOPPED"
                c.exit_code = exit_code if c.essential else 0
                if exit_code is not None:
                    self._cloud.notify("container_output", task=task, container=c,
                                       lines=[f"localcloud: container {c.name} exited with code {c.exit_code}"])

    def _finish(self, task: SimTask, at: float) -> None:
        task.stopped_at = at
        task.execution_stopped_at = task.execution_stopped_at or at

    def _set_status(self, task: SimTask, status: str, _now: float) -> None:
        task.last_status = status
        task.version += 1
        self._cloud.notify("task_state_changed", task=task)

    @staticmethod
    def _start_line(c: SimContainer) -> str:
        command = " ".join(c.command) if c.command else "(image default command)"
        return f"localcloud: container {c.name} started from {c.image}: {command}"

    # -- start-up checks ------------------------------------------------------

    def _start_failure(self, task: SimTask) -> str | None:
        """Why the task cannot start (the stoppedReason), or None."""
        if task.effect.fail_to_start is not None:
            return task.effect.fail_to_start or (
                f"CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                f"failed to resolve ref {task.containers[0].image}: not found")
        for c in task.containers:
            missing = self._missing_ecr_image(task, c.image)
            if missing:
                return missing
            target = c.log_target(task.region, task.id)
            if target and not target[3] and not self._log_group_exists(task.account_id, target[1], target[0]):
                return ("ResourceInitializationError: failed to validate logger args: create stream has been "
                        "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: "
                        "The specified log group does not exist. : exit status 1")
        return None

    def _missing_ecr_image(self, task: SimTask, image: str) -> str | None:
        """CannotPullContainerError for an image in this cloud's ECR that is not there."""
        host, _, rest = image.partition("/")
        suffix = ".amazonaws.com"
        if not rest or not host.startswith(f"{task.account_id}.dkr.ecr.") or not host.endswith(suffix):
            return None
        region = host[len(f"{task.account_id}.dkr.ecr."):-len(suffix)]
        if "@" in rest:
            repo, digest = rest.split("@", 1)
            wanted = {"imageDigest": digest}
        else:
            repo, _, tag = rest.partition(":")
            wanted = {"imageTag": tag or "latest"}
        from moto.ecr.models import ecr_backends

        backend = ecr_backends[task.account_id][region]
        repository = backend.repositories.get(repo)
        if repository is not None:
            for img in repository.images:
                if ("imageTag" in wanted and wanted["imageTag"] in (img.image_tags or [img.image_tag])) or \
                        ("imageDigest" in wanted and img.image_digest == wanted["imageDigest"]):
                    return None
        return (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve "
                f"ref {image}: {image}: not found")

    @staticmethod
    def _log_group_exists(account_id: str, region: str, group: str) -> bool:
        from moto.logs.models import logs_backends

        return group in logs_backends[account_id][region].groups

    # -- network ------------------------------------------------------------

    def _new_task(self, account_id, region, cluster, task_definition, launch_type, network, overrides,
                  group, started_by, tags, owner, now) -> SimTask:
        rng = self._cloud.rng
        task_id = "%032x" % rng.getrandbits(128)
        arn = f"arn:aws:ecs:{region}:{account_id}:task/{cluster.name}/{task_id}"
        container_overrides = {o.get("name"): o for o in (overrides.get("containerOverrides") or [])}
        containers = []
        facts = []
        for definition in task_definition.container_definitions:
            name = definition.get("name", "")
            command = list(container_overrides.get(name, {}).get("command") or definition.get("command") or [])
            containers.append(SimContainer(
                name=name, image=definition.get("image", ""), command=command,
                essential=definition.get("essential", True), definition=definition,
                arn=f"arn:aws:ecs:{region}:{account_id}:container/{cluster.name}/{task_id}/{rng.getrandbits(128):032x}",
                runtime_id=f"{task_id}-{rng.getrandbits(32):010d}"))
            facts.append(ContainerFacts(name=name, image=definition.get("image", ""), command=command))
        effect, scenario = (self._cloud.scenarios.effect_for(task_definition.family, facts)
                            if self._cloud.scenarios is not None else (NO_EFFECT, ""))
        vpc = (network or {}).get("awsvpcConfiguration") or {}
        subnets = list(vpc.get("subnets") or [])
        subnet = subnets[self._subnet_turn % len(subnets)] if subnets else ""
        self._subnet_turn += 1
        return SimTask(
            account_id=account_id, region=region, arn=arn, id=task_id, cluster_arn=cluster.arn,
            cluster_name=cluster.name, task_definition_arn=task_definition.arn, family=task_definition.family,
            group=group, started_by=started_by, launch_type=launch_type,
            cpu=str(overrides.get("cpu") or task_definition.cpu or "256"),
            memory=str(overrides.get("memory") or task_definition.memory or "512"),
            containers=containers, overrides=overrides, tags=list(tags), effect=effect, scenario=scenario,
            created_at=now, owner=owner, subnet_id=subnet, security_groups=list(vpc.get("securityGroups") or []),
            attachment_id="%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                                         rng.getrandbits(12), rng.getrandbits(12),
                                                         rng.getrandbits(48)),
            next_at=now + PROVISION_SECONDS,
        )

    def _allocate_eni(self, task: SimTask) -> None:
        """An ENI with a free private IP from the task's subnet, as Fargate attaches one."""
        if not task.subnet_id:
            return
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[task.account_id][task.region]
        try:
            subnet = ec2.get_subnet(task.subnet_id)
        except Exception:
            return
        network = ipaddress.ip_network(subnet.cidr_block)
        used = self._used_ips.setdefault(task.subnet_id, set())
        hosts = list(network.hosts())[4:]  # AWS reserves the first addresses of a subnet
        start = self._cloud.rng.randrange(len(hosts)) if hosts else 0
        address = next((str(hosts[(start + i) % len(hosts)]) for i in range(len(hosts))
                        if str(hosts[(start + i) % len(hosts)]) not in used), None)
        if address is None:
            return
        used.add(address)
        eni = ec2.create_network_interface(subnet=task.subnet_id, private_ip_address=address,
                                           group_ids=task.security_groups,
                                           description=f"arn:aws:ecs:{task.region}:{task.account_id}:attachment/"
                                                       f"{task.attachment_id}")
        eni.status = "in-use"
        task.eni_id = eni.id
        task.private_ip = address
        task.mac_address = eni.mac_address
        task.availability_zone = subnet.availability_zone

    def _release_eni(self, task: SimTask) -> None:
        if not task.eni_id:
            return
        from moto.ec2.models import ec2_backends

        self._used_ips.get(task.subnet_id, set()).discard(task.private_ip)
        try:
            ec2_backends[task.account_id][task.region].delete_network_interface(task.eni_id)
        except Exception:
            pass  # already gone (e.g. the VPC was reset)

    def _update_cluster_counts(self) -> None:
        from moto.ecs.models import ecs_backends

        counts: dict[tuple[str, str, str], list[int]] = {key: [0, 0] for key in self._clusters_counted}
        for t in self.tasks.values():
            key = (t.account_id, t.region, t.cluster_name)
            entry = counts.setdefault(key, [0, 0])
            if t.last_status == "RUNNING":
                entry[0] += 1
            elif t.last_status in ("PROVISIONING", "PENDING", "ACTIVATING"):
                entry[1] += 1
        self._clusters_counted = set(counts)
        for (account, region, name), (running, pending) in counts.items():
            cluster = ecs_backends[account][region].clusters.get(name)
            if cluster is not None:
                cluster.running_tasks_count = running
                cluster.pending_tasks_count = pending
