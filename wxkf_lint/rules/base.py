"""The rule contract: a rule is its row in the rule table plus one entry point, ``check``.

A rule's metadata (name, summary, default, fix) is declared by its page (``rules/WXKnnn.md``) and read
into :mod:`wxkf_lint.registry`'s table, which loads without this module; its options are declared by the
options themselves.  The class holds only what runs: ``code`` (which row it is) and ``check``.
For each file the engine builds one instance with the file's shared analysis (``self.context``, built
once per file by :mod:`wxkf_lint.analysis`), calls ``check()`` once and collects the :class:`Report`\\ s
it yields.  There is no traversal: what a rule needs to know about WeCom calls, responses, retries and
tokens it reads from the analysis, and a rule that needs every node of one type reads the analysis'
index through :meth:`LintRule.nodes` (source order), which also records the node the rule is at, so
that an exception is reported (WXK003) where it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable, Iterator, Optional, Type, TypeVar

import libcst as cst

from wxkf_lint.registry import RULES_BY_CODE, RuleInfo

if TYPE_CHECKING:
    from wxkf_lint.analysis import FileContext

N = TypeVar("N", bound=cst.CSTNode)


@dataclass(frozen=True)
class Report:
    """What a rule reports before positions are known: the node, the text, and an optional node swap.

    ``message`` is the text after the code (``branching on errmsg text; …``): the code is a field of its
    own, and each front end composes ``CODE message`` as its format wants.
    """

    node: cst.CSTNode
    code: str
    name: str
    message: str
    replacement: Optional[cst.CSTNode] = None
    replaced: Optional[cst.CSTNode] = None
    fix_description: str = ""
    #: the fix can change what the program does (ruff's "unsafe"): only ``--fix --unsafe-fixes`` applies it
    unsafe: bool = False


class LintRule:
    """Base class of all rules: set ``code`` (``WXKnnn``, a row of the rule table) and implement ``check``."""

    code: ClassVar[str]

    def __init__(self, context: "FileContext") -> None:
        self.context = context
        #: the node the rule is looking at, where an exception it raises is reported
        self.at: cst.CSTNode = context.module

    @property
    def info(self) -> RuleInfo:
        """The rule's row in the rule table (name, summary, default, fix, options)."""
        return RULES_BY_CODE[self.code]

    def check(self) -> Iterable[Report]:
        """Every finding of this rule in the file (``yield self.report(...)``); called once per file."""
        raise NotImplementedError

    def nodes(self, kind: Type[N]) -> Iterator[N]:
        """Every node of type ``kind`` in the file, in source order, from the index the analysis built."""
        for node in self.context.index.nodes(kind):
            self.at = node
            yield node

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        replacement: Optional[cst.CSTNode] = None,
        replaced: Optional[cst.CSTNode] = None,
        fix_description: str = "",
        unsafe: bool = False,
    ) -> Report:
        """A finding at ``node``; ``replacement`` swaps ``replaced`` (default: ``node``) as a fix, a safe one
        unless ``unsafe`` (a fix that can change what the program does)."""
        if replacement is not None and replaced is None:
            replaced = node
        return Report(node, self.code, self.info.name, message, replacement, replaced, fix_description, unsafe)
