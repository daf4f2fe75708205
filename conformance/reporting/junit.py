"""Read and merge the ``junit.xml`` files pytest writes for a run.

pytest names a test case by splitting the item id at ``::``: the last part is
the ``name``, the others joined with dots are the ``classname``. So
``customer-1.2.1::Address::createAddress::positive`` becomes classname
``customer-1.2.1.Address.createAddress`` and name ``positive``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from conformance.reporting.loading import ReportError

# A test case's outcome in JUnit terms, decided by its first child element.
OUTCOMES = ("failure", "error", "skipped")


@dataclass(frozen=True, slots=True)
class JUnitCase:
    """One ``<testcase>`` and its outcome: passed, failure, error or skipped."""

    classname: str
    name: str
    outcome: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.classname, self.name)


def junit_key(test_id: str) -> tuple[str, str]:
    """Return the (classname, name) pytest gives the test with this id."""
    parts = test_id.split("::")
    return (".".join(parts[:-1]), parts[-1])


def read_cases(path: Path) -> list[JUnitCase]:
    """Read every test case of a junit.xml file."""
    root = _parse(path)
    cases = []
    for element in root.iter("testcase"):
        outcome = "passed"
        for child in element:
            if child.tag in OUTCOMES:
                outcome = child.tag
                break
        cases.append(JUnitCase(element.get("classname", ""), element.get("name", ""), outcome))
    return cases


def outcome_counts(cases: list[JUnitCase]) -> Counter[str]:
    """Count cases per outcome."""
    return Counter(case.outcome for case in cases)


def merge_files(paths: list[Path], output: Path) -> int:
    """Write one junit.xml with the test cases of ``paths``, each case once; return the count.

    A case that appears in several files (an xdist controller and its workers
    both list it) is kept from the first file that has it.
    """
    suite = ET.Element("testsuite", name="pytest")
    seen: set[tuple[str, str]] = set()
    counts: Counter[str] = Counter()
    total_time = 0.0
    timestamps = []
    for path in paths:
        for source_suite in _parse(path).iter("testsuite"):
            if source_suite.get("timestamp"):
                timestamps.append(source_suite.get("timestamp", ""))
            for element in source_suite.iter("testcase"):
                key = (element.get("classname", ""), element.get("name", ""))
                if key in seen:
                    continue
                seen.add(key)
                suite.append(element)
                total_time += float(element.get("time") or 0.0)
                outcome = next((child.tag for child in element if child.tag in OUTCOMES), "")
                counts[outcome] += 1
    suite.set("tests", str(len(seen)))
    suite.set("failures", str(counts["failure"]))
    suite.set("errors", str(counts["error"]))
    suite.set("skipped", str(counts["skipped"]))
    suite.set("time", f"{total_time:.3f}")
    if timestamps:
        suite.set("timestamp", min(timestamps))
    root = ET.Element("testsuites", name="pytest tests")
    root.append(suite)
    ET.indent(root)
    ET.ElementTree(root).write(output, encoding="utf-8", xml_declaration=True)
    return len(seen)


def _parse(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except FileNotFoundError:
        raise ReportError(f"{path}: junit.xml not found") from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise ReportError(f"{path}:{line}:{column}: invalid XML in junit.xml: {exc}") from None
