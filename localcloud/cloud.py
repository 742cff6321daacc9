"""LocalCloud: the state and the rules shared by every extension of moto.

Threading: moto's server answers each request on its own thread. Every request
that reaches moto, every control request and every simulator tick runs under
`LocalCloud.lock`, so extensions see one consistent world and need no locks of
their own. Injected latency is slept outside the lock.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from localcloud.clock import SimClock

log = logging.getLogger("localcloud")

DEFAULT_ACCOUNT_ID = "123456789012"
CONTROL_PREFIX = "/_localcloud/"


class ControlError(Exception):
    """A bad control request: answered with `status` and {"error": message}."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class ControlRequest:
    method: str
    path: str  # after CONTROL_PREFIX, e.g. "faults" or "scenarios"
    query: dict[str, str]
    body: Any  # parsed JSON, or None

    def field(self, name: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        """A field of the JSON body, checked; ControlError names the field when it is wrong."""
        if not isinstance(self.body, dict):
            if default is not ...:
                return default
            raise ControlError(f"{self.path}: body must be a JSON object with '{name}'")
        if name not in self.body:
            if default is not ...:
                return default
            raise ControlError(f"{self.path}: field '{name}' is required")
        value = self.body[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise ControlError(f"{self.path}: field '{name}' has the wrong type")
        if not isinstance(value, kind):
            raise ControlError(f"{self.path}: field '{name}' has the wrong type")
        return value


ControlHandler = Callable[[ControlRequest], Any]  # returns a JSON-able value


class Component(Protocol):
    """An extension of moto. All methods run under LocalCloud.lock."""

    def reset(self) -> None:
        """Forgets all state (the cloud was reset)."""

    def tick(self, now: float) -> None:
        """Moves simulated things forward to local-cloud time `now`."""


@dataclass
class LocalCloud:
    clock: SimClock = field(default_factory=SimClock)
    seed: int = 0
    account_id: str = DEFAULT_ACCOUNT_ID
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Random numbers for the simulation (ids, IPs, jitter). Reseeded on reset.
    rng: random.Random = field(default_factory=random.Random)
    components: list[Component] = field(default_factory=list)
    routes: dict[tuple[str, str], ControlHandler] = field(default_factory=dict)
    # Middleware hooks, in order: each may answer a request itself (faults, auth).
    request_policies: list[Any] = field(default_factory=list)
    # Extensions other extensions use, set by their install().
    scenarios: Any = None  # localcloud.scenarios.Scenarios
    ecs: Any = None  # localcloud.ecs.tasks.TaskStore
    # Observers of what the simulation does (see notify()).
    observers: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        # Set once moto's backends are loaded (warm_up); AWS calls and control requests other
        # than health wait for it.
        self.warm = threading.Event()
        self.add_route("POST", "reset", self._reset_route)
        self.add_route("GET", "clock", self._clock_get)
        self.add_route("POST", "clock", self._clock_post)

    # -- composition -------------------------------------------------------

    def add(self, component: Component) -> Component:
        self.components.append(component)
        return component

    def add_route(self, method: str, path: str, handler: ControlHandler) -> None:
        key = (method.upper(), path.strip("/"))
        if key in self.routes:
            raise ValueError(f"control route {key} registered twice")
        self.routes[key] = handler

    def notify(self, signal: str, **fields: Any) -> None:
        """Tells every observer that has a method named `signal`. Runs under the lock.

        Signals the simulation sends (fields are the simulation's own objects):
          task_state_changed(task)                  a task's lastStatus or desiredStatus changed
          container_output(task, container, lines)  a container wrote log lines
          service_action(service, event_type)       SERVICE_STEADY_STATE, SERVICE_TASK_START_IMPAIRED, ...
          deployment_state_changed(service, deployment, event_name, reason)
                                                    SERVICE_DEPLOYMENT_IN_PROGRESS / _COMPLETED / _FAILED
        """
        for observer in self.observers:
            method = getattr(observer, signal, None)
            if method is not None:
                try:
                    method(**fields)
                except Exception:  # an observer must not break the simulation
                    log.exception("observer %s failed on %s", type(observer).__name__, signal)

    # -- control -----------------------------------------------------------

    def handle_control(self, request: ControlRequest) -> tuple[int, Any]:
        if (request.method, request.path) == ("GET", "health"):  # answered even while warming up
            return 200, {"ok": True, "warm": self.warm.is_set()}
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            known = sorted({p for (_, p) in self.routes})
            if any(p == request.path for p in known):
                return 405, {"error": f"{request.method} not allowed on {request.path}"}
            return 404, {"error": f"no control route '{request.path}'", "routes": known}
        try:
            with self.lock:
                return 200, handler(request)
        except ControlError as err:
            return err.status, {"error": str(err)}

    def reset(self, seed: int | None = None) -> None:
        """Forgets every resource, scenario, fault and counter; reseeds ids."""
        with self.lock:
            if seed is not None:
                self.seed = seed
            _forget_moto_backends()
            self.reseed()
            for component in self.components:
                component.reset()

    def reseed(self) -> None:
        """Makes moto's ids and the simulation's choices a function of the seed."""
        from moto.moto_api._internal import mock_random

        mock_random.seed(self.seed)
        random.seed(self.seed)  # moto's EC2 ids and IPs use the global generator
        self.rng.seed(self.seed)

    def _reset_route(self, req: ControlRequest) -> Any:
        seed = req.field("seed", int, None)
        self.reset(seed)
        return {"reset": True, "seed": self.seed}

    def _clock_get(self, _req: ControlRequest) -> Any:
        return {"now": self.clock.now(), "speed": self.clock.speed}

    def _clock_post(self, req: ControlRequest) -> Any:
        speed = req.field("speed", (int, float), None)
        advance = req.field("advance_seconds", (int, float), None)
        if speed is None and advance is None:
            raise ControlError("clock: give 'speed' (> 0) and/or 'advance_seconds' (>= 0)")
        try:
            if speed is not None:
                self.clock.set_speed(float(speed))
            if advance is not None:
                self.clock.advance(float(advance))
        except ValueError as err:
            raise ControlError(f"clock: {err}") from err
        self.tick()
        return self._clock_get(req)

    def warm_up(self, services: tuple[str, ...], dispatcher: Any = None,
                install: Callable[[], None] | None = None) -> None:
        """Runs `install` (the extensions), imports moto's models and builds its per-service
        apps for `services`, then resets to the seed, and sets `warm`.

        moto does both on a service's first call (EC2's import alone: ~1.2 s); doing it up
        front keeps that off the first request and keeps ids a function of the seed alone
        (the imports and the app creation draw random numbers).
        """
        import importlib

        try:
            with self.lock:
                if install is not None:
                    install()
                _spare_iam_lookups()
                for service in services:
                    importlib.import_module(f"moto.{service}.models")
                    if dispatcher is not None and service not in dispatcher.app_instances:
                        dispatcher.app_instances[service] = dispatcher.create_app(service)
                self.reset()
        except Exception:
            log.exception("warm-up failed; backends load on first use instead")
        finally:
            self.warm.set()

    # -- simulation --------------------------------------------------------

    def tick(self) -> None:
        with self.lock:
            now = self.clock.now()
            for component in self.components:
                try:
                    component.tick(now)
                except Exception:  # one broken component must not stop the world
                    log.exception("tick of %s failed", type(component).__name__)

    def start_ticker(self, interval_s: float = 0.05) -> None:
        def run() -> None:
            self.warm.wait()
            while not self._stop.wait(interval_s):
                self.tick()

        self._ticker = threading.Thread(target=run, name="localcloud-tick", daemon=True)
        self._ticker.start()

    def stop_ticker(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()


def json_response(start_response: Callable, status: int, value: Any) -> list[bytes]:
    body = json.dumps(value, default=str).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    start_response(
        f"{status} {reason.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _forget_moto_backends() -> None:
    """moto's reset without its cost: drops every backend so each is rebuilt on first use.

    moto_api_backend.reset() first rebuilds every backend ever built (each region's, each
    IAM partition's: 1-2 s) and then drops them all anyway; dropping alone is the same end
    state, since nothing outside the BackendDicts keeps a backend.
    """
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.core.model_instances import reset_model_data

    with backend_lock:
        for backend_dict in BackendDict._instances:
            backend_dict.clear()
        BackendDict._instances.clear()
    reset_model_data()


def _spare_iam_lookups() -> None:
    """Makes moto find a request's account without building IAM backends for every partition.

    moto's get_account_id_from builds the IAM backend of each partition of each account to
    look an access key up (~0.15 s each, drawing random numbers) on the first call after a
    reset; localcloud.auth.account_of_key gives the same answer from the backends that exist.
    """
    from moto.iam import models as iam_models

    from localcloud.auth import account_of_key

    iam_models.get_account_id_from = account_of_key
