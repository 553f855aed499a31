"""Where a node sits in control flow: shared by rules that care whether a value decides a branch."""

from __future__ import annotations

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex

_TEST_OWNERS = (cst.If, cst.While, cst.IfExp, cst.Assert)


def in_branch_test(index: SyntaxIndex, node: cst.CSTNode) -> bool:
    """True when ``node`` is part of an ``if``/``while``/``x if … else y``/``assert``/comprehension-``if`` condition."""
    child = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, _TEST_OWNERS) and ancestor.test is child:
            return True
        if isinstance(ancestor, cst.CompIf):
            return True
        if isinstance(ancestor, (cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.Lambda)):
            return False
        child = ancestor
    return False
