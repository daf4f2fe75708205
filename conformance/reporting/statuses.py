"""The status order of results.json and the verdict rule it derives from test totals."""

from __future__ import annotations

from conformance.results import STATUS_ORDER


def worst_status(statuses: list[str]) -> str:
    """Return the highest status by STATUS_ORDER: skipped < passed < error < failed."""
    return max(statuses, key=lambda status: STATUS_ORDER.get(status, 0), default="skipped")


def results_verdict(totals: dict[str, int]) -> str:
    """Return the verdict the suite derives from test totals, as results.py does."""
    if totals.get("failed"):
        return "non-conformant"
    if totals.get("error"):
        return "error"
    return "conformant"
