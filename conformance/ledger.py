"""The ledger of entities the suite creates on the target, and their removal.

Each entry is written to ``ledger.jsonl`` in the run's report folder before
the request that creates the entity is sent, then updated with the entity's
URL once the target answers. Cleanup deletes the entries newest first, so a
crash or an interrupt leaves a file that ``icm-conformance cleanup`` can
finish later.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

LEDGER_NAME = "ledger.jsonl"


@dataclass
class Entry:
    """One entity the suite asked the target to create."""

    id: str
    kind: str
    role: str
    collection_url: str
    marker: str
    state: str = "pending"
    url: str | None = None
    note: str = ""
    time: float = 0.0


class Ledger:
    """An append-only JSON-lines file; the last line for an id is its current state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, kind: str, role: str, collection_url: str, marker: str) -> Entry:
        """Write a pending entry before the create request is sent."""
        entry = Entry(uuid.uuid4().hex, kind, role, collection_url, marker, time=time.time())
        self._write(entry)
        return entry

    def update(self, entry: Entry, state: str, url: str | None = None, note: str = "") -> None:
        entry.state = state
        entry.url = url or entry.url
        entry.note = note
        entry.time = time.time()
        self._write(entry)

    def entries(self) -> list[Entry]:
        """Return the current state of every entry, in creation order."""
        if not self.path.exists():
            return []
        latest: dict[str, Entry] = {}
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                latest[data["id"]] = Entry(**data)
            except (ValueError, TypeError, KeyError):
                logger.warning("%s:%d: skipped an unreadable ledger line", self.path, number)
        return list(latest.values())

    def open_entries(self) -> list[Entry]:
        """Return entries that may still exist on the target, newest first."""
        open_states = ("pending", "created", "delete-failed")
        return [entry for entry in reversed(self.entries()) if entry.state in open_states]

    def _write(self, entry: Entry) -> None:
        line = json.dumps(asdict(entry), sort_keys=True)
        with self._lock, self.path.open("a", encoding="utf-8") as stream:
            stream.write(line + "\n")
            stream.flush()


def summarise(entries: list[Entry]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.state] = counts.get(entry.state, 0) + 1
    return counts
