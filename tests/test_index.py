"""The index's range and enclosure queries agree with their definitions, read off the parent chain.

The analyses ask "the calls inside this loop", "the returns of this function", "is this node inside that
one" thousands of times per file; the index answers from preorder ranges and recorded enclosures.  These
tests compare every answer with the slow definition, on code with the shapes that make them differ:
nested functions, lambdas, classes in functions, comprehensions, decorators, default values.
"""

from __future__ import annotations

import textwrap
from typing import List

import libcst as cst
import pytest

from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.syntax import callee_name, names_in

SOURCE = textwrap.dedent(
    '''
    import requests

    URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"


    def outer(token, retries=3):
        for attempt in range(retries):
            data = requests.post(URL, params={"access_token": token}).json()
            if data["errcode"] == -1:
                continue
            check = lambda d=data: d["errcode"] == 0 and requests.get(URL)
            return [item for item in data["msg_list"] if check(item)]

        def inner(value=requests.get(URL)):
            class Local:
                def method(self):
                    return requests.post(URL)

            return Local

        return inner


    class Client:
        CODES = (40014, 42001)

        @staticmethod
        def build(x=lambda: requests.post(URL)):
            while True:
                try:
                    return requests.post(URL)
                except Exception:
                    raise RuntimeError("busy")
    '''
)

STOP_BLOCKS = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


@pytest.fixture(scope="module")
def index() -> SyntaxIndex:
    return SyntaxIndex(cst.parse_module(SOURCE))


def _all_nodes(index: SyntaxIndex) -> List[cst.CSTNode]:
    return sorted(index.order, key=index.order.__getitem__)


def _naive_same_block(index: SyntaxIndex, node: cst.CSTNode, container: cst.CSTNode) -> bool:
    for ancestor in index.ancestors(node):
        if ancestor is container:
            return True
        if isinstance(ancestor, STOP_BLOCKS):
            return False
    return False


def _naive_innermost(index: SyntaxIndex, node: cst.CSTNode, kinds: tuple) -> cst.CSTNode:
    return next((a for a in index.ancestors(node) if isinstance(a, kinds)), node)


def test_enclosing_scope_function_and_class(index: SyntaxIndex) -> None:
    for node in _all_nodes(index):
        assert index.scope_of(node) is _naive_innermost(index, node, (cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef))
        assert index.function_of(node) is _naive_innermost(index, node, (cst.FunctionDef, cst.Lambda, cst.Module))
        klass = next((a for a in index.ancestors(node) if isinstance(a, cst.ClassDef)), None)
        assert index.class_of(node) is klass


@pytest.mark.parametrize("kind", [cst.Call, cst.Return, cst.Name, cst.Raise])
def test_range_queries(index: SyntaxIndex, kind: type) -> None:
    containers = [n for n in _all_nodes(index) if isinstance(n, (cst.FunctionDef, cst.For, cst.While, cst.Try, cst.Lambda, cst.ClassDef, cst.Module, cst.IndentedBlock))]
    assert len(containers) > 10
    for container in containers:
        descendants = [n for n in index.nodes(kind) if n is not container and index.is_inside(n, container)]
        naive = [n for n in index.nodes(kind) if any(a is container for a in index.ancestors(n))]
        assert index.within(kind, container) == naive == descendants
        assert index.within_block(kind, container) == [n for n in index.nodes(kind) if _naive_same_block(index, n, container)]
        assert index.in_function(kind, container) == [n for n in index.nodes(kind) if index.function_of(n) is container]


def test_same_block_stops_at_nested_definitions(index: SyntaxIndex) -> None:
    outer = next(f for f in index.nodes(cst.FunctionDef) if f.name.value == "outer")
    loop = next(iter(index.within(cst.For, outer)))
    sends = [c for c in index.within_block(cst.Call, outer) if isinstance(c.func, cst.Attribute) and c.func.attr.value in ("post", "get")]
    # only the send in the loop: the lambda's get, inner's default get and Local.method's post are not outer's own code
    assert sends == [c for c in index.within(cst.Call, loop) if isinstance(c.func, cst.Attribute) and c.func.attr.value == "post"]
    assert len(sends) == 1
    assert len([c for c in index.within(cst.Call, outer) if isinstance(c.func, cst.Attribute) and c.func.attr.value in ("post", "get")]) == 4


def test_names_used_matches_names_in(index: SyntaxIndex) -> None:
    for node in index.nodes(cst.Call) + index.nodes(cst.Lambda) + [a.value for a in index.nodes(cst.Assign)]:
        assert sorted(index.names_used(node)) == sorted(names_in(node))


def test_nodes_outside_the_index_are_inside_nothing(index: SyntaxIndex) -> None:
    made = cst.Name("made_up")
    module = index.module()
    assert index.scope_of(made) is made and index.function_of(made) is made and index.class_of(made) is None
    assert not index.is_inside(made, module) and not index.in_same_block(made, module)
    assert index.within(cst.Name, made) == []
    assert index.names_used(made) == ["made_up"]


def test_classes_named(index: SyntaxIndex) -> None:
    assert [c.name.value for c in index.classes_named("Client")] == ["Client"]
    assert [c.name.value for c in index.classes_named("Local")] == ["Local"]
    assert index.classes_named("Missing") == []


def test_calls_named_matches_callee_name(index: SyntaxIndex) -> None:
    for name in ("post", "get", "range", "check", "RuntimeError", "missing"):
        assert index.calls_named(name) == [c for c in index.nodes(cst.Call) if callee_name(c) == name]
    assert len(index.calls_named("post")) == 4


def test_name_uses_are_the_names_of_one_function(index: SyntaxIndex) -> None:
    functions = [index.module(), *index.nodes(cst.FunctionDef), *index.nodes(cst.Lambda)]
    for function in functions:
        for spelled in {name.value for name in index.nodes(cst.Name)} | {"missing"}:
            naive = [n for n in index.nodes(cst.Name) if n.value == spelled and index.function_of(n) is function]
            assert index.name_uses(spelled, function) == naive
    outer = next(f for f in index.nodes(cst.FunctionDef) if f.name.value == "outer")
    # the assignment's target, ``data["errcode"]`` and the comprehension's ``data["msg_list"]``; the lambda's
    # default ``d=data`` is in the lambda's subtree, so the lambda's
    assert len(index.name_uses("data", outer)) == 3


def test_rebound_names_per_scope() -> None:
    module = cst.parse_module(textwrap.dedent('''
        BUSY = -1
        LIMIT = 3

        def bump():
            global LIMIT
            LIMIT = 4

        def count(codes):
            tries = 0
            tries += 1
            return tries
    '''))
    index = SyntaxIndex(module)
    count = [f for f in index.nodes(cst.FunctionDef) if f.name.value == "count"][0]
    assert index.is_rebound("LIMIT", module) and not index.is_rebound("BUSY", module)
    assert index.is_rebound("tries", count) and not index.is_rebound("tries", module)
    assert not index.is_rebound("codes", count)
