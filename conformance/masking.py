"""Mask secrets in captured requests, responses and reproduction commands."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "[masked]"
SECRET_HEADERS = frozenset({"authorization", "authentication-token", "cookie", "set-cookie"})
# JSON or form fields whose values are secrets wherever they appear.
SECRET_FIELDS = frozenset(
    {
        "password",
        "securityquestionanswer",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
    }
)
_FORM_FIELD = re.compile(
    r"(?P<name>password|access_token|refresh_token|client_secret|id_token)=(?P<value>[^&\s']*)",
    re.IGNORECASE,
)


_JSON_FIELD = re.compile(
    r'(?P<key>"(?:password|securityQuestionAnswer|access_token|refresh_token|id_token|'
    r'client_secret)"\s*:\s*)"(?:[^"\\]|\\.)*"',
    re.IGNORECASE,
)


def mask_headers(headers: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Return a copy of ``headers`` with the values of secret headers replaced."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {
        str(name): MASK if str(name).lower() in SECRET_HEADERS else str(value)
        for name, value in items
    }


def mask_json(value: Any) -> Any:
    """Return a copy of a JSON value with secret fields replaced at any depth."""
    if isinstance(value, dict):
        return {
            key: MASK if str(key).lower() in SECRET_FIELDS and value[key] else mask_json(value[key])
            for key in value
        }
    if isinstance(value, list):
        return [mask_json(item) for item in value]
    return value


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask secret JSON fields, form fields and the given literal secrets in a body or command."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        with contextlib.suppress(ValueError):
            text = json.dumps(mask_json(json.loads(stripped)), ensure_ascii=False)
    text = _FORM_FIELD.sub(lambda match: f"{match.group('name')}={MASK}", text)
    # JSON fields embedded in other text, such as the -d body of a curl line.
    text = _JSON_FIELD.sub(lambda match: f'{match.group("key")}"{MASK}"', text)
    text = re.sub(
        r"(<(?:password|securityQuestionAnswer)>)[^<]*(</)", rf"\g<1>{MASK}\g<2>", text, flags=re.I
    )
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


def mask_curl(command: str, secrets: Iterable[str] = ()) -> str:
    """Mask secret headers, fields and literal secrets in a curl command line."""
    pattern = re.compile(r"-H '(?P<name>[^:']+):\s*[^']*'")

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name.strip().lower() in SECRET_HEADERS:
            return f"-H '{name}: {MASK}'"
        return match.group(0)

    return mask_text(pattern.sub(replace, command), secrets)
