"""Measure the suite's power: run it against the clean reference server and every seeded fault.

Each run is a subprocess ``python -m conformance run --server-fault NAME ...`` with its own
embedded server, so runs share nothing and can go in parallel. A seeded fault is *killed*
when the run's verdict is non-conformant, and *survives* when the run finds it conformant. A
clean-server run that is not conformant is a *false positive*. The mutation score is killed
variants divided by all variants.

Runs against the clean server use every seed given. A variant uses the first
``variant_seeds`` of them, and it counts as killed when any of its runs is non-conformant.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.server.faults import FAULTS, Fault

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
EXIT_NON_CONFORMANT = 1
# Room for one run with a large example budget; a run that takes longer counts as an error.
RUN_TIMEOUT_SECONDS = 1800.0
CLEAN = "(clean server)"


@dataclass(frozen=True)
class SelftestOptions:
    """Options of a self-test: example budget, seeds, variants and parallel jobs."""

    examples: int = 3
    seeds: tuple[int, ...] = (1, 2, 3)
    variant_seeds: int = 1
    faults: tuple[str, ...] = tuple(FAULTS)
    jobs: int = 2
    keyword: str | None = None
    work_dir: Path | None = None
    timeout: float = RUN_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        unknown = [name for name in self.faults if name not in FAULTS]
        if unknown:
            raise ValueError(
                f"unknown faults {', '.join(unknown)}; `icm-conformance serve --list-faults` "
                "lists the known ones"
            )
        if not self.seeds:
            raise ValueError("at least one seed is needed for the clean-server runs")
        if not 1 <= self.variant_seeds <= len(self.seeds):
            raise ValueError(
                f"variant_seeds must be from 1 to {len(self.seeds)} (the number of seeds), "
                f"got {self.variant_seeds}"
            )
        if self.jobs < 1 or self.examples < 1:
            raise ValueError(
                f"jobs and examples must be at least 1, got {self.jobs}, {self.examples}"
            )


@dataclass
class RunOutcome:
    """One run of the suite: against which server, with which seed, and what it found."""

    fault: str | None
    seed: int
    exit_code: int
    verdict: str
    broken_requirements: list[str]
    wall_time: float
    requests_sent: int = 0
    tests: int = 0
    failed_tests: int = 0
    # Suite time (sum of the test durations in run order) until the first failing test ended.
    first_failure_seconds: float | None = None
    first_failure_test: str | None = None
    report_dir: str | None = None
    error: str | None = None

    @property
    def non_conformant(self) -> bool:
        return self.exit_code == EXIT_NON_CONFORMANT and self.verdict == "non-conformant"


@dataclass
class VariantResult:
    """All runs against one seeded fault and what they add up to."""

    fault: Fault
    runs: list[RunOutcome] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Return ``killed``, ``survived`` or ``error`` (no run finished with a verdict)."""
        if any(run.non_conformant for run in self.runs):
            return "killed"
        if all(run.verdict == "conformant" for run in self.runs):
            return "survived"
        return "error"

    @property
    def killing_runs(self) -> int:
        """Return how many of the variant's runs found it (one per seed)."""
        return sum(1 for run in self.runs if run.non_conformant)

    @property
    def killed_by(self) -> list[str]:
        """Return the requirement ids that any run reported as broken."""
        return sorted({req for run in self.runs for req in run.broken_requirements})

    @property
    def expected_found(self) -> list[str]:
        return [req for req in self.fault.catches if req in self.killed_by]

    @property
    def expected_missing(self) -> list[str]:
        return [req for req in self.fault.catches if req not in self.killed_by]

    @property
    def first_failure_seconds(self) -> float | None:
        times = [run.first_failure_seconds for run in self.runs if run.non_conformant]
        return min((value for value in times if value is not None), default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.fault.name,
            "category": self.fault.category,
            "description": self.fault.description,
            "catches": list(self.fault.catches),
            "status": self.status,
            "killing_runs": self.killing_runs,
            "killed_by": self.killed_by,
            "expected_found": self.expected_found,
            "expected_missing": self.expected_missing,
            "first_failure_seconds": self.first_failure_seconds,
            "runs": [asdict(run) for run in self.runs],
        }


