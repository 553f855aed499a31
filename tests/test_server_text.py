"""The server's position conversion on its own (the session tests use it end to end)."""

from __future__ import annotations

import pytest

from wxkf_lint.server.text import UTF8, UTF16, UTF32, LspPositions, code_units


@pytest.mark.parametrize(("encoding", "units"), [(UTF8, 4 + 3 + 1), (UTF16, 2 + 1 + 1), (UTF32, 3)])
def test_code_units(encoding, units):
    assert code_units("😀发a", encoding) == units


def test_lines_break_at_lf_crlf_and_cr_only():
    lines = LspPositions("a\x0cb\r\nc\rd\ne\u2028f")
    assert [lines.line(n) for n in range(1, lines.line_count + 1)] == ["a\x0cb", "c", "d", "e\u2028f"]


def test_to_lsp_counts_utf16_units_and_clamps():
    lines = LspPositions('x = "😀"; y\nlast')
    assert lines.to_lsp(1, 10) == (0, 10)  # y: nine code points before it, the emoji two units
    assert lines.to_lsp(1, 99) == (0, 11)  # past the end of the line: its end
    assert lines.to_lsp(9, 1) == (1, 0)  # past the last line: the last line


def test_to_lsp_in_utf8_and_utf32():
    assert LspPositions('s = "发"; y', UTF8).to_lsp(1, 10) == (0, 11)
    assert LspPositions('s = "😀"; y', UTF32).to_lsp(1, 10) == (0, 9)
