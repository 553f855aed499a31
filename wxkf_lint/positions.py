"""Source positions of reported nodes: LibCST's two position providers, computed in one code generation.

Only files with something to report need positions, but in WeCom-dense code that is most files, and the
way ``MetadataWrapper.resolve`` gets them costs three times the parse: each ``resolve`` first walks the
whole tree once for batchable providers (even when none is asked for), then runs a code generation
pass, and the syntactic positions (``PositionProvider``) and the whitespace-inclusive spans of fixes
(``WhitespaceInclusivePositionProvider``) are two resolves.  Here one code generation yields both: the
syntactic positions exactly as ``PositionProvider`` computes them (same code-generation state, whose
``record_syntactic_position`` hoists positions from child nodes), and the whitespace-inclusive span, which
is just where each node's code generation starts and ends, for the nodes a fix replaces.  Positions are
recorded only inside the reported nodes, and newline counting skips the regex split for tokens without a
line break, which are nearly all of them.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Collection, ContextManager, Dict, List, Optional, Tuple

import libcst as cst
from libcst.metadata import CodePosition, CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState

from wxkf_lint.lines import LINE_BREAK
from wxkf_lint.pieces import Piece, PieceFinder

Positions = Dict[cst.CSTNode, CodeRange]


_NOTHING = nullcontext()


class _Sink:
    """Stands in for the provider the code-generation state writes syntactic positions into."""

    def __init__(self, nodes: Collection[cst.CSTNode], replaced: Collection[cst.CSTNode]) -> None:
        self._computed: Positions = {}
        self.replaced = set(replaced)
        self.wanted = set(nodes) | self.replaced
        self.inclusive: Positions = {}
        #: how many wanted nodes the code generation is inside: positions are recorded only then
        self.depth = 0


class _State(PositionProvidingCodegenState):
    """``PositionProvider``'s state, recording only inside the wanted nodes.

    A node's syntactic position may be hoisted from its descendants (``end_node=self.body``), never
    from elsewhere, so the positions inside a wanted node are all its own needs.
    """

    def _update_position(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = LINE_BREAK.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        sink = self.provider
        if node in sink.wanted:
            sink.depth += 1
        self._stack.append(CodePosition(self.line, self.column) if sink.depth else None)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        sink = self.provider
        if start is not None:
            span = CodeRange(start, CodePosition(self.line, self.column))
            if node not in sink._computed:
                sink._computed[node] = span
            if node in sink.replaced and node not in sink.inclusive:
                sink.inclusive[node] = span
        if node in sink.wanted:
            sink.depth -= 1

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> ContextManager[None]:
        if not self.provider.depth:
            return _NOTHING
        return super().record_syntactic_position(node, start_node=start_node, end_node=end_node)


def resolve_positions(
    pieces: PieceFinder, nodes: Collection[cst.CSTNode], replaced: Collection[cst.CSTNode] = ()
) -> Tuple[Positions, Positions]:
    """(``PositionProvider``'s positions of ``nodes`` and their descendants, ``WhitespaceInclusivePositionProvider``'s
    of ``replaced``), as they are in the file's text.

    Only the pieces (:mod:`wxkf_lint.pieces`) that hold a wanted node are generated, each from the line where
    it starts: the columns of a piece are the file's, since every piece starts a line.
    """
    wanted: Dict[int, Tuple[Piece, List[cst.CSTNode], List[cst.CSTNode]]] = {}
    for group, chosen in ((1, nodes), (2, replaced)):
        for node in chosen:
            for piece in pieces.pieces_of(node):
                entry = wanted.setdefault(id(piece), (piece, [], []))
                entry[group].append(piece.module if node is pieces.module else node)
    positions: Positions = {}
    spans: Positions = {}
    for piece, piece_nodes, piece_replaced in sorted(wanted.values(), key=lambda entry: entry[0].line):
        sink = _Sink(piece_nodes, piece_replaced)
        module = piece.module
        state = _State(default_indent=module.default_indent, default_newline=module.default_newline, provider=sink)
        state.line = piece.line
        module._codegen(state)
        positions.update(sink._computed)
        spans.update(sink.inclusive)
    first, last = pieces.pieces[0].module, pieces.pieces[-1].module
    if first is not pieces.module:  # the module put together spans its pieces, which no rule reports
        for found in (positions, spans):
            if first in found:
                start, end = found.pop(first).start, found.pop(last).end
                found[pieces.module] = CodeRange(start, end)
    return positions, spans
