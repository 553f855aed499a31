"""How each WeCom response's errcode is tested: which codes each test singles out, and whether some test
separates success from every other error.

WXK401 and WXK402 read this.  A test belongs to a response when it reads that response's errcode directly
or through a name bound to the read (``code = data["errcode"]``; ``if code == -1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Set

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis
from wxkf_lint.analysis.codesets import OTHER, CodeTests, Predicate
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.responses import ResponseAnalysis
from wxkf_lint.analysis.syntax import int_literal


_TEST_OWNERS = (cst.If, cst.While, cst.IfExp, cst.Assert)


@dataclass
class FamilyChecks:
    """The errcode tests of one response family."""

    predicates: List[Predicate] = field(default_factory=list)
    #: an ``if``/``elif`` chain on errcode that ends in ``else`` (the rest is handled), or ``case _``
    has_catch_all: bool = False

    @property
    def tested(self) -> bool:
        return bool(self.predicates) or self.has_catch_all

    @property
    def separates_success(self) -> bool:
        """Some test tells 0 from a code nobody named (``== 0``, ``!= 0``, truthiness, a range)."""
        return self.has_catch_all or any(p(0) != p(OTHER) for p in self.predicates)

    def singles_out(self, code: int) -> bool:
        """Some test tells ``code`` from both success and the unnamed codes."""
        return any(p(code) != p(OTHER) and p(code) != p(0) for p in self.predicates)

    def names(self, code: int) -> bool:
        """Some test tells ``code`` from the codes nobody named: the author decided about it, even where the
        decision is to treat it as success (``errcode not in (0, 95001, 95002)``)."""
        return any(p(code) != p(OTHER) for p in self.predicates)


class ErrcodeChecks:
    def __init__(
        self, index: SyntaxIndex, calls: CallAnalysis, responses: ResponseAnalysis, tests: CodeTests, in_test_file: bool
    ) -> None:
        self.index = index
        self.responses = responses
        self.tests = tests
        self.by_family: Dict[cst.CSTNode, FamilyChecks] = {}
        self._in_test_file = in_test_file
        if calls.calls:
            self._collect()

    def _families_in(self, node: cst.CSTNode) -> Set[cst.CSTNode]:
        found: Set[cst.CSTNode] = set()
        stack = [node]
        responses = self.responses
        while stack:
            current = stack.pop()
            read = responses.read_of(current) if isinstance(current, (cst.Name, cst.Subscript, cst.Call, cst.Attribute)) else None
            if read is not None and read.key == "errcode":
                found |= responses.families_of(read.base)
                continue
            stack.extend(current.children)
        return found

    def _in_test_assertion(self, node: cst.CSTNode) -> bool:
        """``assert data["errcode"] == 0`` in a test file checks the test's own canned answer, not how the
        program handles WeCom's (as WXK101 treats errmsg there): it is no errcode test of the program."""
        return self._in_test_file and any(isinstance(a, cst.Assert) for a in self.index.ancestors(node))

    def _collect(self) -> None:
        for comparison in self.index.nodes(cst.Comparison):
            if self._in_test_assertion(comparison):
                continue
            predicate = self.tests.predicate(comparison)
            if predicate is not None:
                for family in self._families_in(comparison):
                    self.by_family.setdefault(family, FamilyChecks()).predicates.append(predicate)
        for kind in _TEST_OWNERS:
            for owner in self.index.nodes(kind):
                test = owner.test
                if isinstance(test, cst.Comparison) or self._in_test_assertion(test):
                    continue
                predicate = self.tests.predicate(test)
                if predicate is None:
                    continue
                for family in self._families_in(test):
                    checks = self.by_family.setdefault(family, FamilyChecks())
                    checks.predicates.append(predicate)
        for node in self.index.nodes(cst.If):
            if isinstance(self.index.parent.get(node), cst.If):
                continue  # an elif: its chain is read from the first if
            families = self._chain_families(node)
            for family in families:
                self.by_family.setdefault(family, FamilyChecks()).has_catch_all = True
        for match in self.index.nodes(cst.Match):
            families = self._families_in(match.subject)
            if not families:
                continue
            for case in match.cases:
                values = _case_codes(case.pattern)
                for family in families if values else ():
                    # ``case 95001 | 95002:`` singles those codes out as ``errcode in (95001, 95002)`` does
                    self.by_family.setdefault(family, FamilyChecks()).predicates.append(_member_of(values))
            if any(isinstance(case.pattern, cst.MatchAs) and case.pattern.pattern is None for case in match.cases):
                for family in families:
                    self.by_family.setdefault(family, FamilyChecks()).has_catch_all = True

    def _chain_families(self, node: cst.If) -> Set[cst.CSTNode]:
        """Families tested by an if/elif chain that ends in ``else``."""
        families: Set[cst.CSTNode] = set()
        branch = node
        while isinstance(branch, cst.If):
            if self.tests.predicate(branch.test) is not None:
                families |= self._families_in(branch.test)
            branch = branch.orelse
        return families if isinstance(branch, cst.Else) else set()

    def of(self, family: cst.CSTNode) -> FamilyChecks:
        return self.by_family.get(family, FamilyChecks())


def _case_codes(pattern: cst.MatchPattern) -> FrozenSet[int]:
    """The int codes a ``case`` pattern matches (``0``, ``95001 | 95002``, ``-1 as busy``); empty otherwise."""
    if isinstance(pattern, cst.MatchValue):
        value = int_literal(pattern.value)
        return frozenset() if value is None else frozenset({value})
    if isinstance(pattern, cst.MatchOr):
        parts = [_case_codes(element.pattern) for element in pattern.patterns]
        return frozenset().union(*parts) if all(parts) else frozenset()
    if isinstance(pattern, cst.MatchAs) and pattern.pattern is not None:
        return _case_codes(pattern.pattern)
    return frozenset()


def _member_of(values: FrozenSet[int]) -> Predicate:
    return lambda code: code in values
