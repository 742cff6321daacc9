"""Counts of every AWS call the local cloud answered, by service and operation.

    GET    /_localcloud/counters   the counts (shape below)
    DELETE /_localcloud/counters   zero them (a reset zeroes them too)

    {"since": 1767225600.0,                   local-cloud time the counts started
     "total": COUNTS,
     "services": {"ecs": {"total": COUNTS,
                          "operations": {"CreateService": COUNTS, ...}}, ...}}

COUNTS has every key, zeros included:
    calls         AWS calls answered (control-endpoint and non-AWS requests are not counted)
    mutating      of which mutating (AwsRequest.mutating: not Describe/List/Get/...)
    2xx 3xx 4xx 5xx
                  by the HTTP status class of the answer, whoever gave it
    throttled     answered by an injected throttling fault (faults.py)
    error5xx      answered by an injected 5xx fault
    latency       delayed by an injected latency fault
    rate_limited  answered with a throttling error by the AWS-rate mode (ratelimits.py)
    auth          refused by moto's auth mode (--auth: HTTP 401/403 from moto)

Services are keyed by SigV4 signing name ("elasticloadbalancing", "monitoring").
Operations with no name (a call the core could not name) count under "".
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from localcloud.awsrequest import AwsRequest
from localcloud.cloud import ControlRequest, LocalCloud
from localcloud.middleware import Verdict

KEYS = ("calls", "mutating", "2xx", "3xx", "4xx", "5xx",
        "throttled", "error5xx", "latency", "rate_limited", "auth")
# Answer.injected -> the key it counts under.
_INJECTED = {"throttle": "throttled", "error5xx": "error5xx", "rate_limited": "rate_limited", "auth": "auth"}
_AUTH_STATUSES = (401, 403)


def _zero() -> dict[str, int]:
    return dict.fromkeys(KEYS, 0)


class Counters:
    """A LocalCloud component and request policy (counts in after()); used under the cloud's lock."""

    def __init__(self, cloud: LocalCloud, auth_mode: bool = False) -> None:
        self._cloud = cloud
        self._auth_mode = auth_mode  # moto checks signatures: its 401/403 answers count as "auth"
        self._counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(_zero))
        self._since = cloud.clock.now()

    # -- component ---------------------------------------------------------

    def reset(self) -> None:
        self._counts.clear()
        self._since = self._cloud.clock.now()

    def tick(self, now: float) -> None:
        pass

    # -- request policy ----------------------------------------------------

    def before(self, request: AwsRequest) -> Verdict | None:
        return None

    def after(self, request: AwsRequest, status: int, verdict: Verdict) -> None:
        counts = self._counts[request.service][request.operation]
        counts["calls"] += 1
        if request.mutating:
            counts["mutating"] += 1
        status_class = f"{status // 100}xx"
        if status_class in counts:
            counts[status_class] += 1
        if verdict.answer is not None:
            key = _INJECTED.get(verdict.answer.injected)
            if key is not None:
                counts[key] += 1
        elif self._auth_mode and status in _AUTH_STATUSES:
            counts["auth"] += 1
        if "latency" in verdict.notes:
            counts["latency"] += 1

    # -- views -------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        total = _zero()
        services: dict[str, Any] = {}
        for service in sorted(self._counts):
            operations = {op: dict(c) for op, c in sorted(self._counts[service].items())}
            service_total = _zero()
            for c in operations.values():
                for key in KEYS:
                    service_total[key] += c[key]
            for key in KEYS:
                total[key] += service_total[key]
            services[service] = {"total": service_total, "operations": operations}
        return {"since": self._since, "total": total, "services": services}

    def _get(self, _req: ControlRequest) -> Any:
        return self.snapshot()

    def _delete(self, _req: ControlRequest) -> Any:
        self.reset()
        return self.snapshot()


def install(cloud: LocalCloud, args: argparse.Namespace) -> Counters:
    counters = cloud.add(Counters(cloud, auth_mode=bool(getattr(args, "auth", False))))
    cloud.request_policies.append(counters)
    cloud.add_route("GET", "counters", counters._get)
    cloud.add_route("DELETE", "counters", counters._delete)
    return counters
