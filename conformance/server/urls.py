"""Split an ICM REST URL into server group, site, application, resource segments and matrix
parameters.

ICM REST URLs look like ``/INTERSHOP/rest/{serverGroup}/{site}/{app}/{resource...}``. Every
segment may carry matrix parameters (``;loc=en_US;cur=USD``), which select locale, currency and
personalization group and never take part in routing. Item keys arrive percent-encoded, and
clients of ICM 7.10 and 11 encode them twice (``jlink%2540test.intershop.de``) because the web
server decodes once, so each segment is decoded until it no longer changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

REST_PREFIX = ("INTERSHOP", "rest")
MAX_DECODE_ROUNDS = 5


@dataclass(frozen=True)
class ParsedUrl:
    """The parts of a request path below ``/INTERSHOP/rest/``."""

    server_group: str
    site: str
    app: str
    segments: tuple[str, ...]
    matrix: dict[str, str] = field(default_factory=dict)


def decode_until_stable(text: str) -> str:
    """Percent-decode ``text`` repeatedly until it stops changing (bounded number of rounds)."""
    for _ in range(MAX_DECODE_ROUNDS):
        decoded = unquote(text, errors="strict")
        if decoded == text:
            return decoded
        text = decoded
    return text


def split_matrix(segment: str) -> tuple[str, dict[str, str]]:
    """Split one raw path segment into its name and its matrix parameters."""
    name, *params = segment.split(";")
    matrix: dict[str, str] = {}
    for param in params:
        if not param:
            continue
        key, _, value = param.partition("=")
        matrix[unquote(key)] = unquote(value)
    return name, matrix


def parse_rest_path(raw_path: str) -> ParsedUrl | None:
    """Parse a raw (still percent-encoded) request path; return None if it is not a REST URL.

    Raises UnicodeDecodeError when a segment decodes to invalid UTF-8.
    """
    path = raw_path.split("?", 1)[0]
    parts = path.split("/")
    if parts and parts[0] == "":
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] == "":
        parts = parts[:-1]
    if len(parts) < 5 or tuple(parts[:2]) != REST_PREFIX:
        return None
    names: list[str] = []
    matrix: dict[str, str] = {}
    for raw_segment in parts[2:]:
        name, params = split_matrix(raw_segment)
        names.append(decode_until_stable(name))
        matrix.update(params)
    server_group, site, app, *segments = names
    return ParsedUrl(server_group, site, app, tuple(segments), matrix)
