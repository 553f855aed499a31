"""The one text model: where a source text's lines start, as Python, LibCST and flake8 count them.

A line ends at ``\\r\\n``, ``\\r`` or ``\\n`` and nowhere else.  ``str.splitlines`` also breaks at form
feeds, vertical tabs, ``\\x1c``-``\\x1e``, ``\\x85`` and the Unicode line separators, which Python source
treats as ordinary characters inside a line: a ``# noqa`` after a form feed would land on a line of its
own and suppress nothing.  noqa comments, fixes (offset edits) and finding positions (LibCST's 1-based
lines, 0-based columns) are all translated through this index, so they agree on every line ending.
"""

from __future__ import annotations

import re
from typing import List

#: the line breaks of Python source, as LibCST's position provider counts them
LINE_BREAK = re.compile(r"\r\n?|\n")


class LineIndex:
    """Offsets of a text's line starts: (line, column) → offset, and each line's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        starts.extend(match.end() for match in LINE_BREAK.finditer(text))
        #: ``starts[n]`` is the offset of line ``n + 1``; a text ending in a line break has an empty last line
        self.starts: List[int] = starts

    def offset(self, line: int, column: int) -> int:
        """The string offset of a 1-based line and a 1-based column (the column past a line's end is its break)."""
        return self.starts[line - 1] + column - 1

    def line_end(self, line: int) -> int:
        """The offset where line ``line``'s break starts (or the text ends)."""
        if line < len(self.starts):
            end = self.starts[line]
            return end - 2 if self.text.startswith("\r\n", end - 2) else end - 1
        return len(self.text)

    def line_text(self, line: int) -> str:
        """Line ``line`` (1-based) without its line break."""
        return self.text[self.starts[line - 1] : self.line_end(line)]

    def lines(self) -> List[str]:
        """Every line without its break; a final line break opens no further line (as ``splitlines``)."""
        count = len(self.starts) - (1 if self.starts[-1] == len(self.text) else 0)
        return [self.line_text(line) for line in range(1, count + 1)]

    def lines_with_breaks(self) -> List[str]:
        """Every line with its own break, for diffs (``"".join`` gives the text back)."""
        ends = self.starts[1:] + [len(self.text)]
        pieces = [self.text[start:end] for start, end in zip(self.starts, ends)]
        return pieces[:-1] if pieces and pieces[-1] == "" else pieces
