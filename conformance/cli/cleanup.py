"""``icm-conformance cleanup``: delete what earlier runs created and their ledgers still list.

Exit codes: 0 nothing left to remove, 1 some entities remain (listed), 2 usage
or configuration error, 3 target unreachable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from conformance.config import OPTIONS, Option, resolve, values_from_environment
from conformance.entities import CleanupReport, cleanup_ledger
from conformance.errors import ConformanceError
from conformance.ledger import LEDGER_NAME, Ledger, find_ledgers, ledgers_in
from conformance.target import Target

EXIT_CLEAN = 0
EXIT_REMAINING = 1
EXIT_USAGE = 2
# Settings that name the target and its logins; the others do not apply to a cleanup.
CLEANUP_OPTIONS = (
    "base-url",
    "business-base-url",
    "user",
    "admin-user",
    "buyer-user",
    "auth",
    "timeout",
    "rate-limit",
    "retries",
    "max-concurrency",
    "report-dir",
    "insecure",
)


def _click_option(option: Option) -> Any:
    if option.flag:
        return click.option(
            f"--{option.name}", option.dest, is_flag=True, default=None, help=option.help
        )
    return click.option(
        f"--{option.name}", option.dest, default=None, help=f"{option.help} [env: {option.env}]"
    )


def _with_options(function: Any) -> Any:
    for option in reversed([option for option in OPTIONS if option.name in CLEANUP_OPTIONS]):
        function = _click_option(option)(function)
    return function


@click.command("cleanup")
@click.argument(
    "report_dir", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@_with_options
@click.option("--dry-run", is_flag=True, help="List the open entries without deleting anything.")
def cleanup(report_dir: Path | None, dry_run: bool, **values: Any) -> None:
    """Delete the entities that the ledgers of earlier runs still list.

    REPORT_DIR is one run folder; without it, every run folder under --report-dir
    with open ledger entries is cleaned. Give the same target and accounts as for
    the run (passwords in ICM_PASSWORD, ICM_ADMIN_PASSWORD, ICM_BUYER_PASSWORD):
    each entity is deleted as the account that created it. Customers cannot be
    deleted through the Customer REST API; they are listed, not removed.
    """
    console = Console()
    from_options = {
        dest.removeprefix("icm_").replace("_", "-"): value
        for dest, value in values.items()
        if value is not None
    }
    raw = {**values_from_environment(), **from_options}
    try:
        settings = resolve(raw)
    except ConformanceError as exc:
        raise click.UsageError(str(exc)) from None
    if settings.embedded:
        raise click.UsageError(
            "cleanup needs the target the ledgers belong to: give --base-url (or ICM_BASE_URL) "
            "and the accounts of that run; the embedded server's data is gone when it stops"
        )
    ledgers = _ledgers(report_dir, settings.report_dir)
    if not ledgers:
        console.print("No ledger lists open entries; nothing to clean up.")
        sys.exit(EXIT_CLEAN)
    if dry_run:
        _print_open(console, ledgers)
        sys.exit(EXIT_CLEAN)
    assert settings.base_url is not None
    target = Target(settings, settings.base_url, settings.business_base_url or settings.base_url)
    try:
        target.probe()
    except ConformanceError as exc:
        console.print(f"[red]icm-conformance cleanup: {exc}[/red]")
        sys.exit(exc.exit_code)
    total = CleanupReport()
    for ledger in ledgers:
        report = cleanup_ledger(ledger, target)
        console.print(
            f"{ledger.path.parent}: deleted {len(report.deleted)}, "
            f"remaining {len(report.remaining)}, undeletable {len(report.undeletable)}"
        )
        total.extend(report)
    _print_left(console, total)
    sys.exit(EXIT_REMAINING if total.remaining else EXIT_CLEAN)


def _ledgers(report_dir: Path | None, report_root: Path) -> list[Ledger]:
    if report_dir is not None:
        ledgers = list(ledgers_in(report_dir))
        if not ledgers:
            raise click.UsageError(f"{report_dir} has no {LEDGER_NAME}; give a run folder")
        return ledgers
    return [ledger for ledger in find_ledgers(report_root) if ledger.open_entries()]


def _print_open(console: Console, ledgers: list[Ledger]) -> None:
    for ledger in ledgers:
        for entry in ledger.open_entries():
            console.print(
                f"{ledger.path.parent.name}: {entry.kind} {entry.url or entry.collection_url} "
                f"({entry.state}, {entry.role})"
            )


def _print_left(console: Console, report: CleanupReport) -> None:
    for entry in report.remaining:
        console.print(f"[red]not removed[/red]: {entry.kind} {entry.url} ({entry.note})")
    if report.undeletable:
        console.print(
            f"{len(report.undeletable)} customer(s) or entities the Customer REST API cannot "
            "delete remain; remove them in ICM's back office. On shared systems, run with "
            "--reuse-customers and a configured pool of test accounts."
        )
