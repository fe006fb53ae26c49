"""The spec's run settings (format 1): `defaults:` and an agent's `model_settings:`, the
retry policy and a stored prompt, with the Agents SDK's names and defaults."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .spec_parts import SpecModel


class RetrySettings(SpecModel):
    """How the runtime retries a failed model call (exponential backoff)."""

    max_retries: int = Field(2, description="Attempts after the first; 0 turns retries off.")
    initial_delay: float = Field(0.5, description="Seconds before the first retry.")
    max_delay: float = Field(8.0, description="Upper bound of one delay, in seconds.")
    multiplier: float = Field(2.0, description="Growth of the delay from one retry to the next.")
    jitter: bool = Field(True, description="Randomise each delay (up to +/-12.5 %).")


class Reasoning(SpecModel):
    """Reasoning options for reasoning models."""

    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None


class ModelSettings(SpecModel):
    """Sampling and tool settings sent with every model call of an agent, as the Agents SDK's
    `ModelSettings` sends them (`max_output_tokens` is its `max_tokens`)."""

    temperature: float | None = None
    top_p: float | None = None
    frequency_penalty: float | None = Field(
        None, description="Accepted as in the Agents SDK; never sent (the Responses API has none)."
    )
    presence_penalty: float | None = Field(
        None, description="Accepted as in the Agents SDK; never sent (the Responses API has none)."
    )
    max_output_tokens: int | None = None
    tool_choice: str | None = Field(
        None,
        description="auto, required, none, or the name of one of the agent's tools "
        "(a hosted tool by its type, e.g. file_search).",
    )
    parallel_tool_calls: bool | None = None
    truncation: Literal["auto", "disabled"] | None = None
    reasoning: Reasoning | None = None
    store: bool | None = None
    metadata: dict[str, str] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    top_logprobs: int | None = Field(
        None, description="Also adds message.output_text.logprobs to `include`."
    )
    response_include: list[str] | None = Field(
        None, description="What the response should include (the request's `include`)."
    )
    extra_headers: dict[str, str] | None = Field(None, description="HTTP headers of each request.")
    extra_query: dict[str, Any] | None = Field(
        None, description="Query parameters of each request."
    )
    extra_body: dict[str, Any] | None = Field(
        None, description="Fields merged into each request body."
    )
    extra_args: dict[str, Any] | None = Field(
        None, description="More request fields (e.g. service_tier, user); not ones already set."
    )


class StoredPrompt(SpecModel):
    """A prompt stored on the OpenAI platform, sent as the request's `prompt`."""

    id: str
    version: str | None = None
    variables: dict[str, Any] | None = None


class Defaults(SpecModel):
    """Settings every agent inherits unless it overrides them, and the run's limits."""

    model: str | None = Field(None, description="The model of every agent that names none.")
    model_settings: ModelSettings = ModelSettings()
    max_turns: int = Field(10, description="Model calls a run may make before it stops.")
    retry: RetrySettings = RetrySettings()
    tool_error: str = Field(
        "An error occurred while running the tool. Please try again.",
        description="What the model sees when a tool raises, the Agents SDK's text by default "
        "(which shows the model no exception); {error}, if written, is the exception text.",
    )
    workflow_name: str | None = Field(
        None, description="Trace: the name of a run's trace (default 'Agent workflow')."
    )
    trace_id: str | None = Field(
        None,
        pattern=r"^trace_[0-9a-f]{32}$",
        description="Trace: the trace id of every run, 'trace_' and 32 lowercase hex digits.",
    )
    group_id: str | None = Field(None, description="Trace: links the traces of one conversation.")
    trace_metadata: dict[str, Any] | None = Field(None, description="Trace: its metadata.")
    tracing_disabled: bool | None = Field(None, description="Trace: no spans at all.")
    trace_include_sensitive_data: bool | None = Field(
        None,
        description="Trace: inputs, outputs, instructions and tool arguments on the spans "
        "(default true, or OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA).",
    )
