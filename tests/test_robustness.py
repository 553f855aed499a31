"""No crash and no finding where none belongs: generated programs and the standard library (SPEC §5).

Generated programs (hypothesmith) get WeCom marker text around them, so the pre-filter lets them through and
the whole shared analysis (calls, responses, retries, tokens, bodies) and every rule, opt-in ones included,
walk the generated constructs. The standard library never calls WeCom: through the installed command it must
produce nothing at all, and made WeCom code (a clean WeCom function appended) it must still produce no finding
but the documented exceptions below.
"""

from __future__ import annotations

import re
import sys
import sysconfig
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Iterator, List, Tuple

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_helpers import parse_text_report, run_flake8, run_wxkf, write
from tests.helpers import lint
from wxkf_lint import codes
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.engine import Linter
from wxkf_lint.findings import Finding
from wxkf_lint.registry import RULES
from wxkf_lint.settings import Settings
from wxkf_lint.source import SourceText, decode

# hypothesmith compiles every program it generates, and generated code like ``1()`` or ``"\("`` draws
# SyntaxWarnings and DeprecationWarnings from that compile (wxkf-lint's own are silenced: -W error passes).
pytestmark = [pytest.mark.filterwarnings("ignore::SyntaxWarning"), pytest.mark.filterwarnings("ignore::DeprecationWarning:<string>")]

OPT_IN = [rule.code for rule in RULES if not rule.default]


def _generated(examples: int) -> settings:
    """Slow generators (no deadline, no health check on speed), no example database written into the checkout."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        database=None,
    )


# WeCom text placed before the generated program: a WeCom URL, a call, a response and its errcode/errmsg reads,
# so that the file is "WeCom code" for every rule and the analysis has calls and responses to relate.
PREAMBLE = '''\
import requests
URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"
_data = requests.post(URL, json={"open_kfid": "wk", "msgtype": "text"}).json()
if _data["errcode"] != 0 and _data.get("errmsg") == "ok":
    raise RuntimeError(_data["errmsg"])
'''

# Placed after it: a wrapper, a retry loop and a token, which make names of the generated code candidates for
# wrapper calls, retried calls and token uses.
POSTSCRIPT = '''

def _post(path, body, token="ACCESS_TOKEN"):
    for attempt in range(5):
        data = requests.post("https://qyapi.weixin.qq.com/cgi-bin/" + path, json=body).json()
        if data.get("errcode") == -1:
            continue
        return data
'''


@lru_cache(maxsize=None)
def _linter() -> Linter:
    """Every rule, the opt-in ones included: the same Linter the runner builds for ``--select WXK,WXK402``."""
    return Linter.from_settings(Settings(select=["WXK"], extend_select=OPT_IN))


def _lint_text(text: str) -> List[Finding]:
    """Lint ``text`` exactly as given (no dedent, no encoding round trip: generated text may hold any code point)."""
    return _linter().lint_source(SourceText(text=text, encoding="utf-8", bom=False, newline="\n"), "generated.py")


def _physical_lines(text: str) -> int:
    """Python's own line count: only \\r\\n, \\r and \\n end a line (str.splitlines also splits on \\f, \\x1c…).

    A text ending in a newline counts the empty line after it: a syntax error at end of file is reported there.
    """
    return len(re.split(r"\r\n|\r|\n", text))


def _assert_well_formed(text: str, findings: List[Finding]) -> None:
    lines = _physical_lines(text)
    internal = [finding.message for finding in findings if finding.code == codes.INTERNAL_ERROR]
    assert not internal, internal
    for finding in findings:
        assert 1 <= finding.line <= finding.end_line <= lines, (finding, lines)
        assert finding.column >= 1 and finding.end_column >= 1, finding
        if finding.fix is not None:
            assert 1 <= finding.fix.line <= finding.fix.end_line <= lines, (finding.fix, lines)


def _wrapped(program: str) -> str:
    return PREAMBLE + program + ("" if program.endswith("\n") else "\n") + POSTSCRIPT


@pytest.mark.fuzz
@_generated(200)
@given(hypothesmith.from_grammar())
def test_generated_module_with_wecom_markers(program: str) -> None:
    text = _wrapped(program)
    _assert_well_formed(text, _lint_text(text))


@pytest.mark.fuzz
@_generated(60)
@given(hypothesmith.from_grammar(start="single_input"))
def test_generated_statement_inside_a_wecom_function(statement: str) -> None:
    """The generated code inside a function that holds a response, so function-level analysis walks it."""
    body = "".join("    " + line + "\n" for line in statement.splitlines() if line.strip())
    text = PREAMBLE + 'def _send(token, body):\n    data = requests.post(URL, json=body).json()\n' + body + (
        '    if data["errcode"] != 0:\n        raise RuntimeError(data["errmsg"])\n    return data\n'
    )
    _assert_well_formed(text, _lint_text(text))


@pytest.mark.fuzz
@_generated(50)
@given(hypothesmith.from_node())
def test_generated_cst_with_wecom_markers(program: str) -> None:
    text = _wrapped(program)
    _assert_well_formed(text, _lint_text(text))


@pytest.mark.fuzz
@_generated(100)
@given(hypothesmith.from_grammar(), st.data())
def test_broken_module_with_wecom_markers(program: str, data: st.DataObject) -> None:
    """Invalid programs: a generated one with a slice cut out (an unclosed bracket, a dangling operator…)."""
    text = _wrapped(program)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    broken = text[:start] + text[end:]
    _assert_well_formed(broken, _lint_text(broken))


def test_the_wecom_frame_is_analysed():
    """The frame alone is reported on, so the generated tests above run the full analysis, not the pre-filter."""
    found = {(finding.line, finding.code) for finding in _lint_text(_wrapped(""))}
    assert {(4, "WXK101"), (10, "WXK202"), (10, "WXK203")} <= found


# -- deep but ordinary code, at the recursion limit flake8 and the in-process Linter run with -----------------

CLEAN_WECOM = '''\
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"


def send(body):
    data = requests.post(URL, json=body).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data
'''


@pytest.fixture
def default_recursion_limit() -> Iterator[None]:
    """Python's default limit: the command raises its own, flake8 (and this in-process Linter) does not."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(before)