@dataclass
class SelftestReport:
    """The outcome of a self-test: clean-server runs, variant results and their summary."""

    options: SelftestOptions
    baseline: list[RunOutcome]
    variants: list[VariantResult]
    started: str
    wall_time: float

    @property
    def killed(self) -> int:
        return sum(1 for variant in self.variants if variant.status == "killed")

    @property
    def mutation_score(self) -> float:
        return self.killed / len(self.variants) if self.variants else 0.0

    @property
    def false_positives(self) -> int:
        return sum(1 for run in self.baseline if run.verdict != "conformant")

    @property
    def expected_caught(self) -> int:
        """Return how many killed variants were caught by at least one expected requirement."""
        return sum(
            1 for variant in self.variants if variant.status == "killed" and variant.expected_found
        )

    def summary(self) -> dict[str, Any]:
        statuses = [variant.status for variant in self.variants]
        return {
            "variants": len(self.variants),
            "killed": statuses.count("killed"),
            "survived": statuses.count("survived"),
            "errors": statuses.count("error"),
            "mutation_score": round(self.mutation_score, 4),
            "killed_by_expected_requirement": self.expected_caught,
            "clean_runs": len(self.baseline),
            "false_positives": self.false_positives,
            "survivors": [v.fault.name for v in self.variants if v.status != "killed"],
        }

    def to_json(self) -> dict[str, Any]:
        options = asdict(self.options)
        options["work_dir"] = str(self.options.work_dir) if self.options.work_dir else None
        return {
            "format_version": FORMAT_VERSION,
            "started": self.started,
            "wall_time": round(self.wall_time, 1),
            "python": sys.version.split()[0],
            "options": options,
            "summary": self.summary(),
            "baseline": [asdict(run) for run in self.baseline],
            "variants": [variant.as_dict() for variant in self.variants],
        }


def suite_command(
    fault: str | None, seed: int, examples: int, report_dir: Path, keyword: str | None = None
) -> list[str]:
    """Return the command line of one suite run against the embedded server."""
    command = [sys.executable, "-m", "conformance", "run", "--no-progress"]
    command += ["--examples", str(examples), "--seed", str(seed)]
    command += ["--report-dir", str(report_dir)]
    if fault is not None:
        command += ["--server-fault", fault]
    if keyword:
        command += ["-k", keyword]
    return command


def child_environment() -> dict[str, str]:
    """Return this process's environment without ICM_* settings.

    A variable such as ICM_BASE_URL would point the run at a real target instead of the
    embedded server, and ICM_SERVER_FAULT would change the variant under test.
    """
    return {name: value for name, value in os.environ.items() if not name.startswith("ICM_")}


def run_suite(
    fault: str | None,
    seed: int,
    options: SelftestOptions,
    work_dir: Path,
) -> RunOutcome:
    """Run the suite once in a subprocess and read its results."""
    label = fault or "clean"
    report_root = work_dir / f"{label}-seed{seed}"
    command = suite_command(fault, seed, options.examples, report_root, options.keyword)
    started = time.monotonic()
    log_path = work_dir / f"{label}-seed{seed}.log"
    try:
        with log_path.open("wb") as log:
            completed = subprocess.run(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=child_environment(),
                timeout=options.timeout,
                check=False,
            )
    except subprocess.TimeoutExpired:
        logger.error("Suite run against %s (seed %s) timed out", label, seed)
        return RunOutcome(
            fault,
            seed,
            -1,
            "timeout",
            [],
            time.monotonic() - started,
            error=f"timed out after {options.timeout} s; see {log_path}",
        )
    wall_time = time.monotonic() - started
    return read_outcome(fault, seed, completed.returncode, wall_time, report_root, log_path)


