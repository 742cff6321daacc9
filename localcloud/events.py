"""ECS events on EventBridge: what the simulation does, put on the default bus as AWS puts it.

An observer of the simulation's signals (see LocalCloud.notify). Each becomes one
event on the default event bus of the resource's account and region, delivered
through moto's events backend: every ENABLED rule of the bus whose event pattern
matches sends it to its targets (SQS queues, log groups, other buses, archives)
by moto's own delivery code.

  task_state_changed(task)              "ECS Task State Change"       resources [task ARN]
  service_action(service, event_type)   "ECS Service Action"          resources [service ARN]
  deployment_state_changed(service, deployment, event_name, reason)
                                        "ECS Deployment State Change" resources [service ARN]
  alarm_state_changed(alarm, previous, account_id, region)    (sent by alarms.py)
                                        "CloudWatch Alarm State Change", source aws.cloudwatch,
                                        resources [alarm ARN]

Envelope as AWS sends it: version "0", id (a UUID from a generator seeded by the
cloud's seed), detail-type, source "aws.ecs", account, time (local-cloud clock,
seconds precision), region, resources, detail. Detail shapes follow the ECS
developer guide's examples: a task's detail is the DescribeTasks task (ISO-8601
timestamps with milliseconds, no healthStatus, plus updatedAt); a service action
has eventType INFO/WARN/ERROR, eventName, clusterArn, createdAt (and reason when
known); a deployment state change has eventType, eventName, deploymentId,
updatedAt, reason.

Differences from moto's PutEvents, which this does not go through: rules that
are DISABLED or have no event pattern (schedule rules) receive nothing, event
ids come from the seeded generator rather than moto's, and the target payload
keeps the envelope's "account" (moto's default input template drops it; the
template is patched on install, so PutEvents deliveries keep it too).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import uuid
from datetime import datetime, timezone
from typing import Any

from localcloud.cloud import LocalCloud

log = logging.getLogger("localcloud.events")

SOURCE = "aws.ecs"
TASK_STATE_CHANGE = "ECS Task State Change"
SERVICE_ACTION = "ECS Service Action"
DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change"
ALARM_STATE_CHANGE = "CloudWatch Alarm State Change"

# ECS's service action events by eventType (ECS developer guide, "service action events").
_SERVICE_ACTION_TYPES = {
    "SERVICE_STEADY_STATE": "INFO",
    "TASKSET_STEADY_STATE": "INFO",
    "CAPACITY_PROVIDER_STEADY_STATE": "INFO",
    "SERVICE_DESIRED_COUNT_UPDATED": "INFO",
    "SERVICE_TASK_START_IMPAIRED": "WARN",
    "SERVICE_DISCOVERY_INSTANCE_UNHEALTHY": "WARN",
    "VPC_LATTICE_TARGET_UNHEALTHY": "WARN",
    "SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED": "ERROR",
    "ECS_OPERATION_THROTTLED": "ERROR",
    "SERVICE_DISCOVERY_OPERATION_THROTTLED": "ERROR",
    "SERVICE_TASK_PLACEMENT_FAILURE": "ERROR",
    "SERVICE_TASK_CONFIGURATION_FAILURE": "ERROR",
}
EVENT_TYPES = ("INFO", "WARN", "ERROR")


def service_action_type(event_name: str) -> str:
    """INFO, WARN or ERROR for a service action's eventName."""
    known = _SERVICE_ACTION_TYPES.get(event_name)
    if known:
        return known
    if event_name.endswith(("FAILURE", "FAILED", "THROTTLED", "VIOLATED")):
        return "ERROR"
    if event_name.endswith(("IMPAIRED", "UNHEALTHY")):
        return "WARN"
    return "INFO"


