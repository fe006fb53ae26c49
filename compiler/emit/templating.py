"""The jinja2 environment of the emitters: templates under templates/, escaping filters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from . import escape

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """Autoescaping for HTML templates (`*.html.j2`); Mermaid and DOT escape through filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        mermaid=escape.mermaid,
        dot_html=escape.dot_html,
        dot_string=escape.dot_string,
        json_for_script=escape.json_for_script,
    )
    return env


def render(template: str, **values: object) -> str:
    """Render one of the templates."""
    return environment().get_template(template).render(**values)
