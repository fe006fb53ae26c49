"""The apps of the parity corpus, one module each (its SDK agents, its Python functions and its
`TOPOLOGY`); the spec of each is `tests/parity/specs/<name>.yaml`."""

from __future__ import annotations

from tests.parity.apps import hello_world, routing
from tests.parity.topology import Topology

TOPOLOGIES: tuple[Topology, ...] = (
    hello_world.TOPOLOGY,
    routing.TOPOLOGY,
)