def iso_millis(value: Any) -> str | None:
    """ECS's event timestamps: 2016-12-06T16:41:05.702Z. Accepts epoch seconds or a datetime."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = datetime.fromtimestamp(float(value), tz=timezone.utc)
    if not isinstance(value, datetime):
        return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def cloudwatch_time(value: Any) -> str | None:
    """CloudWatch's event timestamps: 2019-10-02T17:04:40.985+0000. moto keeps naive UTC datetimes."""
    shown = iso_millis(value)
    return None if shown is None else shown[:-1] + "+0000"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_millis(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _attr(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of `names` that `obj` has, as an attribute or (for dicts) a key."""
    for name in names:
        if isinstance(obj, dict):
            if obj.get(name) is not None:
                return obj[name]
        elif getattr(obj, name, None) is not None:
            return getattr(obj, name)
    return default


def _region_of_arn(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


def _account_of_arn(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


_patched = False


def patch_moto_default_template() -> None:
    """moto's default target input drops the envelope's "account"; AWS delivers it. Idempotent."""
    global _patched
    if _patched:
        return
    _patched = True
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
            '"version": "0",', '"version": "0", "account": "<account>",', 1)


class EventBridgePublisher:
    """Puts events on EventBridge buses as an AWS service does. A component; runs under the lock."""

    def __init__(self, cloud: LocalCloud):
        self._cloud = cloud
        # A generator of its own, seeded by the cloud's seed: event ids are a function of the seed
        # and drawing them does not shift the ids and IPs the simulation draws from cloud.rng.
        self._ids = random.Random(f"localcloud.events:{cloud.seed}")
        self.published = 0  # events put (matched or not), for diagnostics

    # -- component ------------------------------------------------------------

    def reset(self) -> None:
        # Patched here rather than at install: the warm-up's reset runs before any AWS call is
        # answered, and importing moto's events models (~30 ms) stays off the start-up path.
        patch_moto_default_template()
        self._ids.seed(f"localcloud.events:{self._cloud.seed}")
        self.published = 0

    def tick(self, now: float) -> None:
        pass

    # -- publishing -------------------------------------------------------------

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def put(self, *, account_id: str, region: str, source: str, detail_type: str,
            resources: list[str], detail: dict[str, Any], bus: str = "default") -> dict[str, Any]:
        """Builds the event and sends it to every matching enabled rule's targets. Returns the event."""
        from moto.events.models import events_backends

        patch_moto_default_template()  # normally done by the warm-up's reset already
        now = self._cloud.clock.now()
        event: dict[str, Any] = {
            "version": "0",
            "id": self.new_id(),
            "detail-type": detail_type,
            "source": source,
            "account": account_id,
            "time": now,  # epoch seconds: moto's targets render it as 2020-05-23T12:31:14Z
            "region": region,
            "resources": list(resources),
            "detail": _jsonable(detail),
            "ingestion-time": now,
        }
        self.published += 1
        backend = events_backends[account_id][region]
        event_bus = backend.event_buses.get(bus)
        if event_bus is None:
            return event
        for rule in list(event_bus.rules.values()):
            if rule.state != "ENABLED" or not rule.event_pattern.get_pattern():
                continue  # disabled rules and schedule rules receive no events
            try:
                rule.send_to_targets(json.loads(json.dumps(event)))
            except Exception:  # one broken target must not lose the event for the others
                log.exception("EventBridge rule %s failed to deliver %s", rule.name, detail_type)
        return event


class EcsEvents:
    """Observer: the simulation's ECS signals as EventBridge events."""

    def __init__(self, cloud: LocalCloud, publisher: EventBridgePublisher):
        self._cloud = cloud
        self._publisher = publisher

    # -- signals ------------------------------------------------------------

    def task_state_changed(self, task: Any, **_: Any) -> None:
        self._publisher.put(account_id=task.account_id, region=task.region, source=SOURCE,
                            detail_type=TASK_STATE_CHANGE, resources=[task.arn],
                            detail=self.task_detail(task))

    def service_action(self, service: Any, event_type: str, reason: str | None = None, **extra: Any) -> None:
        # event_type is the event's name (SERVICE_STEADY_STATE, ...); a bare INFO/WARN/ERROR with an
        # event_name keyword is accepted too.
        event_name = extra.pop("event_name", None)
        if event_name and event_type in EVENT_TYPES:
            kind = event_type
        else:
            event_name, kind = event_type, service_action_type(event_type)
        account, region, arn = self._where(service)
        detail: dict[str, Any] = {
            "eventType": kind,
            "eventName": event_name,
            "clusterArn": _attr(service, "cluster_arn", "clusterArn"),
            "createdAt": iso_millis(self._cloud.clock.now()),
        }
        if reason:
            detail["reason"] = reason
        for key in ("capacityProviderArns", "containerInstanceArns", "taskSetArns", "targets"):
            if key in extra:
                detail[key] = extra[key]
        self._publisher.put(account_id=account, region=region, source=SOURCE, detail_type=SERVICE_ACTION,
                            resources=[arn], detail=detail)

    def deployment_state_changed(self, service: Any, deployment: Any, event_name: str,
                                 reason: str | None = None, **_: Any) -> None:
        account, region, arn = self._where(service)
        deployment_id = _attr(deployment, "id", "deploymentId", default="")
        if not reason:
            reason = {
                "SERVICE_DEPLOYMENT_IN_PROGRESS": f"ECS deployment {deployment_id} in progress.",
                "SERVICE_DEPLOYMENT_COMPLETED": f"ECS deployment {deployment_id} completed.",
                "SERVICE_DEPLOYMENT_FAILED": "ECS deployment circuit breaker: task failed to start.",
            }.get(event_name, "")
        updated = _attr(deployment, "updatedAt", "updated_at")
        detail = {
            "eventType": "ERROR" if event_name.endswith("FAILED") else "INFO",
            "eventName": event_name,
            "deploymentId": deployment_id,
            "updatedAt": iso_millis(updated if updated is not None else self._cloud.clock.now()),
            "reason": reason,
        }
        self._publisher.put(account_id=account, region=region, source=SOURCE,
                            detail_type=DEPLOYMENT_STATE_CHANGE, resources=[arn], detail=detail)

    def alarm_state_changed(self, alarm: Any, previous: dict[str, Any], account_id: str, region: str,
                            **_: Any) -> None:
        """A CloudWatch alarm changed state (alarms.py): CloudWatch's own event, source aws.cloudwatch."""
        def state(value: str, reason: str | None, data: str | None, at: Any) -> dict[str, Any]:
            shown: dict[str, Any] = {"value": value, "reason": reason or ""}
            if data and data != "{}":
                shown["reasonData"] = data
            shown["timestamp"] = cloudwatch_time(at)
            return shown

        configuration: dict[str, Any] = {"description": getattr(alarm, "description", None) or ""}
        if getattr(alarm, "metric_name", None):
            configuration["metrics"] = [{
                "id": self._publisher.new_id(),
                "metricStat": {
                    "metric": {"namespace": alarm.namespace, "name": alarm.metric_name,
                               "dimensions": {d.name: d.value for d in alarm.dimensions}},
                    "period": alarm.period,
                    "stat": alarm.statistic or alarm.extended_statistic,
                },
                "returnData": True,
            }]
        detail = {
            "alarmName": alarm.name,
            "state": state(alarm.state_value, alarm.state_reason, alarm.state_reason_data,
                           alarm.state_updated_timestamp),
            "previousState": state(previous.get("value", ""), previous.get("reason"), previous.get("reasonData"),
                                   previous.get("timestamp")),
            "configuration": configuration,
        }
        self._publisher.put(account_id=account_id, region=region, source="aws.cloudwatch",
                            detail_type=ALARM_STATE_CHANGE, resources=[alarm.alarm_arn], detail=detail)

    # -- shapes -------------------------------------------------------------

    def task_detail(self, task: Any) -> dict[str, Any]:
        """The task as ECS's task state change event shows it: DescribeTasks' task, less health."""
        detail = _jsonable(task.view())
        detail.pop("healthStatus", None)
        for container in detail.get("containers", []):
            container.pop("healthStatus", None)
        if task.launch_type == "FARGATE":
            detail.setdefault("attributes", [{"name": "ecs.cpu-architecture", "value": "x86_64"}])
        detail["updatedAt"] = iso_millis(self._cloud.clock.now())
        return detail

    def _where(self, service: Any) -> tuple[str, str, str]:
        arn = _attr(service, "arn", "service_arn", "serviceArn", default="")
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise ValueError(f"service {service!r} has no ARN")
        account = _attr(service, "account_id", default=None) or _account_of_arn(arn) or self._cloud.account_id
        region = _attr(service, "region", "region_name", default=None) or _region_of_arn(arn) or "us-east-1"
        return account, region, arn


def install(cloud: LocalCloud, _args: argparse.Namespace) -> EcsEvents:
    publisher = cloud.add(EventBridgePublisher(cloud))
    observer = EcsEvents(cloud, publisher)
    cloud.observers.append(observer)
    return observer
