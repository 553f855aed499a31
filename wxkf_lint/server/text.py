"""Positions in an editor's text: the engine's 1-based (line, column) as LSP's 0-based (line, character).

Lines are the engine's (``lines.LineIndex``: ``\\n``, ``\\r\\n`` and ``\\r`` end a line), which are
LSP's too; not ``str.splitlines``'s (pygls' ``TextDocument.lines``), which also break at form feeds,
``\\x1c``-``\\x1e`` and U+2028, so every line after one would be off.  Columns are code points in the
engine and, in LSP, code units of the encoding agreed at ``initialize``: UTF-16 unless the client
offered UTF-8 or UTF-32.
"""

from __future__ import annotations

from typing import Tuple

from wxkf_lint.lines import LineIndex

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def code_units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` (an LSP ``PositionEncodingKind``) ``text`` takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class LspPositions:
    """The lines of one text, for placing engine positions in the code units of one client encoding."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.index = LineIndex(text)
        self.encoding = encoding

    @property
    def line_count(self) -> int:
        return len(self.index.starts)

    def line(self, number: int) -> str:
        """The text of the 1-based line ``number``, without its line break."""
        return self.index.line_text(number)

    def to_lsp(self, line: int, column: int) -> Tuple[int, int]:
        """Engine (1-based line, 1-based code-point column) → LSP (0-based line, character), clamped to the text."""
        line = min(max(line, 1), self.line_count)
        return line - 1, code_units(self.line(line)[: max(column - 1, 0)], self.encoding)
