"""The Jinja2 environment that renders the report templates.

HTML templates (``*.html.j2``) are autoescaped; the Markdown template is not,
and uses the ``md`` filter to keep table cells intact and bare URLs unlinked.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_URL = re.compile(r"\b((?:https?|ftp)://\S+|www\.\S+)")


@functools.cache
def environment() -> jinja2.Environment:
    """Return the shared template environment; StrictUndefined turns typos into errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), disabled_extensions=("md.j2",), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_cell
    env.filters["short_digest"] = short_digest
    return env


def render(template: str, **context: Any) -> str:
    """Render one template of ``TEMPLATES_DIR`` with ``context``."""
    return environment().get_template(template).render(**context)


def markdown_cell(value: Any) -> str:
    """Make text safe for one Markdown table cell or list item.

    Pipes would end the cell, newlines the row, and GitHub turns bare URLs into
    links, which the summary must not contain; URLs become code spans.
    """
    text = " ".join(str(value).split())
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")
    return _URL.sub(lambda match: f"`{match.group(1)}`", text)


def short_digest(value: Any) -> str:
    """Return the first 12 hex digits of a digest, enough to tell runs apart by eye."""
    return str(value or "")[:12]
