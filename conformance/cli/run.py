"""``icm-conformance run``: the conformance session as one command with a summary table.

Exit codes: 0 conformant, 1 non-conformant, 2 usage or configuration error,
3 target unreachable or the suite itself failed.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from conformance.config import OPTIONS
from conformance.plugin import SESSION_KEY
from conformance.session import cleanup_lines

EXIT_CONFORMANT = 0
EXIT_NON_CONFORMANT = 1
EXIT_USAGE = 2
EXIT_SUITE_FAILED = 3
EXIT_INTERRUPTED = 130
_VERDICT_EXIT = {"conformant": EXIT_CONFORMANT, "non-conformant": EXIT_NON_CONFORMANT}
_STATUS_STYLE = {"passed": "green", "failed": "red", "error": "magenta", "skipped": "yellow"}


class RunObserver:
    """A pytest plugin that drives the progress bar and remembers the report folder."""

    def __init__(self, console: Console, show_progress: bool) -> None:
        self.console = console
        self.report_dir: Path | None = None
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}"),
            console=console,
            transient=True,
            disable=not show_progress,
        )
        self.task: Any = None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        session = config.stash.get(SESSION_KEY, None)
        if session is not None:
            self.report_dir = session.report_dir

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.progress.start()
        self.task = self.progress.add_task("testing", total=len(session.items), current="")

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        if self.task is not None:
            self.progress.update(self.task, current=nodeid)

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        if self.task is not None:
            self.progress.advance(self.task)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.progress.stop()


def _option_flags() -> list[Any]:
    """Build one click option per suite setting that may be given on the command line."""
    decorators = []
    for option in OPTIONS:
        if option.secret:
            continue
        if option.flag:
            decorators.append(
                click.option(
                    f"--{option.name}", option.dest, is_flag=True, default=None, help=option.help
                )
            )
        else:
            decorators.append(
                click.option(
                    f"--{option.name}",
                    option.dest,
                    type=option.kind if option.kind in (int, float) else str,
                    metavar=_metavar(option.kind),
                    default=None,
                    help=f"{option.help} [env: {option.env}]",
                )
            )
    return decorators


def _metavar(kind: type) -> str:
    return {int: "INTEGER", float: "NUMBER"}.get(kind, "TEXT")


def _with_options(function: Any) -> Any:
    for decorator in reversed(_option_flags()):
        function = decorator(function)
    return function


@click.command("run")
@_with_options
@click.option(
    "-k",
    "keyword",
    default=None,
    help="Run only tests whose id matches this pytest -k expression, e.g. 'Address and positive'.",
)
@click.option("--no-progress", is_flag=True, help="Do not draw the progress bar.")
@click.option(
    "--pytest-arg",
    "pytest_args",
    multiple=True,
    help="Pass one more argument to pytest (repeatable), e.g. --pytest-arg=-x.",
)
def run(
    keyword: str | None, no_progress: bool, pytest_args: tuple[str, ...], **values: Any
) -> None:
    """Run the conformance suite and print a table per operation.

    Without --base-url the suite starts the embedded reference server.
    Passwords come from ICM_PASSWORD, ICM_ADMIN_PASSWORD and ICM_BUYER_PASSWORD.
    """
    # A pipe or CI log gets a fixed width, so the table does not wrap at 80 columns.
    console = Console(stderr=False, width=None if sys.stdout.isatty() else 160)
    args = ["--icm", "-p", "no:cacheprovider"]
    if not pytest_args:
        # The table below replaces pytest's own report. Plugins such as pytest-split
        # need pytest's terminal writer, so extra pytest arguments keep it.
        args += ["-p", "no:terminal"]
    for option in OPTIONS:
        value = values.get(option.dest)
        if value is None:
            continue
        args.append(f"--icm-{option.name}" if option.flag else f"--icm-{option.name}={value}")
    if keyword:
        args += ["-k", keyword]
    args += list(pytest_args)
    observer = RunObserver(console, show_progress=not no_progress and console.is_terminal)
    # SIGTERM (a CI job cancelled, `kill`) takes pytest's Ctrl-C path, so the session
    # still removes what it created and restores the test accounts' profiles.
    signal.signal(signal.SIGTERM, _interrupt)
    exit_code = pytest.main(args, plugins=[observer])
    sys.exit(_finish(console, observer, int(exit_code)))


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _finish(console: Console, observer: RunObserver, pytest_exit: int) -> int:
    if pytest_exit == pytest.ExitCode.USAGE_ERROR:
        return EXIT_USAGE
    if pytest_exit == pytest.ExitCode.NO_TESTS_COLLECTED:
        console.print("[red]icm-conformance: no test matched the selection; check -k[/red]")
        return EXIT_USAGE
    if pytest_exit == pytest.ExitCode.INTERRUPTED:
        console.print("[red]icm-conformance: interrupted; the reports are incomplete[/red]")
        return EXIT_INTERRUPTED
    if observer.report_dir is None:
        return EXIT_SUITE_FAILED
    results_path = observer.report_dir / "results.json"
    if not results_path.exists():
        if pytest_exit == EXIT_SUITE_FAILED:
            return EXIT_SUITE_FAILED
        console.print(f"[red]icm-conformance: no results were written to {results_path}[/red]")
        return EXIT_SUITE_FAILED
    data = json.loads(results_path.read_text(encoding="utf-8"))
    print_summary(console, data, observer.report_dir)
    if pytest_exit == pytest.ExitCode.INTERRUPTED:
        return EXIT_SUITE_FAILED
    return _VERDICT_EXIT.get(data["verdict"], EXIT_SUITE_FAILED)


def print_summary(console: Console, data: dict[str, Any], report_dir: Path) -> None:
    """Print the table per operation, the broken requirements and where the reports are."""
    table = Table(
        title=f"{data['spec']['title']} {data['spec']['version']} — {data['run']['target']}",
        title_justify="left",
    )
    for column in ("operation", "operationId", "passed", "failed", "errors", "skipped"):
        table.add_column(
            column, justify="right" if column in _STATUS_STYLE or column == "errors" else "left"
        )
    for row in data["operations"]:
        style = _STATUS_STYLE.get(row["status"], "")
        table.add_row(
            row["key"],
            row["operation_id"],
            str(row["passed"]),
            f"[red]{row['failed']}[/red]" if row["failed"] else "0",
            f"[magenta]{row['error']}[/magenta]" if row["error"] else "0",
            f"[yellow]{row['skipped']}[/yellow]" if row["skipped"] else "0",
            style=style if style != "green" else None,
        )
    console.print(table)
    if data["workarounds"]:
        names = ", ".join(item["name"] for item in data["workarounds"])
        console.print(f"Workarounds for published defects: {names}")
    if not data["run"].get("embedded_server"):
        # The embedded server's data ends with the run; only a real target keeps leftovers.
        for line in cleanup_lines(data["run"]):
            console.print(f"[yellow]{line.removeprefix('icm-conformance: ')}[/yellow]")
    gaps = data.get("contract_gaps", [])
    if gaps:
        console.print(f"Contract gaps (reported, not failures): {len(gaps)}; see results.json")
    broken = [row for row in data["requirements"] if row["status"] == "failed"]
    if broken:
        console.print("[bold red]Broken requirements:[/bold red]")
        for row in broken:
            console.print(f"  [red]{row['id']}[/red] ({row['level']}) {row['text']}")
            for failure in data["failures"]:
                if row["id"] in failure["requirements"]:
                    console.print(
                        f"      {failure['test_id']}: {failure['title']} "
                        f"(HTTP {failure['status_code']})"
                    )
                    break
    totals = data["totals"]
    verdict = data["verdict"]
    colour = {"conformant": "green", "non-conformant": "red"}.get(verdict, "magenta")
    statuses = {row["status"] for row in data["requirements"]}
    passed_requirements = sum(1 for row in data["requirements"] if row["status"] == "passed")
    console.print(
        f"[bold {colour}]{verdict.upper()}[/bold {colour}]: {totals['passed']} passed, "
        f"{totals['failed']} failed, {totals['error']} errors, {totals['skipped']} skipped; "
        f"requirements {passed_requirements}/{len(data['requirements'])} passed"
        f"{', some untested' if 'skipped' in statuses else ''}; "
        f"{data['run']['requests_sent']} requests, seed {data['run']['seed']}"
    )
    console.print(f"Reports: {report_dir}")
