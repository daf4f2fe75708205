"""``icm-conformance selftest``: run the suite against every seeded fault and the clean server.

Exit codes: 0 when the clean server passed every run and the mutation score reached
--min-score, 1 otherwise, 2 for invalid options.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from conformance.selftest import (
    CLEAN,
    RunOutcome,
    SelftestOptions,
    SelftestReport,
    VariantResult,
    parse_faults,
    plan,
    run_selftest,
    seeds_from,
    variants_by_category,
    write_report,
)

_STATUS_STYLE = {"killed": "green", "survived": "red", "error": "magenta"}


@click.command("selftest")
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Generated cases per operation and mode in every run.",
)
@click.option(
    "--seeds",
    "seed_count",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Runs against the clean server, one per seed, to count false positives.",
)
@click.option(
    "--seed",
    "first_seed",
    type=int,
    default=1,
    show_default=True,
    help="First seed; the runs use consecutive seeds from here.",
)
@click.option(
    "--variant-seeds",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Runs per seeded fault (the first seeds); a fault is killed if any run finds it.",
)
@click.option(
    "--faults",
    metavar="A,B",
    default=None,
    help="Comma-separated seeded faults to test (default: all; see serve --list-faults).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Suite runs in parallel, each a process with its own embedded server.",
)
@click.option("-k", "keyword", default=None, help="pytest -k expression passed to every run.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("selftest.json"),
    show_default=True,
    help="JSON file that receives the full report.",
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the report folder and log of every run here (default: a temporary folder).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=0.95,
    show_default=True,
    help="Mutation score (killed / variants) below which the command exits with 1.",
)
@click.option("--no-progress", is_flag=True, help="Do not draw the progress bar.")
def selftest(
    examples: int,
    seed_count: int,
    first_seed: int,
    variant_seeds: int,
    faults: str | None,
    jobs: int,
    keyword: str | None,
    output: Path,
    work_dir: Path | None,
    min_score: float,
    no_progress: bool,
) -> None:
    """Prove the suite's power: kill every seeded fault, pass the clean server.

    Runs `icm-conformance run --server-fault NAME` for every seeded fault and
    the clean server over several seeds, then prints the mutation score.
    """
    try:
        options = SelftestOptions(
            examples=examples,
            seeds=seeds_from(first_seed, seed_count),
            variant_seeds=variant_seeds,
            faults=parse_faults(faults),
            jobs=jobs,
            keyword=keyword,
            work_dir=work_dir,
        )
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    console = Console(width=None if sys.stdout.isatty() else 160)
    report = _run_with_progress(console, options, show=not no_progress and console.is_terminal)
    print_report(console, report)
    write_report(report, output)
    console.print(f"Report: {output}")
    passed = report.false_positives == 0 and report.mutation_score >= min_score
    sys.exit(0 if passed else 1)


def _run_with_progress(console: Console, options: SelftestOptions, show: bool) -> SelftestReport:
    progress = Progress(
        TextColumn("[bold]self-test"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=True,
        disable=not show,
    )
    with progress:
        task = progress.add_task("runs", total=len(plan(options)), last="")

        def advance(outcome: RunOutcome) -> None:
            label = outcome.fault or CLEAN
            progress.update(task, advance=1, last=f"{label}: {outcome.verdict}")

        return run_selftest(options, progress=advance)


def print_report(console: Console, report: SelftestReport) -> None:
    """Print the clean-server runs, one row per variant and the summary line.

    The variant table lists the fault's expected requirements (missing ones in red), how many
    other requirements the run reported as broken, and the suite time until the first
    failing test ended.
    """
    console.print(_baseline_table(report))
    console.print(_variant_table(report))
    summary = report.summary()
    colour = "green" if summary["false_positives"] == 0 and not summary["survivors"] else "red"
    console.print(
        f"[bold {colour}]Mutation score {summary['mutation_score']:.1%}[/bold {colour}]: "
        f"{summary['killed']}/{summary['variants']} variants killed "
        f"({summary['killed_by_expected_requirement']} by an expected requirement), "
        f"{summary['survived']} survived, {summary['errors']} errors; "
        f"false positives {summary['false_positives']}/{summary['clean_runs']} clean runs; "
        f"wall time {report.wall_time:.0f} s with {report.options.jobs} jobs"
    )
    if summary["survivors"]:
        console.print(f"Survivors: {', '.join(summary['survivors'])}")


def _baseline_table(report: SelftestReport) -> Table:
    table = Table(title="Clean server", title_justify="left")
    for column in ("seed", "verdict", "broken requirements", "requests", "wall s"):
        table.add_column(column, justify="right" if column in ("requests", "wall s") else "left")
    for run in report.baseline:
        style = "green" if run.verdict == "conformant" else "red"
        table.add_row(
            str(run.seed),
            f"[{style}]{run.verdict}[/{style}]",
            ", ".join(run.broken_requirements) or run.error or "-",
            str(run.requests_sent),
            f"{run.wall_time:.1f}",
        )
    return table


def _variant_table(report: SelftestReport) -> Table:
    table = Table(title="Seeded faults", title_justify="left")
    for column in ("fault", "category", "status", "expected requirements", "others", "first s"):
        table.add_column(column, justify="right" if column in ("others", "first s") else "left")
    for variant in variants_by_category(report.variants):
        style = _STATUS_STYLE[variant.status]
        first = variant.first_failure_seconds
        status = variant.status
        if len(variant.runs) > 1:
            status += f" {variant.killing_runs}/{len(variant.runs)}"
        table.add_row(
            variant.fault.name,
            variant.fault.category,
            f"[{style}]{status}[/{style}]",
            _expected_cell(variant),
            str(len(variant.killed_by) - len(variant.expected_found)),
            f"{first:.1f}" if first is not None else "-",
        )
    return table


def _expected_cell(variant: VariantResult) -> str:
    """Show the expected requirements: found ones plain, missing ones in red."""
    found = list(variant.expected_found)
    missing = [f"[red]{requirement}[/red]" for requirement in variant.expected_missing]
    return ", ".join(found + missing)
