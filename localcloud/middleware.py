"""The WSGI layer in front of moto: control endpoint, request policies, one lock.

Order for an AWS call: identify it (service, operation), ask each request policy
in turn (a policy may add latency or answer the call itself, e.g. with an
injected ThrottlingException), sleep the added latency outside the lock, then
let moto answer under LocalCloud.lock, then tell every policy how it ended.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from localcloud.awsrequest import AwsRequest, identify, read_body
from localcloud.cloud import CONTROL_PREFIX, ControlRequest, LocalCloud, json_response


@dataclass
class Answer:
    """A response a policy gives instead of moto's."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    injected: str  # what it was, for the counters: "throttle", "5xx", "auth", ...


@dataclass
class Verdict:
    delay_s: float = 0.0  # real seconds to wait before answering
    answer: Answer | None = None
    notes: list[str] = field(default_factory=list)  # e.g. ["latency"], for the counters


class RequestPolicy(Protocol):
    def before(self, request: AwsRequest) -> Verdict | None:
        """Runs under the lock before moto. None: nothing to add."""

    def after(self, request: AwsRequest, status: int, verdict: Verdict) -> None:
        """Runs under the lock once the call is answered (by moto or by a policy)."""


class Middleware:
    def __init__(self, cloud: LocalCloud, app: Callable, sleep: Callable[[float], None] = time.sleep):
        self._cloud = cloud
        self._app = app
        self._sleep = sleep

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path != CONTROL_PREFIX + "health":
            self._cloud.warm.wait()
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response)

        request = identify(environ)
        if request is None:
            with self._cloud.lock:
                return list(self._app(environ, start_response))

        verdict = Verdict()
        with self._cloud.lock:
            for policy in self._cloud.request_policies:
                v = policy.before(request)
                if v is None:
                    continue
                verdict.delay_s += v.delay_s
                verdict.notes += v.notes
                if v.answer is not None:
                    verdict.answer = v.answer
                    break
        if verdict.delay_s > 0:
            self._sleep(verdict.delay_s)

        if verdict.answer is not None:
            answer = verdict.answer
            self._after(request, answer.status, verdict)
            start_response(f"{answer.status} {_REASONS.get(answer.status, 'Error')}", answer.headers)
            return [answer.body]

        status_holder: list[int] = []

        def recording_start_response(status: str, headers: list, exc_info: Any = None) -> Any:
            status_holder.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        with self._cloud.lock:
            body = list(self._app(environ, recording_start_response))
            self._after(request, status_holder[0] if status_holder else 500, verdict)
        return body

    def _after(self, request: AwsRequest, status: int, verdict: Verdict) -> None:
        with self._cloud.lock:
            for policy in self._cloud.request_policies:
                policy.after(request, status, verdict)

    def _control(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        raw = read_body(environ)
        try:
            body = json.loads(raw) if raw.strip() else None
        except json.JSONDecodeError as err:
            return json_response(start_response, 400, {"error": f"body is not JSON: {err}"})
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
        request = ControlRequest(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=environ["PATH_INFO"][len(CONTROL_PREFIX):].strip("/"),
            query=query,
            body=body,
        )
        status, value = self._cloud.handle_control(request)
        return json_response(start_response, status, value)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
