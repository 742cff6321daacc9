"""Load-balancer targets that register, pass or fail health checks and drain, on the local cloud's clock.

moto keeps a target group's targets and calls every registered target "healthy" at
once. Here each registration (ECS's for a service's or a task set's task, or a
RegisterTargets call) is a Target with a health state that follows the target
group's settings, as an Application Load Balancer's health checks would:

  initial    Elb.RegistrationInProgress for the first interval, then Elb.InitialHealthChecking
  healthy    HealthyThresholdCount passing checks in a row (HealthCheckIntervalSeconds apart)
  unhealthy  UnhealthyThresholdCount failing checks in a row: Target.ResponseCodeMismatch
             (HTTP/HTTPS checks of a task whose scenario says "unhealthy") or
             Target.FailedHealthChecks (TCP checks; a task that is not RUNNING)
  draining   Target.DeregistrationInProgress, for the deregistration delay
             (attribute deregistration_delay.timeout_seconds, default 300), then gone
  unused     Target.NotInUse while no listener rule forwards to the target group
  unavailable Target.HealthCheckDisabled when health checks are off

A check passes when the target has no task (registered through the API) or its task
is RUNNING and its scenario does not say "unhealthy". ELBv2's DescribeTargetHealth,
RegisterTargets and DeregisterTargets go through here (moto's backend methods are
patched), so every reader of target health sees the same states.

API for ECS (services, task sets): register(task, tg_arn, port), deregister(task),
state(task, tg_arn), targets_of(task), tick(now). A LocalCloud component, under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from localcloud.cloud import LocalCloud

DEFAULT_DEREGISTRATION_DELAY = 300.0

REASONS = {
    "Elb.RegistrationInProgress": "Target registration is in progress",
    "Elb.InitialHealthChecking": "Initial health checks in progress",
    "Target.ResponseCodeMismatch": "Health checks failed with these codes: [500]",
    "Target.FailedHealthChecks": "Health checks failed",
    "Target.DeregistrationInProgress": "Target deregistration is in progress",
    "Target.NotInUse": "Target group is not configured to receive traffic from the load balancer",
    "Target.HealthCheckDisabled": "Health checks are disabled",
    "Target.NotRegistered": "Target is not registered to the target group",
}


@dataclass
class Target:
    """One registration of (id, port) in a target group."""

    tg_arn: str
    id: str  # the task's private IP for ip target groups
    port: int
    registered_at: float
    task: Any = None  # the SimTask, or None for a RegisterTargets call
    state: str = "initial"
    reason: str | None = "Elb.RegistrationInProgress"
    passing: bool | None = None  # outcome of the latest health checks (None: not checked yet)
    since: float = 0.0  # since when the checks have given `passing`
    drain_until: float | None = None
    unhealthy_at: float | None = None  # when the state last became unhealthy

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.tg_arn, self.id, self.port)

    @property
    def description(self) -> str | None:
        return REASONS.get(self.reason) if self.reason else None


def _backend_of(tg_arn: str) -> Any:
    """moto's ELBv2 backend that holds the target group with this ARN."""
    from moto.elbv2.models import elbv2_backends

    parts = tg_arn.split(":")
    region, account = (parts[3], parts[4]) if len(parts) > 5 else ("us-east-1", "123456789012")
    return elbv2_backends[account][region]


def target_group(tg_arn: str) -> Any:
    """moto's FakeTargetGroup, or None."""
    try:
        return _backend_of(tg_arn).target_groups.get(tg_arn)
    except Exception:
        return None


def in_use(tg: Any) -> bool:
    """Whether a listener (default action or rule) of a load balancer forwards to the target group."""
    backend = _backend_of(tg.arn)
    try:
        if backend._any_listener_using(tg.arn):
            return True
    except Exception:
        pass
    return False


def has_load_balancer(tg: Any) -> bool:
    """Whether the target group is associated with an existing load balancer (ECS's CreateService check)."""
    backend = _backend_of(tg.arn)
    return in_use(tg) or any(arn in backend.load_balancers for arn in tg.load_balancer_arns)


