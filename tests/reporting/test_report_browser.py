"""Open report.html in headless Chromium: it renders, logs no console errors, and looks right.

Set ICM_UPDATE_SCREENSHOT=1 to also copy the screenshot to docs/report-screenshot.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from results_factory import PRODUCT_YAML, Outcomes, build_results, failing_outcomes, write_run

from conformance.reporting import write_bundle

CHROMIUM = Path("/usr/bin/chromium")
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "report-screenshot.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chromium must not reach any host: every name resolves to nothing.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (Debian package 'chromium')"
    ),
]


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        OFFLINE,
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    product = folder / "product.yaml"
    product.write_text(PRODUCT_YAML, encoding="utf-8")
    data = build_results(failing_outcomes())
    history = [
        build_results(Outcomes(), started="2024-12-29T02:00:00+00:00"),
        build_results(failing_outcomes(), started="2024-12-30T02:00:00+00:00"),
        build_results(failing_outcomes(), started="2024-12-31T02:00:00+00:00"),
    ]
    run_dir = write_run(folder / "run", data)
    write_bundle(run_dir, data, product_file=product, history=history)
    return run_dir / "report.html"


def test_dom_has_verdict_and_charts(report: Path, tmp_path: Path) -> None:
    result = chromium(tmp_path / "profile", "--dump-dom", report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert 'id="verdict"' in dom
    assert 'data-verdict="non-conformant"' in dom
    assert 'data-certification="NOT CERTIFIED"' in dom
    assert dom.count("<svg") == 3
    assert 'class="matrix check-matrix"' in dom
    assert 'class="matrix requirement-matrix"' in dom


def test_no_console_errors(report: Path, tmp_path: Path) -> None:
    result = chromium(
        tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom", report.as_uri()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Chromium logs page console output as "INFO:CONSOLE:<line>] <message>".
    console = [
        line
        for line in result.stderr.splitlines()
        if "Uncaught" in line or re.search(r":CONSOLE[:(]", line)
    ]
    assert console == []


def test_screenshot_shows_content(report: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "report.png"
    result = chromium(
        tmp_path / "profile",
        f"--screenshot={screenshot}",
        "--window-size=1400,2000",
        "--hide-scrollbars",
        report.as_uri(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    image = screenshot.read_bytes()
    assert image.startswith(PNG_SIGNATURE)
    # A blank page decodes to filter bytes and white only; a rendered report has many values.
    assert len(set(_png_pixels(image))) > 32
    if os.environ.get("ICM_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)


def _png_pixels(image: bytes) -> bytes:
    """Return the decompressed image data of a PNG (filter bytes included)."""
    position = len(PNG_SIGNATURE)
    chunks = []
    while position < len(image):
        length = int.from_bytes(image[position : position + 4], "big")
        kind = image[position + 4 : position + 8]
        if kind == b"IDAT":
            chunks.append(image[position + 8 : position + 8 + length])
        position += 12 + length
    return zlib.decompress(b"".join(chunks))
