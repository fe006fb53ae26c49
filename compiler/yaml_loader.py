"""The YAML loader of specs: PyYAML's safe loader (the C one when built), restricted to what
JSON can hold, and the scan that comes before it (duplicate keys, the count of nodes).
Imported only when a YAML spec is read.

PyYAML composes a whole document into a tree of node objects before it builds any data: about
500 bytes a node (each scalar, sequence or mapping, with its two position marks), 40 times
the text of a typical spec, whichever loader. The scan counts the nodes first, from the
parser's events (nothing is built), and a document of more than MAX_NODES is refused with a
diagnostic rather than loaded; JSON, which agentgraph reads without such a tree, has no bound
but the file's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DUPLICATES = 1000
"""Duplicate keys reported per file at most; past it the file is not read further."""

MAX_NODES = 1_000_000
"""The most nodes (scalars, sequences, mappings) a YAML spec may have: about 500 MB of PyYAML
nodes at most; a 10,000-agent spec has about 570,000."""

_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class _Open:
    """A collection the scan is inside: for a mapping, the keys seen and whether a key is next."""

    keys: set[str] | None
    key_next: bool = True


@dataclass
class Scan:
    """What `scan` found: (key event, key text) of the first MAX_DUPLICATES duplicate keys in
    document order, and whether more followed; the event of the node past MAX_NODES, if any."""

    found: list[tuple[Any, str]] = field(default_factory=list)
    more: bool = False
    too_many: Any = None


def scan(text: str, max_nodes: int | None = None) -> Scan:
    """The duplicate mapping keys of `text` (YAML silently keeps the last one) and whether it
    has more than `max_nodes` nodes (default MAX_NODES), read from the parser's events: nothing
    is built, so memory is the keys of the open mappings, and a file of nothing but duplicates
    costs no node tree. A key written as a scalar is compared as text (`1:` and `"1":` are the
    same key in a spec). Stops after MAX_DUPLICATES + 1 duplicates or max_nodes + 1 nodes;
    invalid YAML ends the scan quietly (the loader reports it)."""
    limit = MAX_NODES if max_nodes is None else max_nodes
    result = Scan()
    stack: list[_Open] = []
    nodes = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            nodes += 1
            if nodes > limit:
                result.too_many = event
                return result
            parent = stack[-1] if stack else None
            if parent is not None and parent.keys is not None:
                if parent.key_next and isinstance(event, yaml.ScalarEvent):
                    if event.value in parent.keys:
                        if len(result.found) == MAX_DUPLICATES:
                            result.more = True
                            return result
                        result.found.append((event, event.value))
                    parent.keys.add(event.value)
                parent.key_next = not parent.key_next
            if isinstance(event, yaml.MappingStartEvent):
                stack.append(_Open(set()))
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append(_Open(None))
    except yaml.YAMLError:
        pass
    return result


class SpecLoader(_Loader):
    """The safe loader, restricted to what JSON can hold: mapping keys are read as strings,
    timestamps stay text, and sets, binary, ordered maps and infinities are refused. It notes
    the first alias it meets (a node constructed a second time: what an alias bomb is made
    of)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.first_alias: Any = None
        """The first node the document uses again through an alias, or None."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if self.first_alias is None and node in self.constructed_objects:
            self.first_alias = node
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_node.tag = _STR_TAG  # `1:` or `yes:` as a key means the text, as in JSON
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
