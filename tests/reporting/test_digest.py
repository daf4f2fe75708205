"""Test the canonical JSON form and the section digests."""

from __future__ import annotations

import hashlib

from conformance.reporting.digest import canonical_bytes, canonical_sha256, changed_sections


def test_canonical_form_sorts_and_compacts() -> None:
    assert canonical_bytes({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'.encode()


def test_digest_ignores_key_order() -> None:
    assert canonical_sha256({"a": 1, "b": 2}) == canonical_sha256({"b": 2, "a": 1})


def test_digest_is_sha256_of_canonical_bytes() -> None:
    value = {"x": [1, 2.5, None, True]}
    assert canonical_sha256(value) == hashlib.sha256(canonical_bytes(value)).hexdigest()


def test_digest_sees_list_order() -> None:
    assert canonical_sha256([1, 2]) != canonical_sha256([2, 1])


def test_changed_sections_lists_each_kind() -> None:
    recorded = {"run": canonical_sha256({"seed": 1}), "gone": canonical_sha256(0)}
    changes = changed_sections(recorded, {"run": {"seed": 2}, "new": 1})
    assert changes == [
        "section 'gone' was removed",
        "section 'new' was added",
        "section 'run' changed",
    ]
