"""A file parsed in pieces gives the findings it gives parsed whole: same places, messages, fixes, scopes, hashes.

The whole parse is what the engine does where it cannot cut (no CPython tree, mixed indentation or line
endings); here it is forced by leaving CPython's outline out, so every case below runs both ways.
"""

from __future__ import annotations

from typing import List

from tests.cli_helpers import REPO
from tests.rulebook_cases import page_cases, without_expectations
from tests.spec_row_cases import CASES
from wxkf_lint import pieces
from wxkf_lint.engine import Linter
from wxkf_lint.findings import Finding
from wxkf_lint.lines import LineIndex
from wxkf_lint.parse_limits import judge
from wxkf_lint.pieces import PieceCache, parse_file
from wxkf_lint.registry import RULES
from wxkf_lint.settings import Settings
from wxkf_lint.source import decode

EXAMPLES = sorted((REPO / "examples").rglob("*.py"))
SOURCES = (
    [path.read_text(encoding="utf-8") for path in EXAMPLES]
    + [without_expectations(source) for _, kind, source, _ in page_cases() if kind == "bad"]
    + [case.source for case in CASES]
)


def _linter(keep_pieces: bool = False) -> Linter:
    settings = Settings(select=["WXK"], extend_select=[rule.code for rule in RULES if not rule.default])
    return Linter.from_settings(settings, keep_pieces=keep_pieces)


def _findings(linter: Linter, text: str) -> List[Finding]:
    return linter.lint_source(decode(text.encode("utf-8")), "kf_client.py")


def test_most_cases_are_cut_into_pieces():
    cut = [text for text in SOURCES if len(parse_file(text, LineIndex(text), judge(text, "x").statements).pieces) > 1]
    assert len(cut) >= len(SOURCES) * 0.6


def test_pieces_and_whole_parse_give_the_same_findings(monkeypatch):
    linter = _linter()
    in_pieces = [_findings(linter, text) for text in SOURCES]
    parse = pieces.parse_file
    monkeypatch.setattr(pieces, "parse_file", lambda text, lines, statements, cache=None: parse(text, lines, None, cache))
    whole = [_findings(_linter(), text) for text in SOURCES]
    assert sum(map(len, whole)) > 100
    assert in_pieces == whole


def test_an_edit_reparses_only_the_pieces_it_touched():
    text = (REPO / "examples" / "kf_client" / "app_notify.py").read_text(encoding="utf-8")
    linter = _linter(keep_pieces=True)
    before = _findings(linter, text)
    cache = linter.pieces
    first = parse_file(text, LineIndex(text), judge(text, "x").statements, cache)
    at = first.pieces[2].line
    lines = text.splitlines(keepends=True)
    edited = "".join(lines[: at - 1] + ["# an edit\n"] + lines[at - 1 :])
    second = parse_file(edited, LineIndex(edited), judge(edited, "x").statements, cache)
    shared = {id(piece.module) for piece in first.pieces} & {id(piece.module) for piece in second.pieces}
    assert len(first.pieces) > 3 and len(shared) == len(first.pieces) - 1
    after = _findings(linter, edited)
    assert before and [(f.line, f.column, f.code) for f in after] == [
        (f.line + (f.line >= at), f.column, f.code) for f in before
    ]
    assert _findings(_linter(), edited) == after


def test_the_cache_drops_the_least_recently_used_pieces():
    cache = PieceCache(max_chars=30)
    first = cache.parse("def f():\n    return 1\n")
    cache.parse("def g():\n    return 2\n")
    assert cache.parse("def g():\n    return 2\n") is cache.parse("def g():\n    return 2\n")
    assert cache.parse("def f():\n    return 1\n") is not first
