"""Test the CI templates: valid YAML with the expected jobs, and merge steps that run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from results_factory import all_test_ids, build_results, failing_outcomes, write_run

REPOSITORY = Path(__file__).resolve().parents[2]
GITHUB = REPOSITORY / ".github" / "workflows" / "nightly-conformance.yml"
GITLAB = REPOSITORY / "ci" / "gitlab-nightly-conformance.yml"
SECRETS = (
    "ICM_BASE_URL",
    "ICM_USER",
    "ICM_PASSWORD",
    "ICM_ADMIN_USER",
    "ICM_ADMIN_PASSWORD",
    "ICM_BUYER_USER",
    "ICM_BUYER_PASSWORD",
)


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_github_triggers() -> None:
    workflow = load(GITHUB)
    # YAML 1.1 reads the key "on" as True.
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers


def test_github_shards_use_secrets_and_split() -> None:
    workflow = load(GITHUB)
    shard = workflow["jobs"]["shard"]
    assert shard["strategy"]["matrix"]["group"] == [1, 2, 3]
    assert int(workflow["env"]["SHARDS"]) == len(shard["strategy"]["matrix"]["group"])
    for name in SECRETS:
        assert shard["env"][name] == f"${{{{ secrets.{name} }}}}", name
    scripts = "\n".join(step.get("run", "") for step in shard["steps"])
    assert 'pytest --icm --splits "${SHARDS}" --group "${{ matrix.group }}"' in scripts
    uploads = [step for step in shard["steps"] if "upload-artifact" in step.get("uses", "")]
    assert uploads[0]["if"] == "always()"


def test_github_merge_job_reports_and_compares() -> None:
    merge = load(GITHUB)["jobs"]["merge"]
    assert merge["needs"] == "shard"
    uses = [step.get("uses", "") for step in merge["steps"]]
    assert any(use.startswith("actions/download-artifact") for use in uses)
    assert any(use.startswith("actions/cache/restore") for use in uses)
    assert any(use.startswith("actions/cache/save") for use in uses)
    scripts = "\n".join(step.get("run", "") for step in merge["steps"])
    assert "icm-conformance merge" in scripts
    assert "icm-conformance verify merged" in scripts
    assert "icm-conformance compare" in scripts
    assert 'cat merged/summary.md >> "$GITHUB_STEP_SUMMARY"' in scripts


def test_gitlab_jobs() -> None:
    pipeline = load(GITLAB)
    shard = pipeline["conformance"]
    assert shard["parallel"] == 3
    assert "reports/" in shard["artifacts"]["paths"]
    assert shard["artifacts"]["when"] == "always"
    assert '--splits "$CI_NODE_TOTAL" --group "$CI_NODE_INDEX"' in " ".join(shard["script"])
    rules = pipeline[".conformance-rules"]["rules"]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in rules
    report = pipeline["conformance-report"]
    assert report["needs"][0]["job"] == "conformance"
    script = "\n".join(report["script"])
    assert "icm-conformance merge" in script
    assert "icm-conformance compare" in script
    assert report["artifacts"]["reports"]["junit"] == "merged/junit.xml"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_github_merge_steps_run(tmp_path: Path) -> None:
    """Run the merge job's shell steps on two fixture shards, for two nights."""
    total = len(all_test_ids())
    for group in (1, 2):
        outcomes = failing_outcomes()
        outcomes.only = set(all_test_ids()[group - 1 :: 2])
        extra = {
            "collected": total,
            "deselected": total - len(outcomes.only),
            "split": {"splits": 2, "group": group},
        }
        write_run(
            tmp_path / "shards" / f"conformance-shard-{group}" / "20250101T020000Z",
            build_results(outcomes, run_extra=extra),
        )
    steps = [
        step
        for step in load(GITHUB)["jobs"]["merge"]["steps"]
        if "run" in step and not step["name"].startswith("Install")
    ]
    first = _run_night(steps, tmp_path, run_id="1001")
    assert first["Compare with the previous night"].returncode == 1
    assert "judging tonight's verdict alone" in first["Compare with the previous night"].stdout
    shutil.rmtree(tmp_path / "merged")
    second = _run_night(steps, tmp_path, run_id="1002")
    for name, result in second.items():
        if name != "Compare with the previous night":
            assert result.returncode == 0, (name, result.stderr)
    compare = second["Compare with the previous night"]
    assert compare.returncode == 1
    assert "### Still failing (3, 0 with other checks)" in compare.stdout
    summary = (tmp_path / "step-summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ICM conformance: NON-CONFORMANT")
    assert len(list((tmp_path / "conformance-history").glob("*.json"))) == 2


def _run_night(steps: list[dict[str, Any]], folder: Path, run_id: str) -> dict[str, Any]:
    bin_dir = str(Path(sys.executable).parent)
    outputs: dict[str, str] = {}
    results = {}
    for step in steps:
        environment = dict(
            os.environ,
            PATH=bin_dir + os.pathsep + os.environ["PATH"],
            GITHUB_STEP_SUMMARY=str(folder / "step-summary.md"),
            GITHUB_OUTPUT=str(folder / "step-output"),
        )
        for name, value in (step.get("env") or {}).items():
            environment[name] = outputs.get("previous", "") if "steps.history" in value else ""
        (folder / "step-output").write_text("", encoding="utf-8")
        results[step["name"]] = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        for line in (folder / "step-output").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
    return results
