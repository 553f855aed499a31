"""One code generation gives exactly what LibCST's two position providers give, node for node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider, WhitespaceInclusivePositionProvider

from tests.cli_helpers import REPO
from wxkf_lint.positions import resolve_positions

SOURCES = sorted((REPO / "examples").rglob("*.py")) + sorted((REPO / "wxkf_lint").rglob("*.py"))
TRICKY = [
    "x = (\n    1 +\n    2\n)\n",
    "if a:\r\n    b = f(x,\r\n      y)\r\n",
    'def f(*, a: "int" = 1, **k) -> None:\n    """doc\n\n    more"""\n    return [i for i in a if i]\n',
    "@d\nclass C(B, metaclass=M):\n    x: int\n    async def g(self):\n        async with a as b:\n            await b\n",
    's = f"{a!r:>{w}}" + \'\'\'x\ny\'\'\'  # comment\n',
]


def _assert_same(code: str) -> None:
    module = cst.parse_module(code)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = dict(wrapper.resolve(PositionProvider))
    expected_spans = dict(wrapper.resolve(WhitespaceInclusivePositionProvider))
    everything = list(expected_spans)
    positions, spans = resolve_positions(module, everything, everything)
    assert positions == expected
    assert spans == expected_spans
    some = everything[::7]
    positions, spans = resolve_positions(module, some, some[::2])
    assert {node: positions[node] for node in some} == {node: expected[node] for node in some}
    assert spans == {node: expected_spans[node] for node in some[::2]}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(Path(p).relative_to(REPO)))
def test_positions_match_libcst_providers_on_real_files(path):
    _assert_same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", TRICKY)
def test_positions_match_libcst_providers_on_tricky_code(code):
    _assert_same(code)


def test_positions_only_for_the_nodes_asked_for_and_inside_them():
    module = cst.parse_module("a = 1\nb = 2\n")
    first, second = module.body
    positions, spans = resolve_positions(module, [first], [first])
    assert set(spans) == {first}
    assert first in positions and first.body[0] in positions and second not in positions
