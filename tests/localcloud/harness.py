"""Runs the local cloud as a child process for a test module and talks to it.

The local cloud is driven here with boto3 and its own control endpoint, never
with Wharf. One process per test class (start-up is well under 2 s); every test
starts from a reset, seeded cloud.

    class MyTest(LocalCloudTestCase):
        def test_x(self):
            ecs = self.client("ecs")
            self.control("POST", "clock", {"speed": 60})
            self.wait_for(lambda: ..., timeout=10, what="tasks RUNNING")
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCloudProcess:
    """`python3 -m localcloud` on a free loopback port, output kept in a temp file."""

    def __init__(self, *extra_args: str, env: dict[str, str] | None = None):
        self.extra_args = list(extra_args)
        self.env = env or {}
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log = tempfile.NamedTemporaryFile(prefix="localcloud-", suffix=".log", delete=False)
        self.startup_seconds = 0.0  # until it answers
        self.warm_seconds = 0.0  # until moto's backends are loaded (AWS calls answered at once)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
        env.update(self.env)
        for attempt in range(3):
            self.port = free_port()
            began = time.monotonic()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "localcloud", "--port", str(self.port), *self.extra_args],
                stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=REPO,
            )
            deadline = began + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    status, body = self.control("GET", "health")
                    if status == 200 and not self.startup_seconds:
                        self.startup_seconds = time.monotonic() - began
                    if status == 200 and body.get("warm"):
                        self.warm_seconds = time.monotonic() - began
                        return
                except OSError:
                    pass
                time.sleep(0.02)
            self.stop()
        raise RuntimeError(f"localcloud did not start; log:\n{self.output()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def close(self) -> None:
        """Stops the process and removes its log."""
        self.stop()
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass

    def output(self) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def control(self, method: str, path: str, body: Any = None, timeout: float = 10.0) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.endpoint}/_localcloud/{path.lstrip('/')}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def client(self, service: str, region: str = REGION, **kwargs: Any):
        import boto3
        from botocore.config import Config

        kwargs.setdefault("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE")
        kwargs.setdefault("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        config = kwargs.pop("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint, config=config, **kwargs)


class LocalCloudTestCase(unittest.TestCase):
    """One local cloud per class, reset to `seed` before each test."""

    launcher_args: tuple[str, ...] = ()
    seed = 7
    cloud: LocalCloudProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.cloud = LocalCloudProcess(*cls.launcher_args)
        cls.cloud.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.cloud.close()

    def setUp(self) -> None:
        status, body = self.control("POST", "reset", {"seed": self.seed})
        self.assertEqual(status, 200, body)

    def client(self, service: str, **kwargs: Any):
        return self.cloud.client(service, **kwargs)

    def control(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return self.cloud.control(method, path, body)

    def control_ok(self, method: str, path: str, body: Any = None) -> Any:
        status, value = self.control(method, path, body)
        self.assertEqual(status, 200, f"{method} {path}: {value}")
        return value

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition",
                 interval: float = 0.05) -> Any:
        """Polls `predicate` until it returns a truthy value (returned), failing after `timeout` s."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            last = predicate()
            if last:
                return last
            time.sleep(interval)
        self.fail(f"timed out after {timeout:g} s waiting for {what}; last value: {last!r}")

    # -- common fixtures ------------------------------------------------------

    def default_network(self) -> tuple[str, list[str], str]:
        """(vpc id, its subnet ids, a fresh security group id) of the default VPC."""
        ec2 = self.client("ec2")
        vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        subnets = [s["SubnetId"] for s in ec2.describe_subnets(
            Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
        sg = ec2.create_security_group(GroupName=f"tasks-{time.monotonic_ns()}", Description="tasks",
                                       VpcId=vpc)["GroupId"]
        return vpc, sorted(subnets), sg

    def fargate_task_definition(self, family: str = "web", image: str = "app:v1",
                                command: list[str] | None = None, port: int | None = 8000,
                                log_group: str | None = None) -> str:
        """Registers a Fargate task definition (task-level cpu/memory only, as on AWS); returns its ARN."""
        container: dict[str, Any] = {"name": family, "image": image, "essential": True}
        if command:
            container["command"] = command
        if port:
            container["portMappings"] = [{"containerPort": port, "protocol": "tcp"}]
        if log_group:
            container["logConfiguration"] = {"logDriver": "awslogs", "options": {
                "awslogs-group": log_group, "awslogs-region": REGION, "awslogs-stream-prefix": family}}
        return self.client("ecs").register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="256", memory="512", containerDefinitions=[container],
        )["taskDefinition"]["taskDefinitionArn"]
