"""The local cloud's clock: wall time at start, then `speed` times faster, and jumpable by tests."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable


class SimClock:
    """Epoch seconds on the local cloud. Thread-safe.

    now() = start_wall + (monotonic elapsed) * speed + jumped. Changing the speed
    keeps now() continuous. All simulated durations (task start-up, health checks,
    deregistration delay, bake times, scheduled alarms) are measured on this clock.
    """

    def __init__(
        self,
        speed: float = 1.0,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        if speed <= 0:
            raise ValueError("clock speed must be > 0")
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._base_sim = wall()
        self._base_mono = monotonic()
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        with self._lock:
            return self._speed

    def now(self) -> float:
        with self._lock:
            return self._now_locked()

    def now_datetime(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.now(), tz=datetime.timezone.utc)

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("clock speed must be > 0")
        with self._lock:
            self._base_sim = self._now_locked()
            self._base_mono = self._monotonic()
            self._speed = float(speed)

    def advance(self, seconds: float) -> None:
        """Jumps the clock forward (never backward)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._base_sim += seconds

    def real_seconds(self, sim_seconds: float) -> float:
        """How long `sim_seconds` of local-cloud time take on the wall clock."""
        return sim_seconds / self.speed

    def _now_locked(self) -> float:
        return self._base_sim + (self._monotonic() - self._base_mono) * self._speed
