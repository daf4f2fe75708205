"""Locations of the files that ship with the suite."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_SPEC_NAME = "customer-1.2.1.yaml"
REQUIREMENTS_DIR = PACKAGE_DIR / "requirements"


def bundled_spec_dir() -> Path:
    """Return the folder that holds the bundled contract.

    A source checkout or an editable install reads the top-level ``spec/``
    folder. A wheel carries the same files as the ``conformance.contract``
    package, because setuptools maps ``spec/`` onto it at build time.
    """
    checkout = PACKAGE_DIR.parent / "spec"
    if (checkout / DEFAULT_SPEC_NAME).is_file():
        return checkout
    return Path(str(importlib.resources.files("conformance.contract")))


def default_spec_path() -> Path:
    """Return the bundled Customer REST API 1.2.1 contract."""
    return bundled_spec_dir() / DEFAULT_SPEC_NAME
