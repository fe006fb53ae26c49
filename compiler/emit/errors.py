"""What drawing a graph can raise. One root (under `AgentGraphError`), each also the builtin a
caller would catch:

EmitError
├── GraphvizNotFoundError (also FileNotFoundError): no `dot` binary for SVG, PNG or HTML
├── GraphvizError (also RuntimeError): `dot` refused the input or failed
└── OverlayError (also ValueError): a path that cannot be drawn on this graph
    ├── OverlayReadError (also OSError): the path's file cannot be read
    └── StaleOverlayError: the path was taken on another version of the graph
"""

from __future__ import annotations

from ..errors import AgentGraphError


class EmitError(AgentGraphError):
    """Drawing a graph failed."""


class GraphvizNotFoundError(EmitError, FileNotFoundError):
    """The graphviz `dot` binary is not on the PATH."""


class GraphvizError(EmitError, RuntimeError):
    """The graphviz `dot` binary failed."""


class OverlayError(EmitError, ValueError):
    """A path (run result or cassette) that cannot be drawn on this graph."""


class OverlayReadError(OverlayError, OSError):
    """The file of a path (a saved run result) cannot be read: an I/O error, not bad data."""


class StaleOverlayError(OverlayError):
    """The path was recorded on a graph whose digest differs from this one."""
