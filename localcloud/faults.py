"""Fault injection: throttling, 5xx and latency on chosen AWS calls.

    POST   /_localcloud/faults   a rule or a list of rules (all or nothing)
    GET    /_localcloud/faults   the rules, in order, with how often each fired
    DELETE /_localcloud/faults   forget them all

A rule:
    service     signing name or alias: ecs, ec2, elasticloadbalancing (elbv2), logs, ...
    operation   "DescribeServices"; omitted: every operation of the service
    kind        "throttle"  answer with the service's throttling error
                "error5xx"  answer with the service's 500 or 503 error
                "latency"   add latency_ms before the call is answered (by moto or a fault)
    rate        probability per matching call, 0..1 (default 1)
    status      500 or 503 (error5xx only; default 500)
    latency_ms  real milliseconds, 1..60000 (latency only; required)
    count       stop after this many injections (default: never)

Every matching rule is tried in order: latency rules that fire add up; the first
throttle or error5xx rule that fires answers the call. Decisions draw from a
generator seeded by the cloud's seed and reseeded on reset, and only the calls that
match a rule with 0 < rate < 1 draw from it, so the same seed and the same calls give
the same injections (independently of the simulation's own random draws). Latency is
real time, not local-cloud time: it is what the client waits.
"""

from __future__ import annotations

import argparse
import functools
import random
from dataclasses import dataclass
from typing import Any

from localcloud import errorshapes
from localcloud.awsrequest import AwsRequest
from localcloud.cloud import ControlError, ControlRequest, LocalCloud
from localcloud.middleware import Answer, Verdict

# Signing names the local cloud serves, and the aliases people write for them.
KNOWN_SERVICES: dict[str, str] = {name: name for name in errorshapes.SERVICES}
KNOWN_SERVICES.update({"elbv2": "elasticloadbalancing", "cloudwatch": "monitoring",
                       "applicationautoscaling": "application-autoscaling"})
# botocore's model name for each signing name (to check operation names).
_BOTOCORE_NAMES = {"elasticloadbalancing": "elbv2", "monitoring": "cloudwatch"}

KINDS = ("throttle", "error5xx", "latency")
MAX_LATENCY_MS = 60_000
_FIELDS = ("service", "operation", "kind", "rate", "status", "latency_ms", "count")


@dataclass
class FaultRule:
    service: str  # signing name
    operation: str | None  # None: any
    kind: str
    rate: float = 1.0
    status: int | None = None  # error5xx
    latency_ms: int | None = None  # latency
    count: int | None = None  # None: unlimited
    fired: int = 0

    def applies_to(self, request: AwsRequest) -> bool:
        if self.count is not None and self.fired >= self.count:
            return False
        return request.service == self.service and self.operation in (None, request.operation)

    def view(self) -> dict[str, Any]:
        view: dict[str, Any] = {"service": self.service, "operation": self.operation, "kind": self.kind,
                                "rate": self.rate}
        if self.kind == "error5xx":
            view["status"] = self.status
        if self.kind == "latency":
            view["latency_ms"] = self.latency_ms
        view.update({"count": self.count, "fired": self.fired})
        return view


