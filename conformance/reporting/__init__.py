"""Reports built from ``results.json``: the bundle, certification, verify, compare and merge.

Modules, one concept each:

- ``bundle``: writes summary.md, report.html and certification.json.
- ``certification``: the certification rules and ``certification.json``.
- ``digest``: the canonical JSON form and its SHA-256 digests.
- ``product``: the vendor's product file.
- ``verify``: checks a bundle as a certification service would.
- ``compare``: new, fixed and known failures between two runs.
- ``merge``: one results.json from the shards of a split or distributed run.
- ``view``, ``charts``, ``rendering``: what the templates show and how.
"""

from __future__ import annotations

from conformance.reporting.bundle import BUNDLE_FILES, write_bundle
from conformance.reporting.loading import ReportError, load_results
from conformance.reporting.product import ProductFileError, load_product

__all__ = [
    "BUNDLE_FILES",
    "ProductFileError",
    "ReportError",
    "load_product",
    "load_results",
    "write_bundle",
]
