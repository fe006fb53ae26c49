"""An agent's model settings as the request fields the Agents SDK sends for them
(`agents.models.openai_responses`, `_build_response_create_kwargs`).

- `temperature`, `top_p`, `truncation`, `max_output_tokens`, `store`, `reasoning`, `metadata`,
  `prompt_cache_retention`: as given, when given.
- `parallel_tool_calls`: only when the request has tools (or a stored prompt).
- `include`: always, a list: `response_include`, plus `message.output_text.logprobs` when
  `top_logprobs` is set (sorted; the SDK builds it from a set, in no fixed order).
- `top_logprobs` and every key of `extra_args`: top-level fields of the body; a key the body
  already has is an error, as in the SDK.
- `extra_body`: its keys merged into the body by the transport, as the openai client merges
  them; `extra_headers` / `extra_query`: headers and query parameters of the HTTP request. They
  travel in the body under those names, and each transport takes them out (`REQUEST_OPTIONS`).
- `frequency_penalty`, `presence_penalty`: accepted, never sent: the Responses API has no such
  field and the SDK's Responses model sends neither.
- `verbosity` goes in `text` (`turns.request_body`).
"""

from __future__ import annotations

from typing import Any

from .errors import UserError

_AS_GIVEN = (
    "temperature",
    "top_p",
    "truncation",
    "max_output_tokens",
    "store",
    "prompt_cache_retention",
    "reasoning",
    "metadata",
)
REQUEST_OPTIONS = ("extra_headers", "extra_query", "extra_body")
"""Settings that are options of the HTTP request, not fields of its JSON body."""
LOGPROBS_INCLUDE = "message.output_text.logprobs"


def settings_fields(settings: dict[str, Any], *, offers_tools: bool) -> dict[str, Any]:
    """The body fields of `settings` (an agent's lowered model settings)."""
    fields: dict[str, Any] = {key: settings[key] for key in _AS_GIVEN if key in settings}
    if offers_tools and "parallel_tool_calls" in settings:
        fields["parallel_tool_calls"] = settings["parallel_tool_calls"]
    include = set(settings.get("response_include") or ())
    if settings.get("top_logprobs") is not None:
        include.add(LOGPROBS_INCLUDE)
    fields["include"] = sorted(include)
    for key in REQUEST_OPTIONS:
        if settings.get(key):
            fields[key] = settings[key]
    return fields


def with_extra_args(body: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """`body` with the fields of `extra_args` (and `top_logprobs`) added; a UserError when one
    is already set."""
    extra = dict(settings.get("extra_args") or {})
    if settings.get("top_logprobs") is not None:
        extra["top_logprobs"] = settings["top_logprobs"]
    if not extra:
        return body
    clash = sorted(key for key in extra if key in body)
    if clash:
        raise UserError(
            f"extra_args sets {', '.join(clash)}, which the request already has "
            "(the Agents SDK refuses it too)"
        )
    return {**body, **extra}
