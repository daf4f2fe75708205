"""Compare the suite's kills with plain Schemathesis on the same seeded faults.

For every seeded fault, and for the clean server once per seed, this script starts
``icm-conformance serve --fault NAME --port P`` on 127.0.0.1 and runs the Schemathesis CLI
against it. Schemathesis runs with all checks, every phase including the stateful one, the
demo customer's Basic credentials and the same example budget as the suite. It gets the
contract as the suite tests it: the published file with its known defects repaired
(``conformance.contract.load_contract``) and written to a temporary YAML file, because the
published file fails OpenAPI validation and its ``{$index}`` link expressions stop
Schemathesis from building the stateful tests.

Plain Schemathesis reports failures on the clean server too, so a variant counts as killed by
it only when its run shows a failure signature (failure code and operation) that no clean run
showed. The suite's side comes from a self-test JSON (``icm-conformance selftest --output``).

Usage::

    .venv/bin/python benchmarks/selftest_vs_schemathesis.py --examples 3 --seeds 3 \\
        --selftest selftest.json --output benchmarks/results/comparison.json
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import ServedServer

from conformance.config import DEMO_ACCOUNTS, DEMO_PASSWORD
from conformance.contract import load_contract
from conformance.paths import default_spec_path
from conformance.server.faults import FAULTS

logger = logging.getLogger(__name__)

ST_TIMEOUT_SECONDS = 900.0
PHASES = "examples,coverage,fuzzing,stateful"


@dataclass
class StRun:
    """One Schemathesis run against one server."""

    fault: str | None
    seed: int
    exit_code: int
    wall_time: float
    requests_served: int
    signatures: list[str] = field(default_factory=list)
    error: str | None = None


def write_effective_contract(path: Path) -> Path:
    """Write the repaired contract the suite tests with to ``path`` as YAML."""
    contract = load_contract(default_spec_path())
    path.write_text(
        yaml.safe_dump(contract.effective, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return path


def st_command(
    spec: Path,
    base_url: str,
    examples: int,
    seed: int,
    report: Path,
    config: Path | None = None,
) -> list[str]:
    """Return the Schemathesis command line for one run; ``config`` is a schemathesis.toml."""
    st = Path(sys.executable).with_name("st")
    credentials = f"{DEMO_ACCOUNTS['private']}:{DEMO_PASSWORD}"
    options = ["--config-file", str(config)] if config is not None else []
    return [
        str(st), *options, "run", str(spec),
        "--url", base_url,
        "--checks", "all",
        "--phases", PHASES,
        "--max-examples", str(examples),
        "--auth", credentials,
        "--seed", str(seed),
        "--workers", "1",
        "--report", "json",
        "--report-json-path", str(report),
        "--no-color",
    ]  # fmt: skip


def signatures_of(report_path: Path) -> list[str]:
    """Return ``CODE OPERATION`` for every failure in a Schemathesis JSON report."""
    if not report_path.exists():
        return []
    data = json.loads(report_path.read_text(encoding="utf-8"))
    found = {
        f"{failure.get('code')} {operation}"
        for failure in data.get("failures", [])
        for operation in failure.get("operations", [])
    }
    return sorted(found)


def write_customer_key_config(path: Path) -> Path:
    """Write a schemathesis.toml that sends "-" (the logged-in customer) as every CustomerKey.

    Without it Schemathesis draws random customer keys, and most operations respond with 404.
    """
    path.write_text('[parameters]\n"path.CustomerKey" = "-"\n', encoding="utf-8")
    return path


def run_st(
    fault: str | None,
    seed: int,
    examples: int,
    spec: Path,
    work: Path,
    config: Path | None = None,
) -> StRun:
    """Serve one variant, run Schemathesis against it, and stop the server."""
    label = fault or "clean"
    server = ServedServer(fault, log_path=work / f"{label}-{seed}.server.log", count_requests=True)
    report = work / f"{label}-{seed}.st.json"
    command = st_command(spec, server.base_url(), examples, seed, report, config)
    started = time.monotonic()
    with server, (work / f"{label}-{seed}.st.log").open("wb") as log:
        try:
            # Schemathesis keeps a cache folder in its working directory; keep it in ``work``.
            completed = subprocess.run(
                command, stdout=log, stderr=subprocess.STDOUT, timeout=ST_TIMEOUT_SECONDS, cwd=work
            )
            exit_code, error = completed.returncode, None
        except subprocess.TimeoutExpired:
            exit_code, error = -1, f"timed out after {ST_TIMEOUT_SECONDS} s"
        wall_time = time.monotonic() - started
        served = server.requests_served()
    logger.info("st against %s (seed %s): exit %s in %.1f s", label, seed, exit_code, wall_time)
    return StRun(fault, seed, exit_code, wall_time, served, signatures_of(report), error)


def compare(
    st_runs: list[StRun], selftest: dict[str, Any] | None, faults: list[str]
) -> dict[str, Any]:
    """Return the side-by-side table and the totals of both tools."""
    clean = [run for run in st_runs if run.fault is None]
    baseline = {signature for run in clean for signature in run.signatures}
    ours = {variant["name"]: variant for variant in (selftest or {}).get("variants", [])}
    rows = []
    for name in faults:
        runs = [run for run in st_runs if run.fault == name]
        new = sorted({s for run in runs for s in run.signatures} - baseline)
        rows.append(
            {
                "fault": name,
                "category": FAULTS[name].category,
                "st_killed": bool(new),
                "st_exit_codes": [run.exit_code for run in runs],
                "st_new_failures": new,
                "st_wall_time": round(sum(run.wall_time for run in runs), 1),
                "suite_status": ours.get(name, {}).get("status"),
                "suite_killed_by": ours.get(name, {}).get("killed_by", []),
            }
        )
    st_killed = sum(1 for row in rows if row["st_killed"])
    suite_killed = sum(1 for row in rows if row["suite_status"] == "killed")
    return {
        "variants": len(rows),
        "schemathesis": {
            "killed": st_killed,
            "killed_raw_exit_code": sum(1 for row in rows if any(row["st_exit_codes"])),
            "clean_runs": len(clean),
            "clean_runs_failing": sum(1 for run in clean if run.exit_code != 0),
            "clean_failure_signatures": sorted(baseline),
            "wall_time_total": round(sum(run.wall_time for run in st_runs), 1),
            "clean_wall_time": [round(run.wall_time, 1) for run in clean],
            "clean_requests_served": [run.requests_served for run in clean],
        },
        "suite": {
            "killed": suite_killed,
            "false_positives": (selftest or {}).get("summary", {}).get("false_positives"),
            "wall_time_total": (selftest or {}).get("wall_time"),
        },
        "ratio": round(suite_killed / st_killed, 2) if st_killed else None,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3, help="st --max-examples per run")
    parser.add_argument("--seeds", type=int, default=3, help="clean-server runs (seeds 1..N)")
    parser.add_argument("--faults", default="", help="comma-separated faults (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel")
    parser.add_argument("--selftest", type=Path, help="selftest JSON with the suite's results")
    parser.add_argument("--work-dir", type=Path, help="keep st reports and logs here")
    parser.add_argument("--output", type=Path, default=Path("comparison.json"))
    parser.add_argument(
        "--customer-key-dash",
        action="store_true",
        help='give Schemathesis a config that sends "-" as every CustomerKey',
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    faults = [name for name in args.faults.split(",") if name] or list(FAULTS)
    selftest = json.loads(args.selftest.read_text()) if args.selftest else None
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="st-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    spec = write_effective_contract(work / "customer-1.2.1.effective.yaml")
    config = (
        write_customer_key_config(work / "schemathesis.toml") if args.customer_key_dash else None
    )
    plan: list[tuple[str | None, int]] = [(None, seed) for seed in range(1, args.seeds + 1)]
    plan += [(name, 1) for name in faults]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        st_runs = list(
            pool.map(lambda item: run_st(item[0], item[1], args.examples, spec, work, config), plan)
        )
    result = {
        "examples": args.examples,
        "phases": PHASES,
        "customer_key_dash": args.customer_key_dash,
        "wall_time": round(time.monotonic() - started, 1),
        **compare(st_runs, selftest, faults),
        "st_runs": [asdict(run) for run in st_runs],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    summary = result["schemathesis"]
    print(
        f"Schemathesis killed {summary['killed']}/{result['variants']} "
        f"(exit code != 0: {summary['killed_raw_exit_code']}); clean runs failing "
        f"{summary['clean_runs_failing']}/{summary['clean_runs']}; suite killed "
        f"{result['suite']['killed']}; ratio {result['ratio']}; report {args.output}"
    )


if __name__ == "__main__":
    main()
