"""Runs moto's server in this process on 127.0.0.1, extended by the local cloud.

    python3 -m localcloud [--port 4566] [--seed 0] [--speed 1] [--auth] [--verbose]

Answers GET /_localcloud/health at once; prints one line "localcloud ready on
http://HOST:PORT ..." on stdout when AWS calls are served (health then says
"warm": true), and stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence

# Extensions, each a module with install(cloud, options). Order matters where
# one builds on another: request policies run in the order installed.
EXTENSIONS: tuple[str, ...] = (
    "localcloud.scenarios",
    "localcloud.ecs",
    "localcloud.counters",  # request policies: counters, then rates, then faults
    "localcloud.ratelimits",
    "localcloud.faults",
    "localcloud.auth",
    "localcloud.events",  # observers: ECS events on EventBridge, awslogs lines; alarm schedules; traffic
    "localcloud.logs",
    "localcloud.alarms",
    "localcloud.traffic",
    "localcloud.secrets",  # control route: secrets with an exact ARN
)

# moto services prepared right after start (see LocalCloud.warm_up): what Wharf uses.
WARM_SERVICES: tuple[str, ...] = (
    "ec2", "ecs", "elbv2", "ecr", "logs", "events", "sqs", "cloudwatch", "applicationautoscaling",
    "secretsmanager", "ssm", "iam", "sts",
)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m localcloud", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only by default)")
    parser.add_argument("--port", type=int, default=4566, help="port for AWS calls and the control endpoint")
    parser.add_argument("--seed", type=int, default=0, help="seed for ids, IPs and simulated choices")
    parser.add_argument("--speed", type=float, default=1.0, help="local-cloud clock speed (60: a minute per second)")
    parser.add_argument("--auth", action="store_true", help="check SigV4 signatures and IAM (moto's auth mode)")
    parser.add_argument("--credentials-file", default="", help="with --auth: where to write the created key (JSON)")
    parser.add_argument("--enforce-rates", action="store_true", help="throttle calls over AWS's published API rates")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.speed <= 0:
        parser.error("--speed must be > 0")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0..65535")
    return args


def build(args: argparse.Namespace):
    """The LocalCloud and its WSGI app; moto is imported here, after its settings are in the environment."""
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # Fargate needs no AMIs; saves start-up
    os.environ["MOTO_PORT"] = str(args.port)

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from localcloud.clock import SimClock
    from localcloud.cloud import LocalCloud
    from localcloud.middleware import Middleware

    cloud = LocalCloud(clock=SimClock(args.speed), seed=args.seed)
    cloud.reseed()
    dispatcher = DomainDispatcherApplication(create_backend_app)
    return cloud, dispatcher, Middleware(cloud, dispatcher)


def install_extensions(cloud, args: argparse.Namespace) -> None:
    """Imports and installs EXTENSIONS. Runs in the warm-up, after the server listens:
    the extensions import moto's service models (EC2's take ~1.2 s)."""
    for name in EXTENSIONS:
        importlib.import_module(name).install(cloud, args)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="localcloud: %(message)s")

    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *a, **k) -> None:  # noqa: D401 - werkzeug hook
            if args.verbose:
                super().log_request(*a, **k)

    cloud, dispatcher, app = build(args)
    try:
        server = make_server(args.host, args.port, app, threaded=True, request_handler=QuietHandler)
    except OSError as err:
        print(f"localcloud: cannot listen on {args.host}:{args.port}: {err.strerror}; "
              f"stop whatever holds the port or pass --port", file=sys.stderr)
        return 1
    port = server.server_address[1]

    def stop(_signum, _frame) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def warm_up() -> None:
        # The server answers /_localcloud/health from now on; AWS calls wait until this is done.
        cloud.warm_up(WARM_SERVICES, dispatcher, lambda: install_extensions(cloud, args))
        print(f"localcloud ready on http://{args.host}:{port} (seed {cloud.seed}, speed {cloud.clock.speed:g}"
              f"{', auth' if args.auth else ''})", flush=True)

    threading.Thread(target=warm_up, name="localcloud-warm", daemon=True).start()
    cloud.start_ticker()
    try:
        server.serve_forever(poll_interval=0.05)
    finally:
        cloud.stop_ticker()
        server.server_close()
    # Nothing is persisted: skip the interpreter's teardown of moto's object graph (~1 s).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
