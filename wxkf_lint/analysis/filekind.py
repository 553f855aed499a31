"""What kind of file is being linted: a test file, WeCom code.  Decided here once; the rules and the
analyses read the answers from :class:`~wxkf_lint.analysis.FileContext`.

A test file holds canned answers and fixture credentials on purpose: the token and secret rules skip it,
and an ``assert`` on errmsg/errcode there checks the test's own data, not how the program handles WeCom's.
WeCom code is a file that sends WeCom requests, names a WeCom URL or uses wechatpy: only there does a
``token`` or ``secret`` name stand for a WeCom credential.
"""

from __future__ import annotations

from pathlib import PurePath

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis, is_wecom_url_text
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.wechatpy import WechatpyUsage

_TEST_FOLDERS = ("tests", "test", "testing")


def is_test_file(path: str) -> bool:
    """``test_*.py``, ``*_test.py``, ``conftest.py``, or a file under a ``tests``/``test``/``testing`` folder."""
    parts = PurePath(path).parts
    name = parts[-1] if parts else path
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(part in _TEST_FOLDERS for part in parts[:-1])
    )


def is_wecom_code(index: SyntaxIndex, calls: CallAnalysis, wechatpy: WechatpyUsage) -> bool:
    """The file sends WeCom requests, uses wechatpy, or has a string that is a WeCom URL."""
    if calls.calls or wechatpy.imported:
        return True
    strings = index.nodes(cst.SimpleString) + index.nodes(cst.FormattedStringText)
    return any(is_wecom_url_text(string.value) for string in strings)
