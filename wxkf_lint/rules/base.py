"""The shape every rule has: a small LibCST batched visitor that reads the shared file context.

Rules are modelled on Fixit's ``LintRule``: one class per module, a docstring with the why, class-level
``code``/``name``/``summary``, ``visit_*`` methods, and ``self.report(node, message, replacement=...)``.
All enabled rules of a file run in one ``libcst.visit_batched`` traversal over the tree the engine parsed
once; what a rule needs to know about WeCom calls, responses, retries and tokens it reads from
``self.context`` (built once per file by :mod:`wxkf_lint.analysis`) instead of walking the tree itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, List, Optional

import libcst as cst

if TYPE_CHECKING:
    from wxkf_lint.analysis import FileContext


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
    #: the fix changes what the program does (ruff's "unsafe"): ``--fix`` does not apply it
    unsafe: bool = False


class LintRule(cst.BatchableCSTVisitor):
    """Base class of all rules.

    Subclasses set ``code`` (``WXKnnn``), ``name`` (kebab-case), ``summary`` (one line for
    ``--list-rules``) and ``default`` (False for opt-in rules), then implement ``visit_*``/``leave_*``.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default: ClassVar[bool] = True

    def __init__(self, context: "FileContext") -> None:
        super().__init__()
        self.context = context
        self.reports: List[Report] = []

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        replacement: Optional[cst.CSTNode] = None,
        replaced: Optional[cst.CSTNode] = None,
        fix_description: str = "",
        unsafe: bool = False,
    ) -> None:
        """Record a finding at ``node``; ``replacement`` swaps ``replaced`` (default: ``node``) as a fix, a safe
        one unless ``unsafe`` (a fix that changes what is sent)."""
        if replacement is not None and replaced is None:
            replaced = node
        self.reports.append(
            Report(node, self.code, self.name, message, replacement, replaced, fix_description, unsafe)
        )
