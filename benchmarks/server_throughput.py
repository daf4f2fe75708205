"""Measure the reference server's throughput on loopback with a bounded thread-pool client.

Starts ``icm-conformance serve`` in a child process on 127.0.0.1 and sends ``--requests``
authenticated GET requests from ``--threads`` threads, stopping early after ``--max-seconds``.
Reports requests per second and latency percentiles as JSON.

Usage::

    .venv/bin/python benchmarks/server_throughput.py --requests 3000 --threads 8
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import ServedServer

from conformance.config import DEMO_ACCOUNTS, DEMO_PASSWORD

# Paths below the B2C base URL: a profile read and a list read of the demo customer.
PATHS = ("/privatecustomers/-", "/privatecustomers/-/addresses")
MAX_REQUESTS = 100_000
MAX_SECONDS = 300.0


def _worker(
    base_url: str, count: int, deadline: float, latencies: list[float], lock: threading.Lock
) -> int:
    """Send up to ``count`` requests before ``deadline``; return how many got a 200."""
    session = requests.Session()
    session.trust_env = False  # loopback only, never through a proxy
    session.auth = (DEMO_ACCOUNTS["private"], DEMO_PASSWORD)
    ok = 0
    own: list[float] = []
    for index in range(count):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        response = session.get(base_url + PATHS[index % len(PATHS)], timeout=10)
        own.append(time.perf_counter() - started)
        ok += response.status_code == 200
    with lock:
        latencies.extend(own)
    session.close()
    return ok


def measure(total: int, threads: int, max_seconds: float) -> dict[str, Any]:
    """Serve the clean server and measure ``total`` requests from ``threads`` threads."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = [total // threads + (1 if i < total % threads else 0) for i in range(threads)]
    with ServedServer() as server:
        base_url = server.base_url()
        started = time.monotonic()
        deadline = started + max_seconds
        with ThreadPoolExecutor(max_workers=threads) as pool:
            ok = sum(
                pool.map(
                    lambda count: _worker(base_url, count, deadline, latencies, lock), per_thread
                )
            )
        elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "ok": ok,
        "threads": threads,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(statistics.median(ordered) * 1000, 2),
            "p95": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
            "max": round(ordered[-1] * 1000, 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests in total")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop sending after")
    parser.add_argument("--output", type=Path, help="also write the result as JSON here")
    args = parser.parse_args()
    if not 1 <= args.requests <= MAX_REQUESTS or not 0 < args.max_seconds <= MAX_SECONDS:
        parser.error(
            f"--requests must be 1..{MAX_REQUESTS} and --max-seconds 0..{MAX_SECONDS}, "
            f"got {args.requests} and {args.max_seconds}"
        )
    result = measure(args.requests, max(1, args.threads), args.max_seconds)
    text = json.dumps(result, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
