"""A function tool derived from a Python function, as the Agents SDK derives one
(`agents.function_schema`): what the model sees, and how its arguments become a call.

- The description is the first text section of the docstring; each parameter's description is
  its entry in the docstring's parameter section (`Args:`, numpy or sphinx style), else the
  first string of its `Annotated[..., "description"]`. Docstrings are parsed by griffe, the
  library the SDK parses them with.
- The parameters are the fields of a pydantic model named `<tool>_args` built from the
  signature (annotations evaluated, so `from __future__ import annotations` works), without the
  run-context parameter (`run_context.context_parameter`); `*args` is a list, `**kwargs` a
  mapping (never strict). The schema is made strict by the SDK's rules (`strict_schema`).
- The model's arguments are validated by that model and passed as the values it holds (a nested
  model arrives as its instance, not as a dict).
"""

from __future__ import annotations

import inspect
import logging
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic.fields import FieldInfo

from .signatures import context_parameter, type_hints
from .strict_schema import Strictness, strict_schema


@dataclass(frozen=True)
class DerivedTool:
    """What a Python function offers the model as a tool."""

    description: str | None
    schema: Strictness
    arguments: type[BaseModel]
    """Validates the model's arguments."""
    signature: inspect.Signature
    context: str | None
    """The name of the parameter that takes the run context, if any."""

    def call_arguments(
        self, arguments: dict[str, Any], context: Any
    ) -> tuple[list[Any], dict[str, Any]]:
        """The positional and keyword arguments of the call, `context` in the place of the
        run-context parameter; ValueError when the model's arguments do not validate."""
        try:
            data = self.arguments(**arguments)
        except ValidationError as exc:
            raise ValueError(str(exc)) from None
        values = data.__dict__
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        after_star = False
        for name, parameter in self.signature.parameters.items():
            value = context if name == self.context else values.get(name)
            if parameter.kind is parameter.VAR_POSITIONAL:
                args.extend(value or [])
                after_star = True
            elif parameter.kind is parameter.VAR_KEYWORD:
                kwargs.update(value or {})
            elif parameter.kind is parameter.KEYWORD_ONLY or after_star:
                kwargs[name] = value
            else:
                args.append(value)
        return args, kwargs


@lru_cache(maxsize=1024)
def derive_tool(function: Callable[..., Any], name: str) -> DerivedTool:
    """The tool the Agents SDK would make of `function` under the name `name`; ValueError
    when pydantic cannot make its parameters' schema."""
    description, documented = _documentation(function)
    hints = type_hints(function)
    signature = inspect.signature(function)
    taken = context_parameter(function)
    fields: dict[str, Any] = {}
    config = ConfigDict()
    for param_name, parameter in signature.parameters.items():
        if taken is not None and param_name == taken.name:
            continue
        full = hints.get(param_name, parameter.annotation)
        annotation, metadata = _strip_annotated(Any if full is parameter.empty else full)
        said = documented.get(param_name) or next((m for m in metadata if isinstance(m, str)), None)
        if parameter.kind is parameter.VAR_POSITIONAL:
            item = annotation
            if typing.get_origin(annotation) is tuple:
                item = typing.get_args(annotation)[0] if typing.get_args(annotation) else Any
            fields[param_name] = (list[item], Field(default_factory=list, description=said))  # type: ignore[valid-type]
        elif parameter.kind is parameter.VAR_KEYWORD:
            config["extra"] = "forbid"
            fields[param_name] = (
                dict[str, annotation],  # type: ignore[valid-type]
                Field(default_factory=dict, description=said),
            )
        else:
            fields[param_name] = (annotation, _field(full, metadata, parameter.default, said))
    try:
        model = create_model(f"{name}_args", __base__=BaseModel, __config__=config, **fields)
        schema = model.model_json_schema()
    except Exception as exc:  # noqa: BLE001 - annotations of user code
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"cannot derive its parameters from its signature: {reason}") from exc
    return DerivedTool(
        description=description,
        schema=strict_schema(schema),
        arguments=model,
        signature=signature,
        context=taken.name if taken is not None else None,
    )


def _field(full: Any, metadata: tuple[Any, ...], default: Any, said: str | None) -> FieldInfo:
    """The pydantic field of one parameter: its default, description and any `Field(...)` or
    constraint written in its `Annotated`."""
    empty = inspect.Parameter.empty
    if metadata:
        info = FieldInfo.from_annotation(full)
        info = FieldInfo.merge_field_infos(info, description=said or info.description)
        if isinstance(default, FieldInfo):
            return FieldInfo.merge_field_infos(info, default)
        if default is not empty:
            return FieldInfo.merge_field_infos(info, default=default)
        return info
    if isinstance(default, FieldInfo):
        return FieldInfo.merge_field_infos(default, description=said or default.description)
    if default is empty:
        return Field(..., description=said)  # type: ignore[no-any-return,unused-ignore]
    return Field(default=default, description=said)  # type: ignore[no-any-return,unused-ignore]


def _strip_annotated(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    metadata: tuple[Any, ...] = ()
    while typing.get_origin(annotation) is Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata = (*metadata, *extra)
    return annotation, metadata


def _documentation(function: Callable[..., Any]) -> tuple[str | None, dict[str, str]]:
    """The description and the parameter descriptions of a function's docstring."""
    doc = inspect.getdoc(function)
    if not doc:
        return None, {}
    import griffe  # loaded only when a tool is derived

    logger = logging.getLogger("griffe")  # griffe warns about parameters it finds no type for
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        docstring = griffe.Docstring("\n" + doc, lineno=1)
        style, _ = griffe.infer_docstring_style(docstring, default="google")
        sections = docstring.parse(style)
    finally:
        logger.setLevel(level)
    kinds = griffe.DocstringSectionKind
    description = next((s.value for s in sections if s.kind is kinds.text), None)
    documented = {
        p.name.lstrip("*"): p.description
        for s in sections
        if s.kind is kinds.parameters
        for p in s.value
    }
    return description, documented
