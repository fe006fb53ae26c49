"""Escaping names for each output format. Every name and text passes through here, never raw.

`visible` first makes a text safe to show anywhere: line breaks of every kind become `\\n`,
other control characters become their visible Unicode pictures (U+2400...), and characters no
XML parser or UTF-8 encoder accepts (lone surrogates, U+FFFE, U+FFFF) become U+FFFD. Then each
format escapes what is special to it.
"""

from __future__ import annotations

import json
import re
from typing import Any

_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = {
    **{code: chr(0x2400 + code) for code in range(0x20)},
    0x7F: "\u2421",
    0x09: " ",
    **{code: "\ufffd" for code in range(0x80, 0xA0)},
    0xFFFE: "\ufffd",
    0xFFFF: "\ufffd",
    **{code: "\ufffd" for code in range(0xD800, 0xE000)},
}
_CONTROL[0x0A] = "\n"
_ODD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_MERMAID = str.maketrans(
    {
        '"': "#quot;",
        "#": "#35;",
        "&": "#amp;",
        "<": "#lt;",
        ">": "#gt;",
        "`": "#96;",
        "|": "#124;",
        "%": "#37;",
        "\\": "#92;",
        "\n": "<br>",
    }
)
_DOT_HTML = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "]": "&#93;", "\n": "<BR/>"}
)  # graphviz 2.43 misreads a lone `]`
_DOT_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n"})
_JSON_IN_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def visible(text: str) -> str:
    """The text with line breaks as `\\n` and nothing invisible or unencodable left."""
    text = _BREAKS.sub("\n", text)
    return text.translate(_CONTROL) if _ODD.search(text) else text


def mermaid(text: str) -> str:
    """For inside a double-quoted Mermaid label: entity codes (`#quot;`), `<br>` for breaks."""
    return visible(text).translate(_MERMAID)


def dot_html(text: str) -> str:
    """For inside a Graphviz HTML-like label: XML entities, `<BR/>` for line breaks."""
    return visible(text).translate(_DOT_HTML)


def dot_string(text: str) -> str:
    """A double-quoted Graphviz string (escString): quotes and backslashes escaped."""
    return '"' + visible(text).translate(_DOT_STRING) + '"'


def json_for_script(value: Any) -> str:
    """JSON safe inside an HTML `<script>` element (no `</script>` can close it early)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).translate(_JSON_IN_HTML)
