"""Positions computed on a file's pieces are exactly what LibCST's two position providers give on the whole
text, node for node.

The pieces' trees and the whole text's tree are different objects, so their nodes are paired by walking
both in source order; the blank lines and comments between two pieces (a piece's footer there, the next
statement's ``leading_lines`` in the whole parse) are the one place they differ, and are skipped.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import List

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
import hypothesmith
from libcst.metadata import MetadataWrapper, PositionProvider, WhitespaceInclusivePositionProvider

from tests.cli_helpers import REPO
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.lines import LineIndex
from wxkf_lint.parse_limits import judge
from wxkf_lint.pieces import ParsedFile, Piece, parse_file
from wxkf_lint.positions import resolve_positions

SOURCES = sorted((REPO / "examples").rglob("*.py")) + sorted((REPO / "wxkf_lint").rglob("*.py"))
TRICKY = [
    "x = (\n    1 +\n    2\n)\n",
    "if a:\r\n    b = f(x,\r\n      y)\r\n",
    'def f(*, a: "int" = 1, **k) -> None:\n    """doc\n\n    more"""\n    return [i for i in a if i]\n',
    "@d\nclass C(B, metaclass=M):\n    x: int\n    async def g(self):\n        async with a as b:\n            await b\n",
    's = f"{a!r:>{w}}" + \'\'\'x\ny\'\'\'  # comment\n',
    # where the pieces are cut, and where they must not be
    "# head\n\nimport a\n\n\n# about f\ndef f():\n    return 1\n    # inside\n\n# between\n\n@d\n@e(1)\nclass C:\n    pass\nx = 1; y = 2\nif x:\n    pass\nelse:\n    y = 3\n# tail\n",
    "import a\n@(\n    d)\ndef f():\n    pass\ndef g(): return 2\nasync def h():\n    await g()\n",
    "a = 1\n\x0cdef f():\n    pass\ndef g():\n    pass\n",
    "import a\ndef f():\n  return 1\nclass C:\n  def m(self):\n    pass\n",
    "def f():\n    pass\r\ndef g():\r\n    pass\r\n",
    "x = 1\rdef f():\r    pass\rdef g():\r    return 2\r",
    "try:\n    import a\nexcept ImportError:\n    a = None\nfor i in a:\n    pass\nwhile 0:\n    break\nwith a:\n    pass\ndef f():\n    pass",
    "x = [\n1,\n]\ndef f(a,\n      b): return a\ny = 2 + \\\n    3\ndef g():\n    pass\n",
]
#: pieces LibCST would read otherwise alone: mixed indentation units, mixed line endings
WHOLE = ["def f():\n  return 1\ndef g():\n    return 2\n", "def f():\r\n    pass\r\ndef g():\n    pass\n"]

_BETWEEN_PIECES = {"leading_lines", "header", "footer"}


def _nodes(node: cst.CSTNode, out: List[cst.CSTNode]) -> List[cst.CSTNode]:
    """Every node in source order, without the lines LibCST attributes differently to pieces and to the whole."""
    out.append(node)
    for field in dataclasses.fields(node):
        if field.name.startswith("_") or (field.name in _BETWEEN_PIECES and not isinstance(node, cst.IndentedBlock)):
            continue
        value = getattr(node, field.name)
        for child in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(child, cst.CSTNode):
                _nodes(child, out)
    return out


def _parsed(code: str) -> ParsedFile:
    return parse_file(code, LineIndex(code), judge(code, "<test>").statements)


def _assert_same(code: str, parsed: ParsedFile) -> None:
    whole = cst.parse_module(code)
    wrapper = MetadataWrapper(whole, unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    expected_spans = wrapper.resolve(WhitespaceInclusivePositionProvider)
    theirs, ours = _nodes(whole, []), _nodes(parsed.module, [])
    assert [type(node) for node in ours] == [type(node) for node in theirs]
    order = SyntaxIndex(parsed.module).order
    finder = parsed.piece_starts(order)
    syntax = [node for node in ours if node in order]  # what rules report: the index skips whitespace
    positions, spans = resolve_positions(finder, syntax, syntax)
    assert [positions[node] for node in ours] == [expected[node] for node in theirs]
    # a top-level statement's whitespace-inclusive span starts at its leading lines, which a piece's first lacks
    top = {id(node) for node in (whole, *whole.body, parsed.module, *parsed.module.body)}
    pair = {id(o): t for o, t in zip(ours, theirs)}
    assert [spans[node] for node in syntax if id(node) not in top] == [
        expected_spans[pair[id(node)]] for node in syntax if id(node) not in top
    ]
    some = syntax[::7]
    positions, spans = resolve_positions(finder, some, some[::2])
    assert [positions[node] for node in some] == [expected[pair[id(node)]] for node in some]
    assert set(spans) == set(some[::2])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(Path(p).relative_to(REPO)))
def test_positions_match_libcst_providers_on_real_files(path):
    code = path.read_text(encoding="utf-8")
    _assert_same(code, _parsed(code))


@pytest.mark.parametrize("code", TRICKY + WHOLE)
def test_positions_match_libcst_providers_on_tricky_code(code):
    _assert_same(code, _parsed(code))


@pytest.mark.parametrize("code", TRICKY[:5])
def test_positions_of_a_file_parsed_whole_match_too(code):
    module = cst.parse_module(code)
    _assert_same(code, ParsedFile(module, (Piece(1, module),)))


def test_real_files_are_parsed_in_pieces():
    code = (REPO / "wxkf_lint" / "engine.py").read_text(encoding="utf-8")
    assert len(_parsed(code).pieces) > 10


@pytest.mark.parametrize("code", WHOLE)
def test_pieces_read_otherwise_alone_are_parsed_whole(code):
    assert len(_parsed(code).pieces) == 1


def test_cuts_only_where_a_compound_statement_starts_its_line():
    parsed = _parsed(TRICKY[6])  # `@(` opens the decorator: its expression's line is not where the statement starts
    assert [piece.line for piece in parsed.pieces] == [1, 6, 7]


def test_positions_only_for_the_nodes_asked_for_and_inside_them():
    module = cst.parse_module("a = 1\nb = 2\n")
    first, second = module.body
    finder = ParsedFile(module, (Piece(1, module),)).piece_starts(SyntaxIndex(module).order)
    positions, spans = resolve_positions(finder, [first], [first])
    assert set(spans) == {first}
    assert first in positions and first.body[0] in positions and second not in positions


def test_the_module_spans_all_its_pieces():
    code = "import a\ndef f():\n    pass\n\n\ndef g():\n    return 1\n"
    parsed = _parsed(code)
    assert len(parsed.pieces) == 3
    positions, _ = resolve_positions(parsed.piece_starts(SyntaxIndex(parsed.module).order), [parsed.module])
    whole = cst.parse_module(code)
    expected = MetadataWrapper(whole, unsafe_skip_copy=True).resolve(PositionProvider)
    assert positions[parsed.module] == expected[whole]


@pytest.mark.fuzz
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith's programs call literals
@pytest.mark.filterwarnings("ignore::DeprecationWarning:<string>")  # and hold invalid escapes
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_positions_of_generated_programs_match_the_whole_parse(code: str) -> None:
    try:
        cst.parse_module(code)
    except (cst.ParserSyntaxError, RecursionError):
        return
    _assert_same(code, _parsed(code))