@functools.lru_cache(maxsize=None)
def operations_of(service: str) -> frozenset[str]:
    """The operation names botocore knows for a signing name (empty if it cannot tell)."""
    try:
        import botocore.session

        model = botocore.session.get_session().get_service_model(_BOTOCORE_NAMES.get(service, service))
        return frozenset(model.operation_names)
    except Exception:  # no model: accept any name
        return frozenset()


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_rule(body: Any, index: int) -> FaultRule:
    """A FaultRule from its JSON form; ControlError names the bad field and the fix."""
    where = f"faults: rule {index}"
    if not isinstance(body, dict):
        raise ControlError(f"{where}: must be an object with 'service' and 'kind'")
    unknown = sorted(set(body) - set(_FIELDS))
    if unknown:
        raise ControlError(f"{where}: unknown field(s) {unknown}; use {list(_FIELDS)}")

    name = body.get("service")
    if not isinstance(name, str) or name.lower() not in KNOWN_SERVICES:
        raise ControlError(f"{where}: 'service' must be one of {sorted(KNOWN_SERVICES)}, not {name!r}")
    service = KNOWN_SERVICES[name.lower()]

    operation = body.get("operation")
    if operation is not None:
        if not isinstance(operation, str) or not operation:
            raise ControlError(f"{where}: 'operation' must be an operation name such as 'DescribeServices'")
        known = operations_of(service)
        if known and operation not in known:
            close = sorted(op for op in known if op.lower() == operation.lower())
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ControlError(f"{where}: {service} has no operation {operation!r}{hint}")

    kind = body.get("kind")
    if kind not in KINDS:
        raise ControlError(f"{where}: 'kind' must be one of {list(KINDS)}, not {kind!r}")

    rate = body.get("rate", 1.0)
    if not _number(rate) or not 0.0 <= rate <= 1.0:
        raise ControlError(f"{where}: 'rate' must be a number from 0 to 1 (a probability per call)")

    status = body.get("status")
    if kind == "error5xx":
        status = 500 if status is None else status
        if status not in (500, 503) or not _integer(status):
            raise ControlError(f"{where}: 'status' must be 500 or 503")
    elif status is not None:
        raise ControlError(f"{where}: 'status' is for kind 'error5xx' only")

    latency_ms = body.get("latency_ms")
    if kind == "latency":
        if not _integer(latency_ms) or not 1 <= latency_ms <= MAX_LATENCY_MS:
            raise ControlError(f"{where}: kind 'latency' needs 'latency_ms', an integer 1..{MAX_LATENCY_MS}")
    elif latency_ms is not None:
        raise ControlError(f"{where}: 'latency_ms' is for kind 'latency' only")

    count = body.get("count")
    if count is not None and (not _integer(count) or count < 1):
        raise ControlError(f"{where}: 'count' must be an integer >= 1 (or left out for no limit)")

    return FaultRule(service=service, operation=operation, kind=kind, rate=float(rate), status=status,
                     latency_ms=latency_ms, count=count)


class Faults:
    """The fault rules. A LocalCloud component and request policy; used under the cloud's lock."""

    def __init__(self, cloud: LocalCloud) -> None:
        self._cloud = cloud
        self._rules: list[FaultRule] = []
        self._rng = random.Random()  # decisions and request ids; reseeded from the cloud's seed
        self.reset()

    # -- component ---------------------------------------------------------

    def reset(self) -> None:
        self._rules.clear()
        self._rng.seed(f"localcloud.faults/{self._cloud.seed}")

    def tick(self, now: float) -> None:
        pass

    # -- request policy ----------------------------------------------------

    def before(self, request: AwsRequest) -> Verdict | None:
        delay_s = 0.0
        for rule in self._rules:
            if not rule.applies_to(request) or not self._fires(rule.rate):
                continue
            rule.fired += 1
            if rule.kind == "latency":
                delay_s += rule.latency_ms / 1000.0
                continue
            request_id = errorshapes.new_request_id(self._rng)
            if rule.kind == "throttle":
                error = errorshapes.throttling(request.service, request.protocol, request_id)
                injected = "throttle"
            else:
                error = errorshapes.server_error(request.service, request.protocol, rule.status, request_id)
                injected = "error5xx"
            answer = Answer(error.status, error.headers, error.body, injected)
            return Verdict(delay_s=delay_s, answer=answer, notes=["latency"] if delay_s else [])
        if delay_s:
            return Verdict(delay_s=delay_s, notes=["latency"])
        return None

    def after(self, request: AwsRequest, status: int, verdict: Verdict) -> None:
        pass

    def _fires(self, rate: float) -> bool:
        if rate >= 1.0:
            return True
        if rate <= 0.0:
            return False
        return self._rng.random() < rate

    # -- control routes ------------------------------------------------------

    def views(self) -> list[dict[str, Any]]:
        return [rule.view() for rule in self._rules]

    def _post(self, req: ControlRequest) -> Any:
        items = req.body if isinstance(req.body, list) else [req.body]
        if not items:
            raise ControlError("faults: give a rule or a non-empty list of rules")
        parsed = [parse_rule(item, len(self._rules) + i) for i, item in enumerate(items)]
        self._rules.extend(parsed)  # all or nothing
        return {"faults": self.views()}

    def _get(self, _req: ControlRequest) -> Any:
        return {"faults": self.views()}

    def _delete(self, _req: ControlRequest) -> Any:
        self._rules.clear()
        return {"faults": []}


def install(cloud: LocalCloud, _args: argparse.Namespace) -> Faults:
    faults = cloud.add(Faults(cloud))
    cloud.request_policies.append(faults)
    cloud.add_route("POST", "faults", faults._post)
    cloud.add_route("GET", "faults", faults._get)
    cloud.add_route("DELETE", "faults", faults._delete)
    return faults