def test_thousands_of_implicitly_concatenated_parts(default_recursion_limit: None):
    """``pydoc_data/topics.py`` concatenates 2,214 literals in one string; in WeCom code that was a WXK003."""
    parts = " ".join(f'"line {number}\\n"' for number in range(3000))
    text = CLEAN_WECOM + f"HELP = ({parts})\n"
    assert _lint_text(text) == []


def test_runner_and_flake8_agree_on_a_finding_beside_a_deep_string(tmp_path: Path):
    """Placing a finding generates the file's code, which recurses once per concatenated part: flake8's
    process has Python's default recursion limit, the runner its own."""
    parts = " ".join(f'"line {number}\\n"' for number in range(2500))
    defective = CLEAN_WECOM.replace('data["errcode"] != 0', 'data["errmsg"] != "ok"')
    write(tmp_path / "kf.py", defective + f"HELP = ({parts})\n")
    runner = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    flake8 = run_flake8(["--select", "WXK", "kf.py"], cwd=tmp_path)
    assert parse_text_report(runner.stdout) == {("kf.py", 8, 8, "WXK101")}
    assert parse_text_report(flake8.stdout) == parse_text_report(runner.stdout)


def test_literal_string_joins_concatenated_parts():
    assert literal_string(cst.parse_expression('"a" \'b\' """c"""')) == "abc"
    assert literal_string(cst.parse_expression('"a" f"{b}" "c"')) is None
    assert literal_string(cst.parse_expression('b"a" b"b"')) is None
    assert literal_string(cst.parse_expression("name")) is None


# -- what the standard library found --------------------------------------------------------------------------

LOOKUP_BESIDE_A_WRAPPER = '''\
import io
import time

import requests


class Bot:
    def open(self, name):
        return self.sessions.get(name)

    def _post(self, url, body):
        return requests.post(url, json=body, timeout=10).json()

    def send(self, body):
        while True:
            data = self._post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg", body)
            if data["errcode"] == 0:
                return data
            time.sleep(1)

    def load(self, path, modes):
        mode = "rb"
        while True:
            try:
                return io.open(path, mode)
            except OSError:
                if mode in modes:
                    mode = modes[mode]
                    continue
                raise
'''


