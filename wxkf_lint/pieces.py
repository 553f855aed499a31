"""A file parsed by LibCST one top-level statement group at a time, and put together as one module.

LibCST's native parser needs, while it parses, about 20 KB per line of the text it is given: the whole of a
15,000-line module peaks at 320 MB, though the tree it returns is a fifth of that.  Given the same module one
top-level ``def``/``class``/``if``/… at a time (each with the simple statements that follow it), it peaks at
100 MB and takes no longer (a call costs 30 µs).  Where to cut comes from CPython's tree of the text, which
:mod:`wxkf_lint.parse_limits` builds anyway: before a top-level compound statement that starts a line,
after every earlier statement has ended.

A piece is parsed in the state the whole text would put LibCST in at that line (nothing open, no
indentation), so its nodes are the nodes the whole parse gives, but for one thing: the blank lines and
comments between two pieces are the first piece's ``footer``, not the next statement's ``leading_lines``.
No analysis reads them; but so the module put together is the file's statements, not its text, and
positions are computed on the pieces (:mod:`wxkf_lint.positions`), each of whose code is its text exactly.

A piece that LibCST would read differently alone is not cut off: when the pieces' indentation units or
line endings differ (the whole text's default would then be another piece's) or a piece does not parse,
the text is parsed whole, as it is when CPython gave no tree (a syntax error, newer syntax than the
running Python's).

The language server re-lints a document on every edit; :class:`PieceCache` keeps the pieces of the texts it
parsed by their text, so an edit re-parses only the pieces it touched.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import libcst as cst

from wxkf_lint.lines import LineIndex
from wxkf_lint.parse_limits import TopStatement

_BLOCK_OWNERS = (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)


@dataclass(frozen=True)
class Piece:
    """One parsed stretch of the text: ``module.code`` is the text from ``line`` to the next piece."""

    line: int
    module: cst.Module


@dataclass(frozen=True)
class ParsedFile:
    """Every statement of the file in one module, for the analysis, and the pieces it was parsed in."""

    module: cst.Module
    pieces: Tuple[Piece, ...]

    def piece_starts(self, order: Dict[cst.CSTNode, int]) -> "PieceFinder":
        """Which piece holds a node, by its preorder number in ``order`` (the analysis' index)."""
        return PieceFinder(self.module, self.pieces, order)


class PieceFinder:
    """A node's piece: the pieces' statements are consecutive in preorder, so one bisection finds it."""

    def __init__(self, module: cst.Module, pieces: Sequence[Piece], order: Dict[cst.CSTNode, int]) -> None:
        self.module = module
        self.pieces = tuple(pieces)
        self._holding = [piece for piece in pieces if piece.module.body]
        self._starts = [order[piece.module.body[0]] for piece in self._holding]
        self._order = order

    def pieces_of(self, node: cst.CSTNode) -> Tuple[Piece, ...]:
        """The piece that holds ``node``; the first and the last for the module (it spans them all)."""
        if node is self.module:
            return (self.pieces[0], self.pieces[-1])
        number = self._order.get(node)
        at = bisect_right(self._starts, number) - 1 if number else -1
        return (self._holding[at],) if at >= 0 else ()


class PieceCache:
    """Parsed pieces by their text, the least recently used dropped past ``max_chars`` of text (a tree
    holds about 125 bytes per character of its text: a million characters, 25,000 lines, is 125 MB).

    LibCST's nodes are immutable and every analysis is built afresh for each lint, so a piece's tree can
    serve any text that contains the same piece, at any line.
    """

    def __init__(self, max_chars: int = 1_000_000) -> None:
        self.max_chars = max_chars
        self._pieces: "OrderedDict[str, cst.Module]" = OrderedDict()
        self._chars = 0

    def parse(self, text: str) -> cst.Module:
        module = self._pieces.get(text)
        if module is not None:
            self._pieces.move_to_end(text)
            return module
        module = cst.parse_module(text)
        self._pieces[text] = module
        self._chars += len(text)
        while self._chars > self.max_chars and len(self._pieces) > 1:
            dropped, _ = self._pieces.popitem(last=False)
            self._chars -= len(dropped)
        return module


def parse_file(
    text: str, lines: LineIndex, statements: Optional[Sequence[TopStatement]], cache: Optional[PieceCache] = None
) -> ParsedFile:
    """Parse ``text`` in pieces cut before its top-level compound statements (``statements``: CPython's
    outline of them; None parses it whole).  Raises what ``cst.parse_module`` raises for the whole text."""
    cuts = _cuts(lines, statements or ())
    pieces = _parse_pieces(text, lines, cuts, cache) if cuts else None
    module = _assemble(pieces) if pieces is not None else None
    if pieces is not None and module is not None:
        return ParsedFile(module, pieces)
    module = cache.parse(text) if cache is not None else cst.parse_module(text)
    return ParsedFile(module, (Piece(1, module),))


def _cuts(lines: LineIndex, statements: Sequence[TopStatement]) -> Tuple[int, ...]:
    """The lines where a piece may start: a compound statement's first line (its first decorator's),
    starting at column 0 with the statement itself, after every earlier statement ended."""
    cuts = []
    ended = 0
    for statement in statements:
        if statement.compound and statement.first_line > ended > 0 and _starts_statement(lines, statement):
            cuts.append(statement.first_line)
        ended = max(ended, statement.last_line)
    return tuple(cuts)


def _starts_statement(lines: LineIndex, statement: TopStatement) -> bool:
    """The line begins with the statement: its ``@`` or its keyword (not a bracket, a form feed, a space)."""
    first = lines.line_text(statement.first_line)[:1]
    return first == "@" if statement.decorated else first.isascii() and first.isalpha()


def _parse_pieces(
    text: str, lines: LineIndex, cuts: Sequence[int], cache: Optional[PieceCache]
) -> Optional[Tuple[Piece, ...]]:
    """The pieces between the cuts, or None when one does not parse alone."""
    parse = cache.parse if cache is not None else cst.parse_module
    starts = (1, *cuts)
    offsets = [lines.offset(line, 1) for line in starts] + [len(text)]
    pieces = []
    try:
        for line, start, end in zip(starts, offsets, offsets[1:]):
            pieces.append(Piece(line, parse(text[start:end])))
    except cst.ParserSyntaxError:  # the whole text's parse reports it, at the whole text's position
        return None
    return tuple(pieces)


def _has_block(module: cst.Module) -> bool:
    """The piece has an indented block, from which LibCST took its ``default_indent``.

    Blocks nest only in blocks, so the first one in a piece is a suite of one of its top-level statements.
    """
    return any(_owns_block(statement) for statement in module.body)


def _owns_block(node: cst.CSTNode) -> bool:
    for child in node.children:
        if isinstance(child, cst.IndentedBlock):
            return True
        if isinstance(child, _BLOCK_OWNERS) and _owns_block(child):
            return True
    return False


def _assemble(pieces: Sequence[Piece]) -> Optional[cst.Module]:
    """One module of every piece's statements, with the whole text's header, footer and defaults; None when
    the pieces' defaults differ, so that a piece's nodes would not be what the whole parse gives."""
    first, last = pieces[0].module, pieces[-1].module
    indents = {piece.module.default_indent for piece in pieces if _has_block(piece.module)}
    if len({piece.module.default_newline for piece in pieces}) > 1 or len(indents) > 1:
        return None
    return cst.Module(
        body=[statement for piece in pieces for statement in piece.module.body],
        header=first.header,
        footer=last.footer,
        encoding=first.encoding,
        default_indent=indents.pop() if indents else first.default_indent,
        default_newline=first.default_newline,
        has_trailing_newline=last.has_trailing_newline,
    )
