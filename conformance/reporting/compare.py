"""``icm-conformance compare``: what changed between two runs.

A failure is identified by the requirement it broke and the test that showed
it. A test that ended in an error counts as a failure of the pseudo
requirement ``(test error)``. A failure's signature is the set of checks that
reported it, which tells a known failure whose checks changed from an unchanged one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

TEST_ERROR = "(test error)"
NO_REQUIREMENT = "(no requirement)"

FailureKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class KnownFailure:
    """A failure present in both runs, with the checks that reported it in each."""

    requirement: str
    test_id: str
    old_checks: tuple[str, ...]
    new_checks: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.old_checks != self.new_checks


@dataclass
class Comparison:
    """New, fixed, known and no-longer-run failures between an old and a new run."""

    new: list[FailureKey] = field(default_factory=list)
    fixed: list[FailureKey] = field(default_factory=list)
    known: list[KnownFailure] = field(default_factory=list)
    not_run: list[FailureKey] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def exit_code(self, *, allow_known: bool) -> int:
        """Return 1 on a new failure, or a known one unless allowed and unchanged; else 0."""
        if self.new:
            return 1
        if allow_known:
            return 1 if any(item.changed for item in self.known) else 0
        return 1 if self.known else 0

    def as_dict(self) -> dict[str, Any]:
        def pairs(keys: list[FailureKey]) -> list[dict[str, str]]:
            return [{"requirement": req, "test_id": test_id} for req, test_id in keys]

        return {
            "new": pairs(self.new),
            "fixed": pairs(self.fixed),
            "known": [
                {
                    "requirement": item.requirement,
                    "test_id": item.test_id,
                    "old_checks": list(item.old_checks),
                    "new_checks": list(item.new_checks),
                    "changed": item.changed,
                }
                for item in self.known
            ],
            "not_run": pairs(self.not_run),
            "notes": self.notes,
        }


def failure_signatures(data: dict[str, Any]) -> dict[FailureKey, tuple[str, ...]]:
    """Map each (requirement id, test id) that failed in a run to the checks that reported it."""
    checks: dict[FailureKey, set[str]] = defaultdict(set)
    for failure in data["failures"]:
        for requirement in failure["requirements"] or [NO_REQUIREMENT]:
            checks[(requirement, failure["test_id"])].add(failure["check"])
    reported = {test_id for _, test_id in checks}
    for test in data["tests"]:
        if test["status"] == "error":
            checks[(TEST_ERROR, test["id"])].add("error")
        elif test["status"] == "failed" and test["id"] not in reported:
            checks[(NO_REQUIREMENT, test["id"])].add("failed")
    return {key: tuple(sorted(value)) for key, value in checks.items()}


def compare_runs(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Classify every failure of either run as new, fixed, known or not run."""
    old_failures = failure_signatures(old)
    new_failures = failure_signatures(new)
    ran_in_new = {test["id"] for test in new["tests"] if test["status"] != "skipped"}
    result = Comparison()
    for key in sorted(new_failures.keys() - old_failures.keys()):
        result.new.append(key)
    for key in sorted(old_failures.keys() - new_failures.keys()):
        (result.fixed if key[1] in ran_in_new else result.not_run).append(key)
    for key in sorted(old_failures.keys() & new_failures.keys()):
        result.known.append(KnownFailure(key[0], key[1], old_failures[key], new_failures[key]))
    result.notes = _notes(old, new)
    return result


def _notes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    notes = []
    if old["spec"].get("sha256") != new["spec"].get("sha256"):
        notes.append("the runs tested different contract files (spec sha256 differs)")
    if old["run"].get("suite_version") != new["run"].get("suite_version"):
        notes.append(
            f"suite version changed from {old['run'].get('suite_version')} to "
            f"{new['run'].get('suite_version')}"
        )
    if old["run"].get("target") != new["run"].get("target"):
        notes.append(
            f"target changed from {old['run'].get('target')} to {new['run'].get('target')}"
        )
    return notes


def format_comparison(
    comparison: Comparison, old_label: str, new_label: str, *, markdown: bool = False
) -> list[str]:
    """Return the comparison as plain text lines, or as Markdown for a CI job summary."""

    def heading(text: str) -> str:
        return f"### {text}" if markdown else f"{text}:"

    def item(requirement: str, test_id: str, extra: str = "") -> str:
        if markdown:
            return f"- `{requirement}` in `{test_id}`{extra}"
        return f"  {requirement}  {test_id}{extra}"

    lines = [f"Compared {old_label} (old) with {new_label} (new)", ""]
    for note in comparison.notes:
        lines.append(f"Note: {note}")
    sections = (
        ("New failures", comparison.new),
        ("Fixed", comparison.fixed),
        ("Failed before, not run now", comparison.not_run),
    )
    for title, keys in sections:
        lines.append(heading(f"{title} ({len(keys)})"))
        lines.extend(item(requirement, test_id) for requirement, test_id in keys)
        lines.append("")
    changed = sum(1 for known in comparison.known if known.changed)
    lines.append(heading(f"Still failing ({len(comparison.known)}, {changed} with other checks)"))
    for known in comparison.known:
        extra = ""
        if known.changed:
            extra = f" (checks {', '.join(known.old_checks)} -> {', '.join(known.new_checks)})"
        lines.append(item(known.requirement, known.test_id, extra))
    return lines