def deregistration_delay(tg: Any) -> float:
    try:
        return float(tg.attributes.get("deregistration_delay.timeout_seconds", DEFAULT_DEREGISTRATION_DELAY))
    except (TypeError, ValueError):
        return DEFAULT_DEREGISTRATION_DELAY


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class Targets:
    """Every target registration and its health. A LocalCloud component."""

    def __init__(self, cloud: LocalCloud):
        self._cloud = cloud
        self._targets: dict[tuple[str, str, int], Target] = {}  # in registration order

    # -- component ----------------------------------------------------------

    def reset(self) -> None:
        self._targets.clear()

    def tick(self, now: float) -> None:
        for key, t in list(self._targets.items()):
            tg = target_group(t.tg_arn)
            if tg is None:  # the target group was deleted
                del self._targets[key]
                continue
            if t.state == "draining":
                if t.drain_until is not None and now >= t.drain_until:
                    del self._targets[key]
                continue
            self._check(t, tg, now)

    # -- ECS's API ----------------------------------------------------------

    def register(self, task: Any, tg_arn: str, port: int) -> Target | None:
        """Registers the task's IP and `port` in the target group (as ECS does once the task runs)."""
        if not task.private_ip:
            return None
        tg = target_group(tg_arn)
        if tg is None:
            return None
        tg.register([{"Id": task.private_ip, "Port": int(port)}])
        return self._add(tg_arn, task.private_ip, int(port), task)

    def deregister(self, task: Any, tg_arn: str | None = None) -> list[Target]:
        """Starts draining the task's targets (all, or those in one target group); returns them."""
        drained = []
        for t in self.targets_of(task):
            if t.state == "draining" or (tg_arn and t.tg_arn != tg_arn):
                continue
            tg = target_group(t.tg_arn)
            if tg is not None:
                try:
                    tg.deregister([{"Id": t.id, "Port": t.port}])
                except Exception:
                    pass  # moto no longer had it
            self._drain(t, tg)
            drained.append(t)
        return drained

    def targets_of(self, task: Any) -> list[Target]:
        return [t for t in self._targets.values() if t.task is task]

    def target(self, task: Any, tg_arn: str) -> Target | None:
        for t in self._targets.values():
            if t.task is task and t.tg_arn == tg_arn:
                return t
        return None

    def state(self, task: Any, tg_arn: str) -> str | None:
        """The task's target state in the target group, or None when it is not (or no longer) registered."""
        t = self.target(task, tg_arn)
        return t.state if t else None

    def in_group(self, tg_arn: str) -> list[Target]:
        return [t for t in self._targets.values() if t.tg_arn == tg_arn]

    def healthy_targets(self, tg_arn: str) -> list[Target]:
        """Targets that receive new traffic (for a listener's traffic simulation)."""
        return [t for t in self.in_group(tg_arn) if t.state == "healthy"]

    # -- ELBv2 API ------------------------------------------------------------

    def api_registered(self, tg_arn: str, targets: list[dict[str, Any]]) -> None:
        tg = target_group(tg_arn)
        for item in targets:
            port = _int(item.get("Port"), _int(getattr(tg, "port", 80), 80))
            self._add(tg_arn, item["Id"], port, None)

    def api_deregistered(self, tg_arn: str, targets: list[dict[str, Any]]) -> None:
        tg = target_group(tg_arn)
        for item in targets:
            port = item.get("Port")
            for t in list(self._targets.values()):
                if t.tg_arn == tg_arn and t.id == item["Id"] and (port is None or t.port == _int(port, -1)) \
                        and t.state != "draining":
                    self._drain(t, tg)

    def describe(self, backend: Any, tg: Any, wanted: list[dict[str, Any]], original: Any) -> list[Any]:
        """DescribeTargetHealth: FakeHealthStatus for each wanted target (all registered and draining if none)."""
        from moto.elbv2.models import FakeHealthStatus

        def status(t: Target) -> Any:
            health_port = tg.health_check_port
            if not health_port or health_port == "traffic-port":
                health_port = str(t.port)
            return FakeHealthStatus(t.id, str(t.port), health_port, t.state,
                                    t.reason if t.state != "healthy" else None,
                                    t.description if t.state != "healthy" else None)

        mine = [t for t in self._targets.values() if t.tg_arn == tg.arn]
        if not wanted:
            known = {(t.id, t.port) for t in mine}
            rest = [original(backend, tg.arn, [item]) for item in tg.targets.values()
                    if (item["Id"], _int(item.get("Port"), -1)) not in known]
            return [status(t) for t in mine] + [s for found in rest for s in found]
        out = []
        for item in wanted:
            port = item.get("Port")
            match = next((t for t in mine if t.id == item["Id"] and (port is None or t.port == _int(port, -1))),
                         None)
            out.extend([status(match)] if match else original(backend, tg.arn, [item]))
        return out

    # -- health -------------------------------------------------------------

    def _add(self, tg_arn: str, target_id: str, port: int, task: Any) -> Target:
        now = self._cloud.clock.now()
        target = Target(tg_arn=tg_arn, id=target_id, port=port, registered_at=now, task=task, since=now)
        self._targets.pop(target.key, None)
        self._targets[target.key] = target
        tg = target_group(tg_arn)
        if tg is not None:
            self._check(target, tg, now)
        return target

    def _drain(self, t: Target, tg: Any) -> None:
        now = self._cloud.clock.now()
        t.state = "draining"
        t.reason = "Target.DeregistrationInProgress"
        t.drain_until = now + (deregistration_delay(tg) if tg is not None else 0.0)

    def _passing(self, t: Target) -> bool:
        task = t.task
        if task is None:
            return True
        return task.last_status == "RUNNING" and not task.effect.unhealthy

    def _check(self, t: Target, tg: Any, now: float) -> None:
        if not in_use(tg):
            t.state, t.reason, t.passing, t.since = "unused", "Target.NotInUse", None, now
            return
        if not tg.health_check_enabled:
            t.state, t.reason, t.passing, t.since = "unavailable", "Target.HealthCheckDisabled", None, now
            return
        if t.state in ("unused", "unavailable"):
            t.state, t.reason = "initial", "Elb.RegistrationInProgress"
            t.registered_at = now
        interval = float(_int(tg.health_check_interval_seconds, 30))
        passing = self._passing(t)
        if t.passing is None:
            t.passing, t.since = passing, t.registered_at
        elif passing != t.passing:
            t.passing, t.since = passing, now
        elapsed = now - t.since
        if passing:
            if t.state != "healthy" and elapsed >= interval * _int(tg.healthy_threshold_count, 5):
                t.state, t.reason = "healthy", None
        elif t.state != "unhealthy" and elapsed >= interval * _int(tg.unhealthy_threshold_count, 2):
            t.state = "unhealthy"
            t.unhealthy_at = now
            http = (tg.health_check_protocol or "HTTP").upper() in ("HTTP", "HTTPS")
            running = t.task is None or t.task.last_status == "RUNNING"
            t.reason = "Target.ResponseCodeMismatch" if http and running else "Target.FailedHealthChecks"
        if t.state == "initial":
            t.reason = ("Elb.RegistrationInProgress" if now - t.registered_at < interval
                        else "Elb.InitialHealthChecking")


