"""The ledger of entities the suite creates on the target, and the tracker that fills it.

Each entry is written to ``ledger.jsonl`` in the run's report folder before
the request that may create the entity is sent, then updated with the
entity's URL once the target responds. Cleanup deletes the entries newest
first, so a crash or an interrupt leaves a file that ``icm-conformance
cleanup`` or the next run can finish.

``CreationTracker`` sits in ``Target.request``: every POST that may create
something (addresses, payment instruments, users, customers) is recorded,
whoever sends it, and a successful DELETE of a recorded URL closes its entry.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

logger = logging.getLogger(__name__)

LEDGER_NAME = "ledger.jsonl"

# States an entry goes through. "pending" is written before the request is sent.
PENDING = "pending"
CREATED = "created"
NOT_CREATED = "not-created"
UNKNOWN = "unknown"
DELETED = "deleted"
DELETE_FAILED = "delete-failed"
UNDELETABLE = "undeletable"
DISCARDED = "discarded"
OPEN_STATES = (PENDING, CREATED, DELETE_FAILED)

# The last path segment of a POST that may create an entity, and the entity's kind.
CREATING_COLLECTIONS = {
    "addresses": "address",
    "payments": "payment",
    "users": "user",
    "customers": "customer",
    "privatecustomers": "customer",
    "simple": "customer",
}
# The Customer REST API has no operation that deletes a customer.
UNDELETABLE_KINDS = frozenset({"customer"})
UNDELETABLE_NOTE = (
    "the Customer REST API cannot delete customers; remove it in ICM's back office, or run "
    "with --icm-reuse-customers on shared systems"
)
CREATED_STATUSES = frozenset({201, 207})


@dataclass
class Entry:
    """One entity the suite asked the target to create."""

    id: str
    kind: str
    role: str
    collection_url: str
    marker: str
    state: str = PENDING
    url: str | None = None
    note: str = ""
    time: float = 0.0
    owner: str = ""


class Ledger:
    """An append-only JSON-lines file; the last line for an id is its current state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def record(
        self,
        kind: str,
        role: str,
        collection_url: str,
        marker: str,
        owner: str = "",
        state: str = PENDING,
        url: str | None = None,
    ) -> Entry:
        """Write an entry, by default a pending one before the create request is sent."""
        entry = Entry(
            uuid.uuid4().hex,
            kind,
            role,
            collection_url,
            marker,
            state=state,
            url=url,
            time=time.time(),
            owner=owner,
        )
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
        known = {item.name for item in fields(Entry)}
        latest: dict[str, Entry] = {}
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                latest[data["id"]] = Entry(**{k: v for k, v in data.items() if k in known})
            except (ValueError, TypeError, KeyError):
                logger.warning("%s:%d: skipped an unreadable ledger line", self.path, number)
        return list(latest.values())

    def open_entries(self) -> list[Entry]:
        """Return entries that may still exist on the target, newest first."""
        return [entry for entry in reversed(self.entries()) if entry.state in OPEN_STATES]

    def in_state(self, *states: str) -> list[Entry]:
        return [entry for entry in self.entries() if entry.state in states]

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


def ledgers_in(run_folder: Path) -> Iterator[Ledger]:
    """Yield the ledgers of one run: its own and those of its pytest-xdist workers' folders."""
    own = run_folder / LEDGER_NAME
    if own.is_file():
        yield Ledger(own)
    for file in sorted(run_folder.glob(f"*/{LEDGER_NAME}")):
        yield Ledger(file)


def find_ledgers(report_root: Path) -> Iterator[Ledger]:
    """Yield the ledgers of every run folder under ``report_root``, oldest run first."""
    if not report_root.is_dir():
        return
    for folder in sorted(path for path in report_root.iterdir() if path.is_dir()):
        yield from ledgers_in(folder)


# Tracking -------------------------------------------------------------------------------------


def creation_kind(method: str, url: str) -> str | None:
    """Return the kind of entity a request may create, or None if it creates nothing."""
    if method.upper() != "POST":
        return None
    segments = [segment.split(";", 1)[0] for segment in urlsplit(url).path.split("/")]
    segments = [segment for segment in segments if segment]
    if not segments:
        return None
    last = segments[-1]
    if last == "simple" and (len(segments) < 2 or segments[-2] != "privatecustomers"):
        return None
    return CREATING_COLLECTIONS.get(last)


def same_resource(first: str, second: str) -> bool:
    """Return whether two URLs name the same resource, ignoring encoding, query and slash."""
    return _normalise(first) == _normalise(second)


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{unquote(unquote(parts.path)).rstrip('/')}"


def created_uris(response: requests.Response) -> list[str]:
    """Return the Link URIs that a create response names, from a JSON or an XML body."""
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media.endswith("xml"):
        try:
            root = ElementTree.fromstring(response.content)
        except ElementTree.ParseError:
            return []
        return [node.text.strip() for node in root.iter("uri") if node.text and node.text.strip()]
    try:
        body = response.json()
    except ValueError:
        return []
    if isinstance(body, dict) and isinstance(body.get("elements"), list):
        elements = body["elements"]
    else:
        elements = [body]
    return [
        str(element["uri"])
        for element in elements
        if isinstance(element, dict) and isinstance(element.get("uri"), str) and element["uri"]
    ]


class CreationTracker:
    """Records every request that may create an entity, and closes entries that get deleted."""

    def __init__(self, ledger: Ledger, marker: str, root_url: str) -> None:
        self.ledger = ledger
        self.marker = marker
        self.root_url = root_url

    def before(self, method: str, url: str, role: str, owner: str) -> Entry | None:
        """Write a pending entry if the request may create something; call before sending."""
        kind = creation_kind(method, url)
        if kind is None:
            return None
        return self.ledger.record(kind, role, url, self.marker, owner=owner)

    def after(self, entry: Entry, response: requests.Response) -> None:
        """Update ``entry`` from the target's response."""
        status = response.status_code
        if status not in CREATED_STATUSES:
            # 200 on a create means an equal entity existed already: it is not the suite's.
            self.ledger.update(entry, NOT_CREATED, note=f"HTTP {status}")
            return
        uris = created_uris(response)
        if not uris:
            self.ledger.update(entry, UNKNOWN, note=f"HTTP {status} without a Link to the entity")
            return
        for index, uri in enumerate(uris):
            url = self._absolute(uri)
            state, note = self._state_for(entry.kind)
            if index == 0:
                self.ledger.update(entry, state, url=url, note=note)
            else:
                self.ledger.record(
                    entry.kind,
                    entry.role,
                    entry.collection_url,
                    self.marker,
                    owner=entry.owner,
                    state=state,
                    url=url,
                )

    def failed(self, entry: Entry, error: Exception) -> None:
        """Mark ``entry`` as unknown after the request failed without a response."""
        self.ledger.update(entry, UNKNOWN, note=f"create request failed: {error}")

    def observe_delete(self, url: str, response: requests.Response) -> None:
        """Close the entries of ``url`` after a DELETE that removed it (or found it gone)."""
        if response.status_code not in (200, 204, 404):
            return
        for entry in self.ledger.in_state(CREATED, DELETE_FAILED):
            if entry.url and same_resource(entry.url, url):
                self.ledger.update(entry, DELETED, note=f"DELETE answered {response.status_code}")

    def _absolute(self, uri: str) -> str:
        if uri.startswith(("http://", "https://")):
            return uri
        return self.root_url + uri.lstrip("/")

    @staticmethod
    def _state_for(kind: str) -> tuple[str, str]:
        if kind in UNDELETABLE_KINDS:
            return UNDELETABLE, UNDELETABLE_NOTE
        return CREATED, ""
