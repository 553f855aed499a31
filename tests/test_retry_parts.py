"""The retry analysis is composed of parts built from explicit inputs; each answers its own question."""

from __future__ import annotations

import textwrap

import libcst as cst

from wxkf_lint.analysis import FileContext
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.retries.flow import Flow
from wxkf_lint.analysis.retries.raises import Raises
from wxkf_lint.analysis.retries.scope import RetryFile
from wxkf_lint.analysis.retries.waits import Pauses, Renewals
from wxkf_lint.settings import Settings

SOURCE = '''
import time
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=%s"


class ApiError(Exception):
    pass


def check(data):
    if data["errcode"] != 0:
        raise ApiError(data["errcode"])


def pause(attempt):
    time.sleep(attempt)


def send(token, body):
    for attempt in range(3):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == -1:
            pause(attempt)
            continue
        if data["errcode"] in (40014, 42001):
            token = refresh_token()
            continue
        return data
'''


def parts():
    context = FileContext(cst.parse_module(textwrap.dedent(SOURCE)), Settings())
    file = RetryFile(context)
    raises = Raises(file)
    return context, file, raises, Flow(file, raises)


def loop_of(context):
    return context.index.nodes(cst.For)[0]


def test_raises_knows_which_class_stands_for_which_errcodes():
    _, file, raises, _ = parts()
    assert 0 not in raises.errcode_exceptions["ApiError"]
    assert raises.errcode_exceptions["ApiError"] == set(file.universe) - {0}


def test_flow_follows_the_branches_of_a_loop_body():
    context, file, _, flow = parts()
    loop = loop_of(context)
    paths = flow.run(list(loop.body.body), set(file.universe), loop)
    assert paths.cont == {-1, 40014, 42001}
    assert 0 not in paths.fall | paths.cont


def test_pauses_and_renewals_read_same_file_helpers():
    context, file, _, _ = parts()
    loop = loop_of(context)
    assert Pauses(file).pause_in(loop) is Fact.GOOD
    assert Renewals(file).refreshes_in(loop)
    send = next(f for f in context.index.nodes(cst.FunctionDef) if f.name.value == "check")
    assert Pauses(file).pause_in(send) is Fact.BAD

