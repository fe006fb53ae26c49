"""The YAML loader of specs: PyYAML's safe loader (the C one when built), restricted to what
JSON can hold. Imported only when a YAML spec is read."""

from __future__ import annotations

from typing import Any

import yaml

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DUPLICATES = 1000
"""Duplicate keys reported per file at most (a file of nothing but duplicates stays bounded)."""

_STR_TAG = "tag:yaml.org,2002:str"


class SpecLoader(_Loader):
    """The safe loader, restricted to what JSON can hold: mapping keys are read as strings,
    timestamps stay text, and sets, binary, ordered maps and infinities are refused. It notes
    duplicate mapping keys (YAML silently keeps the last one) and the first alias it meets
    (a node constructed a second time: what an alias bomb is made of)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[Any, str]] = []
        self.first_alias: Any = None
        """The first node the document uses again through an alias, or None."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if self.first_alias is None and node in self.constructed_objects:
            self.first_alias = node
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_node.tag = _STR_TAG  # `1:` or `yes:` as a key means the text, as in JSON
                if key_node.value in seen and len(self.duplicates) < MAX_DUPLICATES:
                    self.duplicates.append((key_node, key_node.value))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)

    def construct_text(self, node: Any) -> str:
        return str(node.value)

    def refuse(self, node: Any) -> Any:
        kind = node.tag.rsplit(":", 1)[-1]
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"a YAML {kind} cannot be part of a spec (specs hold JSON values only)",
            node.start_mark,
        )

    def construct_finite_float(self, node: Any) -> float:
        value = self.construct_yaml_float(node)
        if value != value or value in (float("inf"), float("-inf")):
            raise yaml.constructor.ConstructorError(
                None, None, f"`{node.value}` is not a number JSON can hold", node.start_mark
            )
        return float(value)


SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", SpecLoader.construct_text)
SpecLoader.add_constructor("tag:yaml.org,2002:float", SpecLoader.construct_finite_float)
for _kind in ("set", "binary", "omap", "pairs"):
    SpecLoader.add_constructor(f"tag:yaml.org,2002:{_kind}", SpecLoader.refuse)