def read_outcome(
    fault: str | None,
    seed: int,
    exit_code: int,
    wall_time: float,
    report_root: Path,
    log_path: Path,
) -> RunOutcome:
    """Build a ``RunOutcome`` from the report folder a run wrote below ``report_root``."""
    results = sorted(report_root.glob("*/results.json"))
    if not results:
        logger.error("Suite run against %s wrote no results.json; see %s", fault, log_path)
        return RunOutcome(
            fault,
            seed,
            exit_code,
            "error",
            [],
            wall_time,
            error=f"no results.json below {report_root}; see {log_path}",
        )
    data = json.loads(results[-1].read_text(encoding="utf-8"))
    first_seconds, first_test = first_failure(results[-1].parent / "junit.xml")
    totals = data.get("totals", {})
    return RunOutcome(
        fault=fault,
        seed=seed,
        exit_code=exit_code,
        verdict=str(data.get("verdict")),
        broken_requirements=list(data.get("broken_requirements", [])),
        wall_time=wall_time,
        requests_sent=int(data.get("run", {}).get("requests_sent", 0)),
        tests=sum(int(value) for value in totals.values()),
        failed_tests=int(totals.get("failed", 0)),
        first_failure_seconds=first_seconds,
        first_failure_test=first_test,
        report_dir=str(results[-1].parent),
    )


def first_failure(junit_path: Path) -> tuple[float | None, str | None]:
    """Return the suite time until the first failing test ended, and that test's id.

    pytest writes the test cases of ``junit.xml`` in the order they ran, each with its
    duration, so the sum of durations up to the first failure is the time to find it
    (start-up of the session and server not included).
    """
    if not junit_path.exists():
        return None, None
    elapsed = 0.0
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        elapsed += float(case.get("time", "0") or 0)
        if case.find("failure") is not None:
            test_id = f"{case.get('classname', '').replace('.', '::')}::{case.get('name')}"
            return round(elapsed, 3), test_id
    return None, None


def plan(options: SelftestOptions) -> list[tuple[str | None, int]]:
    """Return the (fault, seed) runs to make: the clean server first, then every variant."""
    runs: list[tuple[str | None, int]] = [(None, seed) for seed in options.seeds]
    for name in options.faults:
        runs += [(name, seed) for seed in options.seeds[: options.variant_seeds]]
    return runs


def run_selftest(
    options: SelftestOptions,
    progress: Callable[[RunOutcome], None] | None = None,
) -> SelftestReport:
    """Run every planned suite run, ``options.jobs`` at a time, and collect the report."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.monotonic()
    if options.work_dir is not None:
        options.work_dir.mkdir(parents=True, exist_ok=True)
        outcomes = _run_all(options, options.work_dir, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="icm-selftest-") as temporary:
            outcomes = _run_all(options, Path(temporary), progress)
    baseline = [run for run in outcomes if run.fault is None]
    variants = {name: VariantResult(FAULTS[name]) for name in options.faults}
    for run in outcomes:
        if run.fault is not None:
            variants[run.fault].runs.append(run)
    for variant in variants.values():
        variant.runs.sort(key=lambda run: run.seed)
    baseline.sort(key=lambda run: run.seed)
    return SelftestReport(
        options, baseline, list(variants.values()), started_at, time.monotonic() - started
    )


def _run_all(
    options: SelftestOptions,
    work_dir: Path,
    progress: Callable[[RunOutcome], None] | None,
) -> list[RunOutcome]:
    outcomes: list[RunOutcome] = []
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        futures = [
            pool.submit(run_suite, fault, seed, options, work_dir) for fault, seed in plan(options)
        ]
        for future in as_completed(futures):
            outcome = future.result()
            logger.info(
                "Run against %s (seed %s): %s in %.1f s",
                outcome.fault or CLEAN,
                outcome.seed,
                outcome.verdict,
                outcome.wall_time,
            )
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return outcomes


def parse_faults(text: str | None) -> tuple[str, ...]:
    """Return the fault names of a comma-separated list; all faults for None or empty text."""
    if not text:
        return tuple(FAULTS)
    return tuple(name.strip() for name in text.split(",") if name.strip())


def seeds_from(first: int, count: int) -> tuple[int, ...]:
    """Return ``count`` consecutive seeds starting at ``first``."""
    return tuple(range(first, first + count))


def write_report(report: SelftestReport, path: Path) -> None:
    """Write the report as indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")


def variants_by_category(variants: Sequence[VariantResult]) -> list[VariantResult]:
    """Return the variants ordered by category (catalogue order), then by name."""
    from conformance.server.faults import CATEGORIES

    order = {category: index for index, category in enumerate(CATEGORIES)}
    return sorted(variants, key=lambda v: (order.get(v.fault.category, 99), v.fault.name))
