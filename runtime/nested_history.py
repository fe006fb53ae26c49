"""`nest_handoff_history`: the target of a handoff sees the conversation so far as one
assistant message summarising it, as the Agents SDK builds it (0.24, its default history
mapper), followed by the items that go on as they are.

The summary message reads:

    For context, here is the conversation so far between the user and the previous agent:
    <CONVERSATION HISTORY>
    1. user: Hi
    2. {"arguments": "{}", "call_id": "c1", "name": "lookup", "type": "function_call", ...}
    </CONVERSATION HISTORY>

A message whose content is a one-line text is written `role: text` (`role (name): text` with a
name); anything else as its JSON. Of the items the run produced before the handoff's turn,
messages from users go on verbatim and everything else (assistant messages, tool calls and
outputs, reasoning) is summarised; of the handoff turn's items, those with a role go on and
tool items are summarised. A summary already in the history (an earlier nested handoff) is
read back into its items first, so the conversation is summarised once, not nested twice.
"""

from __future__ import annotations

import json
from typing import Any

PREAMBLE = "For context, here is the conversation so far between the user and the previous agent:"
OLD_PREAMBLE = "For context, here is the conversation so far:"
START, END = "<CONVERSATION HISTORY>", "</CONVERSATION HISTORY>"
SUMMARISED_TYPES = frozenset({"function_call", "function_call_output", "reasoning"})
ROLES = frozenset({"user", "assistant", "system", "developer"})

Item = dict[str, Any]


def nest(history: list[Item], produced: set[int], turn_start: int) -> list[Item]:
    """The history the target sees: `produced` holds the ids of the entries the run made (the
    rest is its input), `turn_start` the index where the handoff's turn begins."""
    transcript: list[Item] = []
    for item in history:
        if id(item) in produced:
            continue
        transcript.extend(_unnested(item) or [_clean(item)])
    ordered = [
        (_clean(item), _goes_on(item, index >= turn_start))
        for index, item in enumerate(history)
        if id(item) in produced
    ]
    nested: list[Item] = []
    pending = transcript
    for item, verbatim in ordered:
        if not verbatim:
            pending.append(item)
            continue
        if pending or not nested:
            nested.append(summary(pending))
            pending = []
        nested.append(item)
    if pending or not nested:
        nested.append(summary(pending))
    return nested


def summary(transcript: list[Item]) -> Item:
    """One assistant message summarising `transcript`."""
    lines = [f"{n}. {_line(item)}" for n, item in enumerate(transcript, 1)]
    body = lines or ["(no previous turns recorded)"]
    return {"role": "assistant", "content": "\n".join([PREAMBLE, START, *body, END])}


def _goes_on(item: Item, in_handoff_turn: bool) -> bool:
    """Whether a produced item goes on verbatim (else it is summarised)."""
    if item.get("type") in ("program", "program_output") or _caller_is_program(item):
        return False
    role = item.get("role")
    if in_handoff_turn and isinstance(role, str) and role:
        return True
    if not in_handoff_turn and role == "assistant":
        return False
    return item.get("type") not in SUMMARISED_TYPES


def _caller_is_program(item: Item) -> bool:
    caller = item.get("caller")
    return isinstance(caller, dict) and caller.get("type") == "program"


def _clean(item: Item) -> Item:
    """An item as input: without the output-only `created_by`, and without a null status."""
    cleaned = {key: value for key, value in item.items() if key != "created_by"}
    if cleaned.get("status", "") is None:
        del cleaned["status"]
    return cleaned


def _line(item: Item) -> str:
    role, content = item.get("role"), item.get("content")
    one_line = content is None or (
        isinstance(content, str) and "\n" not in content and "\r" not in content
    )
    if isinstance(role, str) and one_line:
        name = item.get("name")
        prefix = f"{role} ({name})" if isinstance(name, str) and name else role
        return f"{prefix}: {content or ''}"
    shown = {key: value for key, value in item.items() if key != "provider_data"}
    return json.dumps(shown, ensure_ascii=False, default=str)


def _unnested(item: Item) -> list[Item] | None:
    """The items of an earlier summary message, or None when `item` is not one."""
    content = item.get("content")
    if item.get("role") != "assistant" or not isinstance(content, str):
        return None
    first, _, rest = content.partition("\n")
    if first not in (PREAMBLE, OLD_PREAMBLE):
        return None
    if not (rest.startswith(START + "\n") and rest.endswith("\n" + END)):
        return None
    body = rest[len(START) + 1 : -len(END) - 1]
    return [parsed for record in _records(body) if (parsed := _parsed(record)) is not None]


def _records(body: str) -> list[str]:
    """The numbered records of a summary's body (a record may run over several lines)."""
    records: list[list[str]] = []
    numbered = False
    for line in body.splitlines():
        if not line.strip():
            continue
        starts = _numbered(line)
        if records and not starts and numbered:
            records[-1].append(line.rstrip())
        else:
            records.append([line.strip()])
            numbered = starts
    return ["\n".join(lines) for lines in records]


def _numbered(line: str) -> bool:
    head, dot, _ = line.lstrip().partition(".")
    return bool(dot) and head.isdigit()


def _parsed(record: str) -> Item | None:
    text = record.strip()
    if _numbered(text):
        text = text.lstrip().partition(".")[2].lstrip()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        value.pop("provider_data", None)
        return _clean(value)
    head, colon, content = text.partition(":")
    if not colon:
        if _role_and_name(text)[0] not in ROLES:
            return None
        head, content = text, ""
    role, name = _role_and_name(head.strip())
    content = content.strip()
    if content and role not in ROLES:  # a typed item written `type: {json}`
        try:
            typed = json.loads(content)
        except json.JSONDecodeError:
            typed = None
        if isinstance(typed, dict):
            typed.pop("provider_data", None)
            return _clean({**typed, "type": role})
    return {"role": role, **({"name": name} if name else {}), "content": content}


def _role_and_name(text: str) -> tuple[str, str | None]:
    if text.endswith(")") and "(" in text:
        opened = text.rfind("(")
        name = text[opened + 1 : -1].strip()
        if name:
            return text[:opened].strip() or "developer", name
    return text or "developer", None