def test_a_lookup_method_is_no_wrapper():
    """``open(self, name)`` passes a parameter to ``.get``, like a wrapper passes its URL to ``requests.get``,
    but nothing shows it WeCom's: ``io.open`` retried over file modes (zipfile.ZipFile.__init__) is no retry.
    ``_post``, called with a kf URL, stays a wrapper and its unbounded retry is still found."""
    found = {(finding.line, finding.code) for finding in lint(LOOKUP_BESIDE_A_WRAPPER)}
    assert found == {(15, "WXK201"), (15, "WXK204")}


# -- the standard library -----------------------------------------------------------------------------------

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLE_SIZE = 300
#: zipfile.py: a method ``open`` taken for a WeCom wrapper made ``io.open`` in a loop a retry (WXK201, WXK203);
#: pydoc_data/topics.py: 2,214 implicitly concatenated literals overflowed the stack (WXK003).
REGRESSIONS = {"zipfile.py", "pydoc_data/topics.py"}
#: Clean WeCom code under names no stdlib module uses, so that it does not turn the module's own ``send`` or
#: ``URL`` into WeCom's.
WECOM_SUFFIX = '''

import requests as _wecom_requests

_WECOM_SEND_URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"


def _wecom_send(token, body):
    data = _wecom_requests.post(_WECOM_SEND_URL, params={"access_token": token}, json=body, timeout=10).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data
'''


def _libcst_cannot_parse(text: str) -> bool:
    """Valid Python that LibCST's parser rejects (``(name): int`` in test_grammar.py and ann_module.py): the
    WXK004 there is LibCST's limit, reported as the file not being linted, not a fault of the linter."""
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:
        return True
    return False


def _stdlib_entries() -> List[str]:
    """The stdlib's top-level entries without site-packages (third-party code is not the stdlib)."""
    return sorted(str(entry) for entry in STDLIB.iterdir() if entry.name not in ("site-packages", "__pycache__"))


def _compiles(data: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the stdlib's tests hold deliberate oddities (``1 is 1``)
        try:
            compile(data, "<stdlib>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def _stdlib_sample() -> List[Tuple[str, bytes]]:
    """Every n-th stdlib file the running Python compiles (its test data holds deliberate syntax errors), and
    the files that once produced a finding or an internal error here."""
    files = sorted(
        path.relative_to(STDLIB).as_posix() for path in STDLIB.rglob("*.py")
        if "site-packages" not in path.relative_to(STDLIB).parts and path.is_file()
    )
    stride = max(1, len(files) // SAMPLE_SIZE)
    chosen = sorted(set(files[::stride]) | (REGRESSIONS & set(files)))
    sample = []
    for relative in chosen:
        data = (STDLIB / relative).read_bytes()
        if _compiles(data):
            sample.append((relative, data))
    return sample


def test_stdlib_through_the_command_reports_nothing():
    result = run_wxkf(["--isolated", "--select", "WXK", "--extend-select", ",".join(OPT_IN), *_stdlib_entries()])
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


@pytest.mark.fuzz  # a property over a few hundred real programs: as slow as the generated ones
def test_stdlib_sample_as_wecom_code_reports_nothing():
    """A clean WeCom function appended to each file forces the parse and makes the file WeCom code, so that the
    token, retry, body and response analyses walk all of its code. Appended, not prepended: a coding cookie
    must stay on line 1 or 2, and ``from __future__`` imports first."""
    linter = _linter()
    sample = _stdlib_sample()
    assert len(sample) >= SAMPLE_SIZE * 0.9
    appended = WECOM_SUFFIX.encode("ascii")
    unexpected = []
    for relative, data in sample:
        assert linter.markers.search_bytes(data + appended)
        source = decode(data + appended)
        for finding in linter.lint_source(source, relative):
            if finding.code != codes.TOO_COMPLEX or not _libcst_cannot_parse(source.text):
                unexpected.append((relative, finding.line, finding.code, finding.message))
    assert unexpected == []