def install(cloud: LocalCloud, _args: Any = None) -> Targets:
    """Adds the Targets component (once) and routes ELBv2's target calls through it."""
    existing = getattr(cloud, "targets", None)
    if isinstance(existing, Targets):
        return existing
    targets = cloud.add(Targets(cloud))
    cloud.targets = targets  # type: ignore[attr-defined]

    from moto.elbv2.exceptions import TargetGroupNotFoundError
    from moto.elbv2.models import ELBv2Backend

    original_describe = ELBv2Backend.describe_target_health
    original_register = ELBv2Backend.register_targets
    original_deregister = ELBv2Backend.deregister_targets

    def describe_target_health(self: ELBv2Backend, target_group_arn: str, targets_wanted: list[dict[str, Any]]):
        tg = self.target_groups.get(target_group_arn)
        if tg is None:
            raise TargetGroupNotFoundError()
        return targets.describe(self, tg, targets_wanted or [], original_describe)

    def register_targets(self: ELBv2Backend, target_group_arn: str, instances: list[Any]) -> None:
        original_register(self, target_group_arn, instances)
        targets.api_registered(target_group_arn, instances)

    def deregister_targets(self: ELBv2Backend, target_group_arn: str, instances: list[dict[str, Any]]) -> None:
        original_deregister(self, target_group_arn, instances)
        targets.api_deregistered(target_group_arn, instances)

    ELBv2Backend.describe_target_health = describe_target_health
    ELBv2Backend.register_targets = register_targets
    ELBv2Backend.deregister_targets = deregister_targets
    return targets
