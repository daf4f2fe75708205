"""Two pytest-split shards of a real run, merged, give the statuses of one whole run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SELECTION = "Address or Gift-Card"
SEED = "7"


def run_pytest(tmp_path: Path, report_dir: Path, *extra: str) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ICM_")}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--icm",
        "-p",
        "no:cacheprovider",
        "-q",
        "--icm-seed",
        SEED,
        "--icm-examples",
        "2",
        "--icm-report-dir",
        str(report_dir),
        "-k",
        SELECTION,
        *extra,
    ]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def only_results(report_dir: Path) -> Path:
    found = sorted(report_dir.glob("*/results.json"))
    assert len(found) == 1, found
    return found[0].parent


def statuses(run_dir: Path) -> dict[str, str]:
    data = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return {row["id"]: row["status"] for row in data["requirements"]}


@pytest.mark.slow
def test_merged_shards_equal_whole_run(tmp_path):
    run_pytest(tmp_path, tmp_path / "whole")
    run_pytest(tmp_path, tmp_path / "one", "--splits", "2", "--group", "1")
    run_pytest(tmp_path, tmp_path / "two", "--splits", "2", "--group", "2")
    merged = tmp_path / "merged"
    command = [
        sys.executable,
        "-m",
        "conformance",
        "merge",
        str(only_results(tmp_path / "one")),
        str(only_results(tmp_path / "two")),
        "-o",
        str(merged),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    whole = statuses(only_results(tmp_path / "whole"))
    combined = statuses(merged)
    assert combined == whole
    assert "passed" in set(whole.values())
    first = statuses(only_results(tmp_path / "one"))
    assert first != whole, "one shard alone should not cover what the whole run covers"
