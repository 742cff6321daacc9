"""Alarm states on a schedule: a CloudWatch alarm goes to ALARM (or OK) when a test says so.

    POST   /_localcloud/alarms   {"alarm": NAME, "state": "ALARM", "after_seconds": N, "reason": "..."}
                                 or a list of them (all or nothing)
    GET    /_localcloud/alarms   every entry: pending, fired or failed
    DELETE /_localcloud/alarms   forget them all

Fields of an entry:
    alarm          the alarm's name (required)
    state          ALARM, OK or INSUFFICIENT_DATA (required)
    after_seconds  local-cloud seconds from now (required, >= 0)
    reason         the StateReason (default "Set by the local cloud's alarm schedule")
    region         the alarm's region (default us-east-1)

At the due time (the first tick at or after it; at once for after_seconds 0) the
state is set through moto's CloudWatch backend, as SetAlarmState does, with the
alarm's StateUpdatedTimestamp from the local-cloud clock. An alarm that does not
exist then is not created: the entry is "failed" with the reason. Entries due at
the same time fire in the order they were posted. Reset forgets every entry.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from localcloud.cloud import ControlError, ControlRequest, LocalCloud

STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")
DEFAULT_REASON = "Set by the local cloud's alarm schedule"
DEFAULT_REGION = "us-east-1"
_FIELDS = ("alarm", "state", "after_seconds", "reason", "region")


@dataclass
class AlarmChange:
    id: int
    alarm: str
    state: str
    reason: str
    region: str
    account_id: str
    scheduled_at: float  # local-cloud epoch seconds
    due_at: float
    status: str = "pending"  # pending, fired, failed
    fired_at: float | None = None
    previous_state: str | None = None
    error: str | None = None

    def view(self, now: float) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": self.id, "alarm": self.alarm, "state": self.state, "reason": self.reason,
            "region": self.region, "status": self.status, "scheduled_at": self.scheduled_at,
            "due_at": self.due_at,
        }
        if self.status == "pending":
            view["due_in_seconds"] = max(0.0, round(self.due_at - now, 3))
        if self.fired_at is not None:
            view["fired_at"] = self.fired_at
        if self.previous_state is not None:
            view["previous_state"] = self.previous_state
        if self.error is not None:
            view["error"] = self.error
        return view


def parse_entry(body: Any, where: str) -> dict[str, Any]:
    """One entry's fields, checked; ControlError names the field."""
    if not isinstance(body, dict):
        raise ControlError(f"{where}: must be an object with 'alarm', 'state' and 'after_seconds'")
    unknown = sorted(set(body) - set(_FIELDS))
    if unknown:
        raise ControlError(f"{where}: unknown field(s) {unknown}; use {list(_FIELDS)}")
    for name in ("alarm", "state", "after_seconds"):
        if name not in body:
            raise ControlError(f"{where}: field '{name}' is required")
    alarm = body["alarm"]
    if not isinstance(alarm, str) or not alarm.strip() or len(alarm) > 255:
        raise ControlError(f"{where}: field 'alarm' must be an alarm name (a non-empty string, 255 at most)")
    state = body["state"]
    if state not in STATES:
        raise ControlError(f"{where}: field 'state' must be one of {list(STATES)}")
    after = body["after_seconds"]
    if isinstance(after, bool) or not isinstance(after, (int, float)) or not math.isfinite(after) or after < 0:
        raise ControlError(f"{where}: field 'after_seconds' must be a number >= 0")
    reason = body.get("reason", DEFAULT_REASON)
    if not isinstance(reason, str) or not reason or len(reason) > 1023:
        raise ControlError(f"{where}: field 'reason' must be a non-empty string (1023 characters at most)")
    region = body.get("region", DEFAULT_REGION)
    if not isinstance(region, str) or not region:
        raise ControlError(f"{where}: field 'region' must be a region name")
    return {"alarm": alarm, "state": state, "after_seconds": float(after), "reason": reason, "region": region}


class AlarmSchedule:
    """Scheduled alarm state changes. A component of LocalCloud; used under its lock."""

    def __init__(self, cloud: LocalCloud):
        self._cloud = cloud
        self.entries: list[AlarmChange] = []
        self._next_id = 1

    # -- component ------------------------------------------------------------

    def reset(self) -> None:
        self.entries.clear()
        self._next_id = 1

    def tick(self, now: float) -> None:
        due = [e for e in self.entries if e.status == "pending" and e.due_at <= now]
        for entry in sorted(due, key=lambda e: (e.due_at, e.id)):
            self._fire(entry, now)

    # -- firing ---------------------------------------------------------------

    def _fire(self, entry: AlarmChange, now: float) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        entry.fired_at = now
        backend = cloudwatch_backends[entry.account_id][entry.region]
        alarm = backend.alarms.get(entry.alarm)
        if alarm is None:
            entry.status = "failed"
            entry.error = (f"ResourceNotFound: alarm '{entry.alarm}' does not exist in "
                           f"{entry.region} (account {entry.account_id}) at the due time")
            return
        entry.previous_state = alarm.state_value
        previous = {"value": alarm.state_value, "reason": alarm.state_reason,
                    "reasonData": alarm.state_reason_data, "timestamp": alarm.state_updated_timestamp}
        try:
            backend.set_alarm_state(entry.alarm, entry.reason, None, entry.state)
        except Exception as err:  # moto's validation; should not happen after parse_entry
            entry.status = "failed"
            entry.error = f"{type(err).__name__}: {err}"
            return
        # moto stamps the wall clock; the local cloud's time is the clock's (naive UTC, like moto's).
        alarm.state_updated_timestamp = datetime.fromtimestamp(now, tz=timezone.utc).replace(tzinfo=None)
        entry.status = "fired"
        # Observers (events.py) tell EventBridge, as CloudWatch does: "CloudWatch Alarm State Change".
        self._cloud.notify("alarm_state_changed", alarm=alarm, previous=previous,
                           account_id=entry.account_id, region=entry.region)

    # -- control routes ---------------------------------------------------------

    def _post(self, req: ControlRequest) -> Any:
        if isinstance(req.body, list):
            if not req.body:
                raise ControlError("alarms: the list of entries is empty")
            parsed = [parse_entry(item, f"alarms: entry {i}") for i, item in enumerate(req.body)]
        else:
            parsed = [parse_entry(req.body, "alarms")]
        now = self._cloud.clock.now()
        added = []
        for fields in parsed:  # all were valid: add them all
            entry = AlarmChange(id=self._next_id, alarm=fields["alarm"], state=fields["state"],
                                reason=fields["reason"], region=fields["region"],
                                account_id=self._cloud.account_id, scheduled_at=now,
                                due_at=now + fields["after_seconds"])
            self._next_id += 1
            self.entries.append(entry)
            added.append(entry)
        self.tick(now)  # after_seconds 0: set at once
        return {"now": now, "scheduled": [e.view(now) for e in added]}

    def _get(self, _req: ControlRequest) -> Any:
        now = self._cloud.clock.now()
        return {"now": now, "alarms": [e.view(now) for e in self.entries]}

    def _delete(self, _req: ControlRequest) -> Any:
        self.reset()
        return {"alarms": []}


def install(cloud: LocalCloud, _args: argparse.Namespace) -> AlarmSchedule:
    schedule = cloud.add(AlarmSchedule(cloud))
    cloud.add_route("POST", "alarms", schedule._post)
    cloud.add_route("GET", "alarms", schedule._get)
    cloud.add_route("DELETE", "alarms", schedule._delete)
    return schedule
