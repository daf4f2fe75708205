"""Find and read ``results.json`` files given as run folders or file paths."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from conformance.errors import ConfigurationError
from conformance.results import FORMAT_VERSION

logger = logging.getLogger(__name__)

RESULTS_NAME = "results.json"
# Top-level sections every results.json of format version 1 has.
REQUIRED_SECTIONS = (
    "format_version",
    "run",
    "spec",
    "workarounds",
    "verdict",
    "totals",
    "broken_requirements",
    "requirements",
    "operations",
    "tests",
    "failures",
)


class ReportError(ConfigurationError):
    """A run folder, results file or report input is missing, unreadable or invalid."""


def results_path(location: Path) -> Path:
    """Return the ``results.json`` of a run folder, or ``location`` itself if it is a file."""
    if location.is_dir():
        path = location / RESULTS_NAME
        if not path.is_file():
            raise ReportError(
                f"{location}: no {RESULTS_NAME} in this folder; pass a run folder such as "
                f"reports/20250101T000000Z or the path of a {RESULTS_NAME} file"
            )
        return path
    if location.is_file():
        return location
    raise ReportError(f"{location}: no such run folder or results file")


def load_results(location: Path) -> dict[str, Any]:
    """Read and check the ``results.json`` of a run folder or at a file path."""
    path = results_path(location)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read the results file: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}; "
            "the file was truncated or edited by hand"
        ) from None
    check_shape(data, path)
    return data


def check_shape(data: Any, path: Path) -> None:
    """Raise ``ReportError`` unless ``data`` looks like a results.json of a known version."""
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected a JSON object at the top level")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ReportError(
            f"{path}: format_version is {version!r}, this suite reads version {FORMAT_VERSION}; "
            "rebuild the report with the suite version that wrote the results"
        )
    missing = [key for key in REQUIRED_SECTIONS if key not in data]
    if missing:
        raise ReportError(f"{path}: missing section(s) {', '.join(missing)}")


def load_history(locations: list[Path]) -> list[dict[str, Any]]:
    """Read earlier runs for the trend chart, oldest first.

    Each location is a run folder, a results file, or a folder whose ``*.json``
    files or ``*/results.json`` files are earlier results. Unreadable files are
    logged and left out, because a broken history must not block a report.
    """
    paths: list[Path] = []
    for location in locations:
        if location.is_file():
            paths.append(location)
        elif (location / RESULTS_NAME).is_file():
            paths.append(location / RESULTS_NAME)
        elif location.is_dir():
            paths.extend(sorted(location.glob("*.json")))
            paths.extend(sorted(location.glob(f"*/{RESULTS_NAME}")))
        else:
            raise ReportError(f"{location}: no such history folder or results file")
    runs = []
    for path in paths:
        try:
            runs.append(load_results(path))
        except ReportError as exc:
            logger.warning("left out of the history: %s", exc)
    return sorted(runs, key=lambda run: str(run["run"].get("started", "")))
