"""The canonical form of ``results.json`` and the digests computed over it.

The canonical form is ``json.dumps(data, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` encoded as UTF-8. It depends on the parsed content only,
so re-indenting the file or reordering its keys keeps the digest, while any
change to a value, key or list order changes it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_bytes(value: Any) -> bytes:
    """Serialise a JSON value in the canonical form used for every digest."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def canonical_sha256(value: Any) -> str:
    """Return the hex SHA-256 of the canonical form of ``value``."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def section_digests(data: dict[str, Any]) -> dict[str, str]:
    """Return the canonical SHA-256 of each top-level section of ``results.json``."""
    return {key: canonical_sha256(value) for key, value in sorted(data.items())}


def changed_sections(recorded: dict[str, str], data: dict[str, Any]) -> list[str]:
    """Describe the sections whose content no longer matches the recorded digests."""
    current = section_digests(data)
    changes = []
    for key in sorted(recorded.keys() | current.keys()):
        if key not in current:
            changes.append(f"section '{key}' was removed")
        elif key not in recorded:
            changes.append(f"section '{key}' was added")
        elif recorded[key] != current[key]:
            changes.append(f"section '{key}' changed")
    return changes
