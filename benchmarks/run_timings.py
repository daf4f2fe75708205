"""Time the suite and plain Schemathesis on the clean reference server, one run after another.

Measures, each in its own process and one at a time:

- ``suite-N``: ``icm-conformance run --examples N`` (embedded server), wall time and the
  requests it sent (``run.requests_sent`` of results.json);
- ``schemathesis-N``: ``st run`` with all checks and ``--max-examples N`` against
  ``icm-conformance serve`` (requests counted from the server's request log);
- ``suite-default``: ``icm-conformance run`` with default options;
- ``pytest-xdist``: ``pytest --icm -n 2`` with default options.

Usage::

    .venv/bin/python benchmarks/run_timings.py --examples 3 --output timings.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from selftest_vs_schemathesis import run_st, write_effective_contract

VENV_BIN = Path(sys.executable).parent
TIMEOUT_SECONDS = 1800.0


def _environment() -> dict[str, str]:
    # ICM_* variables could point a run at a real target; the benchmarks use the embedded one.
    return {name: value for name, value in os.environ.items() if not name.startswith("ICM_")}


def _timed(command: list[str], log: Path) -> tuple[int, float]:
    started = time.monotonic()
    with log.open("wb") as output:
        completed = subprocess.run(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=_environment(),
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    return completed.returncode, time.monotonic() - started


def _results(report_root: Path) -> dict[str, Any]:
    found = sorted(report_root.glob("**/results.json"))
    if not found:
        raise RuntimeError(f"no results.json below {report_root}")
    return dict(json.loads(found[-1].read_text(encoding="utf-8")))


def suite_run(label: str, extra: list[str], work: Path, pytest_xdist: bool = False) -> dict:
    """Run the suite once and return wall time, requests and verdict."""
    report_root = work / label
    if pytest_xdist:
        command = [str(VENV_BIN / "pytest"), "--icm", "-n", "2", "-p", "no:cacheprovider", "-q"]
        command += [f"--icm-report-dir={report_root}", *extra]
    else:
        command = [sys.executable, "-m", "conformance", "run", "--no-progress"]
        command += ["--report-dir", str(report_root), *extra]
    exit_code, wall = _timed(command, work / f"{label}.log")
    data = _results(report_root)
    requests = int(data["run"]["requests_sent"])
    return {
        "label": label,
        "command": " ".join(command[1:] if not pytest_xdist else command),
        "exit_code": exit_code,
        "verdict": data["verdict"],
        "tests": sum(data["totals"].values()),
        "wall_time": round(wall, 1),
        "requests": requests,
        "requests_per_second": round(requests / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3, help="budget of the compared runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=Path("timings.json"))
    parser.add_argument("--skip-default", action="store_true", help="skip the default-run timings")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="icm-timings-"))
    budget = ["--examples", str(args.examples), "--seed", str(args.seed)]
    rows = [suite_run(f"suite-{args.examples}", budget, work)]
    spec = write_effective_contract(work / "customer-1.2.1.effective.yaml")
    st = run_st(None, args.seed, args.examples, spec, work)
    rows.append(
        {
            "label": f"schemathesis-{args.examples}",
            "exit_code": st.exit_code,
            "wall_time": round(st.wall_time, 1),
            "requests": st.requests_served,
            "requests_per_second": round(st.requests_served / st.wall_time, 1),
        }
    )

    if not args.skip_default:
        rows.append(suite_run("suite-default", ["--seed", str(args.seed)], work))
        seed = [f"--icm-seed={args.seed}"]
        rows.append(suite_run("pytest-xdist-2", seed, work, pytest_xdist=True))

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    for row in rows:
        print(
            f"{row['label']:<18} exit {row['exit_code']}  {row['wall_time']:>7.1f} s  "
            f"{row['requests']:>6} requests  {row['requests_per_second']:>7.1f} req/s"
        )


if __name__ == "__main__":
    main()
