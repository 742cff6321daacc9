#!/usr/bin/env python3
"""Start-up, reset and stop times of the local cloud (medians over N runs).

    python3 bench/localcloud_bench.py [--runs 5]

Prints, per run and as medians: time until /_localcloud/health answers, until it
is warm (AWS calls served), a reset, the first EC2 call after a reset (moto
rebuilds EC2 with its default VPC), and stop after SIGTERM. Goal: serving AWS
calls (warm) within 2 s. Run it on a quiet machine; it says what machine it ran on.
"""

import argparse
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "localcloud"))

from harness import LocalCloudProcess  # noqa: E402


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def one_run() -> dict[str, float]:
    cloud = LocalCloudProcess()
    cloud.start()
    result = {"answers_s": cloud.startup_seconds, "warm_s": cloud.warm_seconds}
    began = time.monotonic()
    cloud.control("POST", "reset", {"seed": 1})
    result["reset_s"] = time.monotonic() - began
    ec2 = cloud.client("ec2")
    began = time.monotonic()
    ec2.describe_vpcs()
    result["first_ec2_call_s"] = time.monotonic() - began
    began = time.monotonic()
    cloud.stop()
    result["stop_s"] = time.monotonic() - began
    cloud.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, load average {os.getloadavg()[0]:.2f}")
    runs = []
    for i in range(args.runs):
        runs.append(one_run())
        print(f"run {i + 1}: " + "  ".join(f"{k} {v:.3f}" for k, v in runs[-1].items()), flush=True)
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print("median: " + "  ".join(f"{k} {v:.3f}" for k, v in medians.items()))
    for key in ("answers_s", "warm_s"):
        print(f"{key} against the 2 s start-up goal: {medians[key] / 2.0:.2f} of the budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
