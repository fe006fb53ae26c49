"""The JSON Schema keywords that match regular expressions, with the match bounded.

These are jsonschema's own keywords (jsonschema/_keywords.py and, for `unevaluatedProperties`,
the walk of jsonschema/_utils.py `find_evaluated_property_keys_by_schema`), with `re.search`
replaced by `search`, a bounded search that raises `PatternTimeout` (`schema_validators`).
Everything else is theirs, messages included, so a bounded validator judges every value as
jsonschema's Draft 2020-12 validator does (tests/compiler/test_schema_keywords.py holds them
to it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Search = Callable[[str, str], bool]
"""search(pattern, text): whether `pattern` matches somewhere in `text`, within a bound."""

Keyword = Callable[[Any, Any, Any, Any], Iterator[Any]]
"""A jsonschema keyword function: (validator, the keyword's value, instance, schema)."""


def keywords(search: Search) -> dict[str, Keyword]:
    """The keywords to replace in Draft202012Validator (`jsonschema.validators.extend`)."""
    return {
        "pattern": _pattern(search),
        "patternProperties": _pattern_properties(search),
        "additionalProperties": _additional_properties(search),
        "unevaluatedProperties": _unevaluated_properties(search),
    }


def _pattern(search: Search) -> Keyword:
    def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not search(patrn, instance):
            from jsonschema.exceptions import ValidationError

            yield ValidationError(f"{instance!r} does not match {patrn!r}")

    return pattern


def _pattern_properties(search: Search) -> Keyword:
    def pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        for patrn, subschema in patterns.items():
            for key, value in instance.items():
                if search(patrn, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=patrn)

    return pattern_properties


def _additional_properties(search: Search) -> Keyword:
    def additional_properties(validator: Any, extra: Any, instance: Any, schema: Any) -> Any:
        from jsonschema.exceptions import ValidationError

        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})  # jsonschema joins them with `|`: the same
        extras = {
            key
            for key in instance
            if key not in properties and not any(search(patrn, key) for patrn in patterns)
        }
        if validator.is_type(extra, "object"):
            for key in extras:
                yield from validator.descend(instance[key], extra, path=key)
        elif not extra and extras:
            names = ", ".join(repr(each) for each in sorted(extras, key=str))
            if "patternProperties" in schema:
                verb = "does" if len(extras) == 1 else "do"
                listed = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
                yield ValidationError(f"{names} {verb} not match any of the regexes: {listed}")
            else:
                verb = "was" if len(extras) == 1 else "were"
                yield ValidationError(
                    f"Additional properties are not allowed ({names} {verb} unexpected)"
                )

    return additional_properties


def _unevaluated_properties(search: Search) -> Keyword:
    def unevaluated_properties(validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Any:
        from jsonschema.exceptions import ValidationError

        if not validator.is_type(instance, "object"):
            return
        evaluated = _evaluated_keys(search, validator, instance, schema)
        failing = []  # a key once per error, as jsonschema lists it
        for key in instance:
            if key not in evaluated:
                for _ in validator.descend(instance[key], unevaluated, path=key, schema_path=key):
                    failing.append(key)  # noqa: PERF401
        if not failing:
            return
        if unevaluated is False:
            extras = sorted(failing, key=str)
            yield ValidationError(
                f"Unevaluated properties are not allowed ({_listed(extras)} unexpected)"
            )
        else:
            yield ValidationError(
                "Unevaluated properties are not valid under the given schema "
                f"({_listed(failing)} unevaluated and invalid)"
            )

    return unevaluated_properties


def _listed(extras: list[Any]) -> str:
    """jsonschema's `extras_msg`: the names, and `was` or `were`."""
    return f"{', '.join(repr(each) for each in extras)} {'was' if len(extras) == 1 else 'were'}"


def _valid(errors: Iterator[Any]) -> bool:
    return next(errors, None) is None


def _evaluated_keys(search: Search, validator: Any, instance: Any, schema: Any) -> list[Any]:
    """The keys of `instance` that `schema` evaluates (properties, additionalProperties,
    unevaluatedProperties, patternProperties, dependentSchemas, allOf, oneOf, anyOf, if, then,
    else, and through `$ref` / `$dynamicRef`), as jsonschema finds them."""
    if validator.is_type(schema, "boolean"):
        return []
    keys: list[Any] = []
    for keyword in ("$ref", "$dynamicRef"):
        ref = schema.get(keyword)
        if ref is not None:
            resolved = validator._resolver.lookup(ref)  # as jsonschema's own walk does
            inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            keys += _evaluated_keys(search, inner, instance, resolved.contents)
    properties = schema.get("properties")
    if validator.is_type(properties, "object"):
        keys += properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        subschema = schema.get(keyword)
        if subschema is not None:
            keys += (
                key
                for key, value in instance.items()
                if _valid(validator.descend(value, subschema))
            )
    if "patternProperties" in schema:
        for key in instance:
            for patrn in schema["patternProperties"]:
                if search(patrn, key):
                    keys.append(key)
    for key, subschema in schema.get("dependentSchemas", {}).items():
        if key in instance:
            keys += _evaluated_keys(search, validator, instance, subschema)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for subschema in schema.get(keyword, []):
            if _valid(validator.descend(instance, subschema)):
                keys += _evaluated_keys(search, validator, instance, subschema)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            keys += _evaluated_keys(search, validator, instance, schema["if"])
            if "then" in schema:
                keys += _evaluated_keys(search, validator, instance, schema["then"])
        elif "else" in schema:
            keys += _evaluated_keys(search, validator, instance, schema["else"])
    return keys
