"""Source positions of reported nodes: LibCST's two position providers, computed in one code generation.

Only files with something to report need positions, but in WeCom-dense code that is most files, and the
way ``MetadataWrapper.resolve`` gets them costs three times the parse: each ``resolve`` first walks the
whole tree once for batchable providers (even when none is asked for), then runs a code generation
pass, and the syntactic positions (``PositionProvider``) and the whitespace-inclusive spans of fixes
(``WhitespaceInclusivePositionProvider``) are two resolves.  Here one code generation yields both: the
syntactic positions exactly as ``PositionProvider`` computes them (same code-generation state, whose
``record_syntactic_position`` hoists positions from child nodes), and the whitespace-inclusive span, which
is just where each node's code generation starts and ends, for the nodes a fix replaces.  Newline
counting skips the regex split for tokens without a line break, which are nearly all of them.
"""

from __future__ import annotations

from typing import Collection, Dict, Tuple

import libcst as cst
from libcst.metadata import CodePosition, CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState

Positions = Dict[cst.CSTNode, CodeRange]


class _Sink:
    """Stands in for the provider the code-generation state writes syntactic positions into."""

    def __init__(self, wanted: Collection[cst.CSTNode]) -> None:
        self._computed: Positions = {}
        self.wanted = wanted
        self.inclusive: Positions = {}


class _State(PositionProvidingCodegenState):
    def _update_position(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        sink = self.provider
        computed = sink._computed
        if node in computed and node not in sink.wanted:
            return
        span = CodeRange(start, CodePosition(self.line, self.column))
        if node not in computed:
            computed[node] = span
        if node in sink.wanted and node not in sink.inclusive:
            sink.inclusive[node] = span


def resolve_positions(module: cst.Module, replaced: Collection[cst.CSTNode] = ()) -> Tuple[Positions, Positions]:
    """(``PositionProvider``'s positions of every node, ``WhitespaceInclusivePositionProvider``'s of ``replaced``)."""
    sink = _Sink(set(replaced))
    state = _State(default_indent=module.default_indent, default_newline=module.default_newline, provider=sink)
    module._codegen(state)
    return sink._computed, sink.inclusive
