"""Containers' log lines in CloudWatch Logs, where the awslogs driver would put them.

An observer of container_output(task, container, lines). The container's
logConfiguration (logDriver "awslogs") names the group, the region and the
stream prefix; the stream is "PREFIX/CONTAINER/TASK_ID" (or the task id without
a prefix), as ECS names it. The stream is created on the first line; the group
only when awslogs-create-group is "true" (without it a missing group keeps the
task from starting, see ecs/tasks.py, so lines for a group deleted since are
dropped). Event timestamps come from the local-cloud clock, in milliseconds,
never going backwards within a stream.

The lines the simulation writes say what the container ran and how it ended:

    localcloud: container migrate started from app:v1: python manage.py migrate
    localcloud: container migrate exited with code 3

so `aws logs get-log-events` and `filter-log-events` show them. They are written
to moto's log group directly: moto's PutLogEvents rejects timestamps more than
two hours ahead of the wall clock, which a sped-up local-cloud clock passes.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from localcloud.cloud import LocalCloud

log = logging.getLogger("localcloud.logs")


class AwslogsWriter:
    """Observer: container output into CloudWatch Logs. Runs under the cloud's lock."""

    def __init__(self, cloud: LocalCloud):
        self._cloud = cloud
        self.dropped = 0  # lines with nowhere to go (group missing and not to be created)

    # Not a component: it keeps no state of its own beyond a counter.

    def container_output(self, task: Any, container: Any, lines: list[str], **_: Any) -> None:
        target = container.log_target(task.region, task.id)
        if target is None or not lines:
            return
        group_name, region, stream_name, create_group = target
        from moto.logs.models import logs_backends

        backend = logs_backends[task.account_id][region]
        group = backend.groups.get(group_name)
        if group is None:
            if not create_group:
                self.dropped += len(lines)
                log.info("log group %s does not exist; %d line(s) of %s dropped", group_name, len(lines),
                         task.arn)
                return
            group = backend.create_log_group(group_name, {})
        if stream_name not in group.streams:
            group.create_log_stream(stream_name)
        stream = group.streams[stream_name]
        timestamp = int(self._cloud.clock.now() * 1000)
        last = stream.events[-1].timestamp if stream.events else 0
        timestamp = max(timestamp, last)
        messages = [m for line in lines for m in str(line).splitlines() or [""]]
        group.put_log_events(stream_name, [{"timestamp": timestamp, "message": m} for m in messages])


def install(cloud: LocalCloud, _args: argparse.Namespace) -> AwslogsWriter:
    writer = AwslogsWriter(cloud)
    cloud.observers.append(writer)
    return writer
