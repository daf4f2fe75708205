"""``icm-conformance report``, ``verify``, ``compare`` and ``merge``: work on finished runs.

Exit codes: 0 success (bundle valid, no regression), 1 invalid bundle or a
failure the options do not allow, 2 usage error or unreadable input.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from conformance.errors import ConfigurationError
from conformance.reporting.bundle import (
    CERTIFICATION_NAME,
    JUNIT_NAME,
    RESULTS_NAME,
    SUMMARY_NAME,
    write_bundle_for,
)
from conformance.reporting.compare import compare_runs, format_comparison
from conformance.reporting.junit import merge_files
from conformance.reporting.loading import load_history, load_results, results_path
from conformance.reporting.merge import merge_results
from conformance.reporting.product import Product, load_product, parse_product
from conformance.reporting.verify import verify_bundle
from conformance.results import write_json

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

PATH = click.Path(path_type=Path)
EXISTING = click.Path(exists=True, path_type=Path)


class InputError(click.ClickException):
    """An input file or folder is missing or invalid; exits with code 2."""

    exit_code = EXIT_USAGE


def _history_option(function: Any) -> Any:
    return click.option(
        "--history",
        "history",
        multiple=True,
        type=EXISTING,
        help="Earlier run folder, results.json, or folder of them for the pass-rate chart "
        "(repeatable).",
    )(function)


def _product_option(function: Any) -> Any:
    return click.option(
        "--product-file",
        type=EXISTING,
        default=None,
        help="YAML product file with vendor, product, version, contact and target_environment "
        "(see docs/product-example.yaml).",
    )(function)


@click.command("report")
@click.argument("run_dir", type=EXISTING)
@_product_option
@_history_option
def report(run_dir: Path, product_file: Path | None, history: tuple[Path, ...]) -> None:
    """Rebuild summary.md, report.html and certification.json of RUN_DIR from its results.json.

    Without --product-file the product of an existing certification.json is kept.
    """
    try:
        data = load_results(run_dir)
        folder = results_path(run_dir).parent
        product = _product(product_file, folder)
        certification = write_bundle_for(
            folder, data, product=product, history=load_history(list(history))
        )
    except ConfigurationError as exc:
        raise InputError(str(exc)) from None
    click.echo(f"{folder}: {data['verdict']}, {certification['verdict']}")


def _product(product_file: Path | None, folder: Path) -> Product | None:
    """Return the product from the file given, else from the folder's certification.json."""
    if product_file is not None:
        return load_product(product_file)
    existing = folder / CERTIFICATION_NAME
    if not existing.is_file():
        return None
    try:
        recorded = json.loads(existing.read_text(encoding="utf-8")).get("product")
    except (OSError, ValueError, AttributeError) as exc:
        logger.warning(
            "%s: unreadable, so the rebuilt certificate names no product: %s", existing, exc
        )
        return None
    return parse_product(recorded, f"{existing} product") if recorded else None


@click.command("verify")
@click.argument("run_dir", type=PATH)
@click.option(
    "--require-certified",
    is_flag=True,
    help="Also treat a valid bundle whose verdict is NOT CERTIFIED as invalid.",
)
def verify(run_dir: Path, require_certified: bool) -> None:
    """Check the report bundle in RUN_DIR as a certification service would.

    Exits 0 if the bundle is valid, 1 if it is not, 2 if RUN_DIR is not a folder.
    """
    try:
        outcome = verify_bundle(run_dir, require_certified=require_certified)
    except ConfigurationError as exc:
        raise InputError(str(exc)) from None
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}")
    for problem in outcome.problems:
        click.echo(f"invalid: {problem}")
    state = "valid" if outcome.valid else f"INVALID ({len(outcome.problems)} problem(s))"
    click.echo(
        f"{run_dir}: bundle {state}, certification verdict "
        f"{outcome.certification_verdict or 'unknown'}"
    )
    sys.exit(EXIT_OK if outcome.valid else EXIT_FAILED)


@click.command("compare")
@click.argument("old_run", type=EXISTING)
@click.argument("new_run", type=EXISTING)
@click.option(
    "--fail-on-known/--allow-known",
    default=True,
    show_default=True,
    help="Whether failures already present in OLD_RUN fail the comparison. --allow-known "
    "passes known failures whose checks are unchanged; new failures always exit 1.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def compare(old_run: Path, new_run: Path, fail_on_known: bool, output_format: str) -> None:
    """List new, fixed and still failing failures between OLD_RUN and NEW_RUN.

    Each run is a run folder or a results.json. A failure is a requirement id with
    the test id that broke it. Exits 1 on any new failure, and on known failures
    unless --allow-known is given.
    """
    try:
        old = load_results(old_run)
        new = load_results(new_run)
    except ConfigurationError as exc:
        raise InputError(str(exc)) from None
    comparison = compare_runs(old, new)
    code = comparison.exit_code(allow_known=not fail_on_known)
    if output_format == "json":
        click.echo(json.dumps({**comparison.as_dict(), "exit_code": code}, indent=2))
    else:
        lines = format_comparison(
            comparison,
            _label(old, old_run),
            _label(new, new_run),
            markdown=output_format == "markdown",
        )
        click.echo("\n".join(lines))
        click.echo(
            f"\nResult: {len(comparison.new)} new, {len(comparison.fixed)} fixed, "
            f"{len(comparison.known)} still failing; exit {code}"
        )
    sys.exit(code)


def _label(data: dict[str, Any], location: Path) -> str:
    return f"{location} (run {data['run'].get('run_id')}, {data['run'].get('started')})"


@click.command("merge")
@click.argument("run_dirs", nargs=-1, required=True, type=EXISTING)
@click.option(
    "--output",
    "-o",
    "output",
    type=PATH,
    required=True,
    help="Folder that receives the merged results.json, junit.xml and bundle.",
)
@click.option("--force", is_flag=True, help="Overwrite a results.json already in --output.")
@_product_option
@_history_option
def merge(
    run_dirs: tuple[Path, ...],
    output: Path,
    force: bool,
    product_file: Path | None,
    history: tuple[Path, ...],
) -> None:
    """Merge the shards RUN_DIRS of one split or distributed run into one bundle.

    The shards must share the contract digest, seed, mode and -k expression.
    A requirement's status only rises across shards:
    skipped < passed < error < failed.
    """
    if (output / RESULTS_NAME).exists() and not force:
        raise InputError(
            f"{output / RESULTS_NAME} exists; pass --force to overwrite it "
            "or choose another --output folder"
        )
    try:
        shards = [(str(location), load_results(location)) for location in run_dirs]
        merged = merge_results(shards)
        product = load_product(product_file) if product_file is not None else None
        past = load_history(list(history))
    except ConfigurationError as exc:
        raise InputError(str(exc)) from None
    output.mkdir(parents=True, exist_ok=True)
    write_json(output / RESULTS_NAME, merged)
    junit_files = [results_path(location).parent / JUNIT_NAME for location in run_dirs]
    present = [path for path in junit_files if path.is_file()]
    if present:
        merge_files(present, output / JUNIT_NAME)
    else:
        click.echo(
            f"warning: no shard has a {JUNIT_NAME}; the merged bundle will not verify", err=True
        )
    certification = write_bundle_for(output, merged, product=product, history=past)
    totals = merged["totals"]
    click.echo(
        f"{output}: merged {len(shards)} shard(s), {len(merged['tests'])} tests "
        f"({totals['passed']} passed, {totals['failed']} failed, {totals['error']} "
        f"errored, {totals['skipped']} skipped): {merged['verdict']}, "
        f"{certification['verdict']}; summary in {output / SUMMARY_NAME}"
    )
