"""``certification.json``: who tested what, with which suite, and whether it is certified.

A run is CERTIFIED only if every rule in ``certification_reasons`` holds;
each broken rule becomes one reason with a stable code and the ids involved.
docs/report-format.md lists the rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from conformance.paths import default_spec_path
from conformance.reporting.digest import canonical_sha256, section_digests
from conformance.reporting.environment import environment_now
from conformance.reporting.product import Product

CERTIFICATION_FORMAT_VERSION = 1
CERTIFIED = "CERTIFIED"
NOT_CERTIFIED = "NOT CERTIFIED"
CERTIFICATION_MODE = "certification"
# RFC 2119 levels whose requirements may stay untested in a certification run.
OPTIONAL_LEVELS = frozenset(
    {"SHOULD", "SHOULD NOT", "RECOMMENDED", "NOT RECOMMENDED", "MAY", "OPTIONAL"}
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One broken certification rule: a stable code, a sentence and the ids involved."""

    code: str
    message: str
    items: list[str] = field(default_factory=list)


def run_mode(data: dict[str, Any]) -> str:
    """Return the run's mode; results written before modes existed count as standard."""
    return str(data["run"].get("mode") or "standard")


def is_optional(requirement: dict[str, Any]) -> bool:
    """Return whether a requirement's level allows it to stay untested when certifying."""
    return str(requirement.get("level", "")).strip().upper() in OPTIONAL_LEVELS


@functools.cache
def bundled_spec_sha256() -> str:
    """Return the SHA-256 of the contract file that ships with the suite."""
    return hashlib.sha256(default_spec_path().read_bytes()).hexdigest()


def certification_reasons(data: dict[str, Any], product: Product | None) -> list[Reason]:
    """Return every rule the run breaks; an empty list means CERTIFIED."""
    reasons = _run_reasons(data, product)
    reasons += _test_reasons(data)
    reasons += _requirement_reasons(data)
    untested = sorted(row["key"] for row in data["operations"] if row["status"] == "skipped")
    if untested:
        reasons.append(
            Reason(
                "OPERATION_NOT_TESTED",
                f"{len(untested)} operation(s) had no test that ran",
                untested,
            )
        )
    return reasons


def _run_reasons(data: dict[str, Any], product: Product | None) -> list[Reason]:
    run = data["run"]
    reasons = []
    mode = run_mode(data)
    if mode != CERTIFICATION_MODE:
        reasons.append(
            Reason(
                "MODE_NOT_CERTIFICATION",
                f"the run used mode '{mode}', certification needs mode '{CERTIFICATION_MODE}'",
            )
        )
    deselected = int(run.get("deselected") or 0)
    if deselected > 0:
        reasons.append(
            Reason(
                "TESTS_DESELECTED", f"{deselected} test(s) were deselected, so the run is partial"
            )
        )
    if run.get("keyword"):
        reasons.append(Reason("KEYWORD_FILTER", f"tests were selected with -k {run['keyword']!r}"))
    if data["spec"].get("sha256") != bundled_spec_sha256():
        reasons.append(
            Reason(
                "SPEC_NOT_BUNDLED",
                f"the run tested {data['spec'].get('path')!r} "
                f"(sha256 {data['spec'].get('sha256')}), not the bundled contract "
                f"(sha256 {bundled_spec_sha256()})",
            )
        )
    unknown = list(data.get("unknown_spec_errors") or [])
    if unknown:
        reasons.append(
            Reason(
                "UNKNOWN_SPEC_ERRORS",
                f"the contract had {len(unknown)} validator error(s) that are not "
                "known published defects",
                unknown,
            )
        )
    if product is None:
        reasons.append(
            Reason(
                "NO_PRODUCT_FILE",
                "no product file named the vendor, product and target environment",
            )
        )
    return reasons


