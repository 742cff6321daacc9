"""Scenarios: what a task does on the local cloud, chosen by its image tag or command.

    POST   /_localcloud/scenarios   {"name": "...", "match": {...}, "effect": {...}, "times": N}
    GET    /_localcloud/scenarios   the scenarios, in order
    DELETE /_localcloud/scenarios   forget them all

match (all given keys must hold for one container of the task):
    image_tag   the tag after ':' in the image ("v2-broken")
    image       the whole image reference
    command     a substring of the container's command joined by spaces ("migrate")
    container   the container's name
    family      the task definition's family
effect:
    exit_code            the essential container's exit code (one-off tasks; crashes)
    run_seconds          how long a one-off task runs before it exits
    fail_to_start        true or a reason: the task goes PENDING -> STOPPED, stopCode
                         TaskFailedToStart, no exit code
    unhealthy            true: load-balancer health checks fail (and container health)
    crash_after_seconds  a service task exits (exit_code, default 1) after this long RUNNING
    start_seconds        how long the task stays PENDING (image pull) before RUNNING
times: the scenario applies to this many tasks, then is spent (default: always).

The first scenario that matches wins. Durations are local-cloud seconds (see the clock).
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass, field
from typing import Any

from localcloud.cloud import ControlError, ControlRequest, LocalCloud

DEFAULT_RUN_SECONDS = 2.0  # a one-off task with no scenario exits 0 after this long


@dataclass(frozen=True)
class Effect:
    exit_code: int | None = None
    run_seconds: float | None = None
    fail_to_start: str | None = None  # the stoppedReason
    unhealthy: bool = False
    crash_after_seconds: float | None = None
    start_seconds: float | None = None


NO_EFFECT = Effect()


@dataclass
class ContainerFacts:
    """What a scenario can match on, for one container of a task about to start."""

    name: str
    image: str
    command: list[str] = field(default_factory=list)

    @property
    def image_tag(self) -> str:
        ref = self.image.split("@", 1)[0]
        last = ref.rsplit("/", 1)[-1]
        return last.split(":", 1)[1] if ":" in last else "latest"


@dataclass
class Scenario:
    name: str
    match: dict[str, str]
    effect: Effect
    times: int | None = None  # None: unlimited
    applied: int = 0

    def matches(self, family: str, container: ContainerFacts) -> bool:
        checks = {
            "image_tag": lambda v: container.image_tag == v,
            "image": lambda v: container.image == v,
            "command": lambda v: v in " ".join(container.command),
            "container": lambda v: container.name == v,
            "family": lambda v: family == v,
        }
        return all(checks[key](value) for key, value in self.match.items())

    def view(self) -> dict[str, Any]:
        return {"name": self.name, "match": self.match,
                "effect": {k: v for k, v in asdict(self.effect).items() if v not in (None, False)},
                "times": self.times, "applied": self.applied}


_MATCH_KEYS = ("image_tag", "image", "command", "container", "family")
_NUMBER = (int, float)


def parse_scenario(body: Any, index: int) -> Scenario:
    """A Scenario from its JSON form; ControlError names the bad field."""
    where = f"scenarios: scenario {index}"
    if not isinstance(body, dict):
        raise ControlError(f"{where}: must be an object with 'match' and 'effect'")
    unknown = set(body) - {"name", "match", "effect", "times"}
    if unknown:
        raise ControlError(f"{where}: unknown field(s) {sorted(unknown)}")
    match = body.get("match")
    if not isinstance(match, dict) or not match:
        raise ControlError(f"{where}: 'match' must be a non-empty object with any of {list(_MATCH_KEYS)}")
    for key, value in match.items():
        if key not in _MATCH_KEYS:
            raise ControlError(f"{where}: match.{key} is unknown; use one of {list(_MATCH_KEYS)}")
        if not isinstance(value, str) or not value:
            raise ControlError(f"{where}: match.{key} must be a non-empty string")
    raw = body.get("effect")
    if not isinstance(raw, dict) or not raw:
        raise ControlError(f"{where}: 'effect' must be a non-empty object")
    kinds = {"exit_code": int, "run_seconds": _NUMBER, "fail_to_start": (bool, str), "unhealthy": bool,
             "crash_after_seconds": _NUMBER, "start_seconds": _NUMBER}
    for key, value in raw.items():
        if key not in kinds:
            raise ControlError(f"{where}: effect.{key} is unknown; use one of {list(kinds)}")
        if not isinstance(value, kinds[key]) or (isinstance(value, bool) and kinds[key] in (int, _NUMBER)):
            raise ControlError(f"{where}: effect.{key} has the wrong type")
        if key.endswith("seconds") and value < 0:
            raise ControlError(f"{where}: effect.{key} must be >= 0")
    fail = raw.get("fail_to_start")
    effect = Effect(
        exit_code=raw.get("exit_code"),
        run_seconds=raw.get("run_seconds"),
        fail_to_start=(None if not fail else fail if isinstance(fail, str) else ""),
        unhealthy=raw.get("unhealthy", False),
        crash_after_seconds=raw.get("crash_after_seconds"),
        start_seconds=raw.get("start_seconds"),
    )
    times = body.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise ControlError(f"{where}: 'times' must be an integer >= 1")
    name = body.get("name", f"scenario-{index}")
    if not isinstance(name, str):
        raise ControlError(f"{where}: 'name' must be a string")
    return Scenario(name=name, match=dict(match), effect=effect, times=times)


class Scenarios:
    """The scenario list. A component of LocalCloud; used under its lock."""

    def __init__(self) -> None:
        self._scenarios: list[Scenario] = []

    def reset(self) -> None:
        self._scenarios.clear()

    def tick(self, now: float) -> None:
        pass

    def add(self, scenario: Scenario) -> None:
        self._scenarios.append(scenario)

    def effect_for(self, family: str, containers: list[ContainerFacts]) -> tuple[Effect, str]:
        """The effect for a task about to start, and the scenario's name ("" for none). Consumes a use."""
        for scenario in self._scenarios:
            if scenario.times is not None and scenario.applied >= scenario.times:
                continue
            if any(scenario.matches(family, c) for c in containers):
                scenario.applied += 1
                return scenario.effect, scenario.name
        return NO_EFFECT, ""

    def views(self) -> list[dict[str, Any]]:
        return [s.view() for s in self._scenarios]

    # -- control routes --------------------------------------------------

    def _post(self, req: ControlRequest) -> Any:
        items = req.body if isinstance(req.body, list) else [req.body]
        parsed = [parse_scenario(item, len(self._scenarios) + i) for i, item in enumerate(items)]
        self._scenarios.extend(parsed)  # all or nothing
        return {"scenarios": self.views()}

    def _get(self, _req: ControlRequest) -> Any:
        return {"scenarios": self.views()}

    def _delete(self, _req: ControlRequest) -> Any:
        self.reset()
        return {"scenarios": []}


def install(cloud: LocalCloud, _args: argparse.Namespace) -> Scenarios:
    scenarios = cloud.add(Scenarios())
    cloud.scenarios = scenarios
    cloud.add_route("POST", "scenarios", scenarios._post)
    cloud.add_route("GET", "scenarios", scenarios._get)
    cloud.add_route("DELETE", "scenarios", scenarios._delete)
    return scenarios
