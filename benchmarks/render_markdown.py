"""Render the benchmark JSON files as the Markdown tables of docs/benchmarks.md.

Usage::

    .venv/bin/python benchmarks/render_markdown.py benchmarks/results/selftest.json \\
        benchmarks/results/comparison-plain.json benchmarks/results/comparison-dash.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from conformance.server.faults import CATEGORIES


def _mark(killed: bool | None) -> str:
    if killed is None:
        return "-"
    return "killed" if killed else "**survived**"


def _suite_cell(variant: dict[str, Any]) -> str:
    status = variant["status"]
    runs = len(variant["runs"])
    shown = "killed" if status == "killed" else f"**{status}**"
    return f"{shown} {variant.get('killing_runs', 0)}/{runs}" if runs > 1 else shown


def _requirements_cell(variant: dict[str, Any]) -> str:
    """Show the expected requirements the run reported, then how many others it reported."""
    found = [f"**{req}**" for req in variant["expected_found"]]
    missing = [f"~~{req}~~" for req in variant["expected_missing"]]
    others = len(variant["killed_by"]) - len(found)
    text = ", ".join(found + missing)
    return f"{text} (+{others})" if others else text


def variant_table(selftest: dict[str, Any], comparisons: list[dict[str, Any]]) -> str:
    """Return one row per fault: the suite's outcome and each Schemathesis configuration's."""
    by_fault = [{row["fault"]: row for row in comparison["rows"]} for comparison in comparisons]
    header = "| fault | category | suite | expected requirements (+ others) | first failure s |"
    rule = "|---|---|---|---|---:|"
    for index in range(len(comparisons)):
        header += f" st {index + 1} |"
        rule += "---|"
    lines = [header, rule]
    order = {category: index for index, category in enumerate(CATEGORIES)}
    variants = sorted(selftest["variants"], key=lambda v: (order.get(v["category"], 99), v["name"]))
    for variant in variants:
        first = variant["first_failure_seconds"]
        row = (
            f"| {variant['name']} | {variant['category']} | {_suite_cell(variant)}"
            f" | {_requirements_cell(variant)} | {f'{first:.1f}' if first is not None else '-'} |"
        )
        for rows in by_fault:
            entry = rows.get(variant["name"])
            row += f" {_mark(entry['st_killed'] if entry else None)} |"
        lines.append(row)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("selftest", type=Path)
    parser.add_argument("comparisons", type=Path, nargs="*")
    args = parser.parse_args()
    selftest = json.loads(args.selftest.read_text())
    comparisons = [json.loads(path.read_text()) for path in args.comparisons]
    print(variant_table(selftest, comparisons))


if __name__ == "__main__":
    main()
