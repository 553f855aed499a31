"""The server's position conversion and the noqa writer, on their own (the session tests use them end to end)."""

from __future__ import annotations

import pytest

from wxkf_lint.noqa_edits import NoqaSites
from wxkf_lint.server.text import UTF8, UTF16, UTF32, LineIndex, code_units


@pytest.mark.parametrize(("encoding", "units"), [(UTF8, 4 + 3 + 1), (UTF16, 2 + 1 + 1), (UTF32, 3)])
def test_code_units(encoding, units):
    assert code_units("😀发a", encoding) == units


def test_lines_break_at_lf_crlf_and_cr_only():
    lines = LineIndex("a\x0cb\r\nc\rd\ne\u2028f")
    assert [lines.line(n) for n in range(1, lines.line_count + 1)] == ["a\x0cb", "c", "d", "e\u2028f"]


def test_to_lsp_counts_utf16_units_and_clamps():
    lines = LineIndex('x = "😀"; y\nlast')
    assert lines.to_lsp(1, 10) == (0, 10)  # y: nine code points before it, the emoji two units
    assert lines.to_lsp(1, 99) == (0, 11)  # past the end of the line: its end
    assert lines.to_lsp(9, 1) == (1, 0)  # past the last line: the last line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = 1", "x = 1  # noqa: WXK101"),
        ("x = 1   ", "x = 1  # noqa: WXK101"),
        ("x = 1  # type: ignore", "x = 1  # type: ignore  # noqa: WXK101"),
        ("x = 1  # noqa: E501", "x = 1  # noqa: E501, WXK101"),
        ("x = 1  # noqa:E501,W291 keep", "x = 1  # noqa:E501,W291, WXK101 keep"),
        ("x = 1  # NOQA: WXK2", "x = 1  # NOQA: WXK2, WXK101"),
    ],
)
def test_noqa_is_appended_or_merged(line, expected):
    assert NoqaSites(line + "\n").with_codes(1, line, ["WXK101"]) == expected


def test_no_noqa_inside_a_string_or_after_a_continuation():
    text = 'a = """x\ny"""\nb = 1 + \\\n    2\nc = f"""{a}\nz"""\n'
    sites = NoqaSites(text)
    lines = text.splitlines()
    assert [sites.with_codes(n, lines[n - 1], ["WXK101"]) is not None for n in range(1, len(lines) + 1)] == [
        False, True, False, True, False, True,
    ]


def test_no_noqa_in_a_text_the_tokenizer_refuses():
    assert NoqaSites('x = """never closed\n').with_codes(1, 'x = """never closed', ["WXK101"]) is None
