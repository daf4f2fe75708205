"""Fixtures shared by the reporting tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from results_factory import PRODUCT_YAML


@pytest.fixture
def product_file(tmp_path: Path) -> Path:
    path = tmp_path / "product.yaml"
    path.write_text(PRODUCT_YAML, encoding="utf-8")
    return path
