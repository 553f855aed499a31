"""Positions in an editor's text: the engine's 1-based (line, column) as LSP's 0-based (line, character).

The engine counts lines as LibCST does (``\\n``, ``\\r\\n`` and ``\\r`` end a line) and columns in code
points.  LSP counts lines the same way but columns in the code units the client and server agreed on
at ``initialize``: UTF-16 unless the client offered UTF-8 or UTF-32.  ``str.splitlines`` is no use here
(pygls' ``TextDocument.lines`` uses it): it also breaks at form feeds, ``\\x1c``-``\\x1e`` and U+2028,
which are ordinary characters in Python source and in LSP, and every line after one would be off.
"""

from __future__ import annotations

import re
from typing import List, Tuple

#: the line breaks of LSP and of LibCST's positions
LINE_BREAK = re.compile(r"\r\n?|\n")

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def code_units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` (an LSP ``PositionEncodingKind``) ``text`` takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class LineIndex:
    """The lines of one text, for placing engine positions in the code units of one client encoding."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts: List[int] = [0]
        self.starts.extend(match.end() for match in LINE_BREAK.finditer(text))

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line(self, number: int) -> str:
        """The text of the 1-based line ``number``, without its line break."""
        start = self.starts[number - 1]
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")  # one line break at most: the segment ends at it

    def to_lsp(self, line: int, column: int) -> Tuple[int, int]:
        """Engine (1-based line, 1-based code-point column) → LSP (0-based line, character), clamped to the text."""
        line = min(max(line, 1), self.line_count)
        text = self.line(line)
        return line - 1, code_units(text[: max(column - 1, 0)], self.encoding)
