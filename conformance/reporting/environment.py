"""Versions of the suite, its git commit and the libraries that shape a run."""

from __future__ import annotations

import importlib.metadata
import logging
import platform
import subprocess
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.paths import PACKAGE_DIR

logger = logging.getLogger(__name__)

# Distributions whose versions change what a run generates or checks.
DEPENDENCIES = ("schemathesis", "hypothesis", "pytest", "requests", "openapi-spec-validator")


def dependency_versions() -> dict[str, str | None]:
    """Return the installed version of each dependency in ``DEPENDENCIES``, None if absent."""
    versions: dict[str, str | None] = {}
    for name in DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def suite_commit(checkout: Path = PACKAGE_DIR.parent) -> str | None:
    """Return ``git rev-parse HEAD`` of the suite's own checkout, or None outside one.

    An installed wheel lives in site-packages, which may sit inside another
    repository. So the commit counts only if the checkout's top level is the
    folder that contains the ``conformance`` package.
    """
    top = _git(checkout, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != checkout.resolve():
        return None
    return _git(checkout, "rev-parse", "HEAD")


def _git(checkout: Path, *args: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", "-C", str(checkout), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.debug("git %s failed in %s: %s", " ".join(args), checkout, exc)
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout.strip() or None


def environment_now() -> dict[str, Any]:
    """Describe the suite and libraries of this process, for results that lack them."""
    return {
        "suite_version": __version__,
        "suite_commit": suite_commit(),
        "python": platform.python_version(),
        "dependencies": dependency_versions(),
    }