def _test_reasons(data: dict[str, Any]) -> list[Reason]:
    reasons = []
    for status, code, verb in (
        ("failed", "TESTS_FAILED", "failed"),
        ("error", "TESTS_ERRORED", "ended in an error"),
    ):
        ids = sorted(test["id"] for test in data["tests"] if test["status"] == status)
        if ids or data["totals"].get(status):
            count = max(len(ids), int(data["totals"].get(status) or 0))
            reasons.append(Reason(code, f"{count} test(s) {verb}", ids))
    return reasons


def _requirement_reasons(data: dict[str, Any]) -> list[Reason]:
    rows = data["requirements"]
    reasons = []
    rules = (
        ("failed", "REQUIREMENT_FAILED", "requirement(s) failed", False),
        (
            "error",
            "REQUIREMENT_ERROR",
            "requirement(s) could not be checked because of errors",
            False,
        ),
        (
            "skipped",
            "REQUIREMENT_NOT_TESTED",
            "MUST-level requirement(s) were not exercised by any test",
            True,
        ),
        ("disabled", "REQUIREMENT_DISABLED", "MUST-level requirement(s) were disabled", True),
    )
    for status, code, text, optional_allowed in rules:
        ids = sorted(
            row["id"]
            for row in rows
            if row["status"] == status and not (optional_allowed and is_optional(row))
        )
        if ids:
            reasons.append(Reason(code, f"{len(ids)} {text}", ids))
    return reasons


def certification_notes(data: dict[str, Any]) -> list[str]:
    """Describe gaps that do not block certification but a reader should see."""
    notes = []
    for status in ("skipped", "disabled"):
        ids = sorted(
            row["id"]
            for row in data["requirements"]
            if row["status"] == status and is_optional(row)
        )
        if ids:
            notes.append(
                f"{len(ids)} SHOULD- or MAY-level requirement(s) {status}: " + ", ".join(ids)
            )
    skipped = sorted(test["id"] for test in data["tests"] if test["status"] == "skipped")
    if skipped:
        notes.append(f"{len(skipped)} test(s) skipped: " + ", ".join(skipped))
    remaining = data["run"].get("remaining_entities") or []
    if remaining:
        notes.append(f"{len(remaining)} entity(ies) the run created could not be removed")
    return notes


def build_certification(
    data: dict[str, Any], product: Product | None, *, generated: str | None = None
) -> dict[str, Any]:
    """Build the content of ``certification.json`` for one results.json."""
    run = data["run"]
    reasons = certification_reasons(data, product)
    return {
        "certification_format_version": CERTIFICATION_FORMAT_VERSION,
        "verdict": NOT_CERTIFIED if reasons else CERTIFIED,
        "reasons": [asdict(reason) for reason in reasons],
        "notes": certification_notes(data),
        "product": product.as_dict() if product is not None else None,
        "spec": {key: data["spec"].get(key) for key in ("title", "version", "sha256")},
        "workarounds": data["workarounds"],
        "suite": _suite(data),
        "run": {
            "run_id": run.get("run_id"),
            "target": run.get("target"),
            "mode": run_mode(data),
            "seed": run.get("seed"),
            "started": run.get("started"),
            "finished": run.get("finished"),
            "keyword": run.get("keyword"),
            "deselected": int(run.get("deselected") or 0),
        },
        "results": {"verdict": data["verdict"], "totals": data["totals"]},
        "results_sha256": canonical_sha256(data),
        "section_sha256": section_digests(data),
        "generated": generated or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _suite(data: dict[str, Any]) -> dict[str, Any]:
    """Describe the suite and libraries, preferring what the run itself recorded."""
    run = data["run"]
    recorded = "dependencies" in run
    current = {} if recorded and "suite_commit" in run else environment_now()
    return {
        "version": run.get("suite_version") or current.get("suite_version"),
        "git_commit": run["suite_commit"] if "suite_commit" in run else current["suite_commit"],
        "python": run.get("python") or current.get("python"),
        "dependencies": run["dependencies"] if recorded else current["dependencies"],
        # "run": recorded by the run itself; "report": read when this file was built.
        "environment_source": "run" if recorded else "report",
    }
