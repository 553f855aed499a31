"""Writing ``# noqa: WXKnnn`` on a line: where a comment can go, and merging codes into one already there.

A comment can go at the end of a physical line unless that end lies inside a string that goes on to the
next line (a triple-quoted string; on Python 3.12+ also an f-string, which the tokenizer splits into
parts) or after a backslash continuation: text appended there would change the string or break the
statement.  Python's own tokenizer says which lines those are; a text it cannot tokenize gets no edit,
since where a comment may go is then unknown.  A line that already has a ``# noqa: CODES`` comment gets
the new codes merged into it (``# noqa: E501, WXK101``); any other comment is kept and the noqa
comment follows it (``# type: ignore  # noqa: WXK101``), as ruff's ``--add-noqa`` writes them.
"""

from __future__ import annotations

import io
import tokenize
from typing import Dict, Iterable, List, Optional, Set

from wxkf_lint.noqa import NOQA, is_suppressed, noqa_lines

#: token types that open and close a string made of several tokens (f-strings on 3.12+, t-strings on 3.14+)
_OPENERS = {getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name)}
_CLOSERS = {getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)}


class NoqaSites:
    """Which lines of one text can take a noqa comment, and the comment each already has."""

    def __init__(self, text: str) -> None:
        self.ok = True
        #: lines whose end is inside a string or a continued statement: no comment can go there
        self.blocked: Set[int] = set()
        #: line → the comment token on it
        self.comments: Dict[int, tokenize.TokenInfo] = {}
        opened: List[int] = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
                if token.type == tokenize.COMMENT:
                    self.comments[token.start[0]] = token
                elif token.type in _OPENERS:
                    opened.append(token.start[0])
                elif token.type in _CLOSERS and opened:
                    self.blocked.update(range(opened.pop(), token.end[0]))
                elif token.type == tokenize.STRING and token.end[0] > token.start[0]:
                    self.blocked.update(range(token.start[0], token.end[0]))
        except (tokenize.TokenError, SyntaxError, RecursionError, MemoryError):
            self.ok = False

    def with_codes(self, number: int, line: str, codes: Iterable[str]) -> Optional[str]:
        """``line`` (the text of line ``number``, without its break) with ``codes`` suppressed by its noqa comment.

        None where no comment can go, or where the result would still not suppress every code (a
        ``# noqa:`` inside a string earlier on the line is what flake8's pattern finds first).
        """
        wanted = list(dict.fromkeys(codes))
        if not self.ok or number in self.blocked or not wanted:
            return None
        comment = self.comments.get(number)
        if comment is None and line.rstrip().endswith("\\"):
            return None
        match = NOQA.search(comment.string) if comment is not None else None
        if comment is not None and match is not None and match.group("codes"):
            start = comment.start[1] + match.start("codes")
            listed = line[start : comment.start[1] + match.end("codes")]
            kept = listed.rstrip(", \t")
            known = {code.upper() for code in kept.replace(",", " ").split()}
            added = [code for code in wanted if code not in known]
            new = line[:start] + ", ".join([kept, *added]) + listed[len(kept):] + line[start + len(listed):]
        else:
            new = line.rstrip() + "  # noqa: " + ", ".join(wanted)
        found = noqa_lines([new])
        return new if all(is_suppressed(code, 1, found) for code in wanted) else None
