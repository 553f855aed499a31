"""One walk over the tree that every analysis reads: parents, source order, nodes by type, bindings.

LibCST's ``ParentNodeProvider`` and ``ScopeProvider`` would give the same facts, but measured on small kf
files they cost 6–10× the parse; this visitor records only what the analyses use, in a single pass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import DefaultDict, Dict, Iterator, List, Optional, Tuple, Type, TypeVar

import libcst as cst

N = TypeVar("N", bound=cst.CSTNode)

#: Nodes that open a new scope for local names.
SCOPE_TYPES = (cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef)
#: Node types never looked up by any analysis; not indexed to keep the index small.
_UNINDEXED = (
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.AssignEqual,
)


@dataclass(frozen=True)
class Binding:
    """``name = value`` (or ``with … as name``, a walrus, a for target) in a scope, in source order."""

    name: str
    value: Optional[cst.CSTNode]
    order: int
    node: cst.CSTNode


class SyntaxIndex(cst.CSTVisitor):
    """Walks a module once and answers structural questions without walking again."""

    def __init__(self) -> None:
        super().__init__()
        self.parent: Dict[cst.CSTNode, cst.CSTNode] = {}
        self.order: Dict[cst.CSTNode, int] = {}
        self.by_type: DefaultDict[type, List[cst.CSTNode]] = defaultdict(list)
        #: (scope, name) → bindings in source order; ``self.x = …`` is recorded under (class, "self.x")
        self.bindings: DefaultDict[Tuple[cst.CSTNode, str], List[Binding]] = defaultdict(list)
        self._stack: List[cst.CSTNode] = []

    # -- the walk -------------------------------------------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parent[node] = self._stack[-1]
        self._stack.append(node)
        if not isinstance(node, _UNINDEXED):
            self.order[node] = len(self.order)
            self.by_type[type(node)].append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()

    # -- queries --------------------------------------------------------------------------------------
    def nodes(self, kind: Type[N]) -> List[N]:
        return self.by_type.get(kind, [])  # type: ignore[return-value]

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parent.get(node)
        while current is not None:
            yield current
            current = self.parent.get(current)

    def scope_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost function, lambda, class or module that holds ``node`` (not ``node`` itself)."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, SCOPE_TYPES):
                return ancestor
        return node

    def function_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost function (or the module) that holds ``node``; class bodies are skipped."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                return ancestor
        return node

    def class_of(self, node: cst.CSTNode) -> Optional[cst.ClassDef]:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.ClassDef):
                return ancestor
        return None

    def module(self) -> cst.Module:
        return self.nodes(cst.Module)[0]

    def is_inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        return node is container or any(a is container for a in self.ancestors(node))

    # -- bindings -------------------------------------------------------------------------------------
    def collect_bindings(self) -> None:
        """Record every simple binding; called once after the walk."""
        for assign in self.nodes(cst.Assign):
            for target in assign.targets:
                self._bind_target(target.target, assign.value, assign)
        for ann in self.nodes(cst.AnnAssign):
            self._bind_target(ann.target, ann.value, ann)
        for walrus in self.nodes(cst.NamedExpr):
            self._bind_target(walrus.target, walrus.value, walrus)
        for item in self.nodes(cst.WithItem):
            if item.asname is not None:
                self._bind_target(item.asname.name, item.item, item)
        for loop in self.nodes(cst.For):
            self._bind_target(loop.target, None, loop)
        for handler in self.nodes(cst.ExceptHandler):
            if handler.name is not None:
                self._bind_target(handler.name.name, handler, handler)
        for param in self.nodes(cst.Param):
            self._bind_target(param.name, param.default, param)

    def _bind_target(self, target: cst.CSTNode, value: Optional[cst.CSTNode], at: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            scope = self.scope_of(at) if not isinstance(at, cst.Param) else self._param_scope(at)
            self.bindings[(scope, target.value)].append(Binding(target.value, value, self.order.get(at, 0), at))
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            owner = target.value.value
            if owner in ("self", "cls"):
                klass = self.class_of(at)
                if klass is not None:
                    key = (klass, f"self.{target.attr.value}")
                    self.bindings[key].append(Binding(key[1], value, self.order.get(at, 0), at))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values: List[Optional[cst.CSTNode]] = [None] * len(target.elements)
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(target.elements):
                values = [element.value for element in value.elements]
            for element, element_value in zip(target.elements, values):
                self._bind_target(element.value, element_value, at)

    def _param_scope(self, param: cst.Param) -> cst.CSTNode:
        for ancestor in self.ancestors(param):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return ancestor
        return self.module()

    def lookup(self, name: str, at: cst.CSTNode) -> Optional[Binding]:
        """The binding of ``name`` that ``at`` most plausibly sees: the latest earlier one in the innermost
        function that binds it (or the latest at all, for loops), then enclosing functions, then the module."""
        position = self.order.get(at, 0)
        scope: Optional[cst.CSTNode] = self.scope_of(at)
        first = True
        while scope is not None:
            if first or not isinstance(scope, cst.ClassDef):
                found = self.bindings.get((scope, name))
                if found:
                    earlier = [b for b in found if b.order < position]
                    return (earlier or found)[-1]
            first = False
            scope = None if isinstance(scope, cst.Module) else self.scope_of(scope)
        return None

    def lookup_self_attribute(self, attr: str, at: cst.CSTNode) -> Optional[Binding]:
        """``self.attr`` inside a class: its assignment in any method, or the class-level constant."""
        klass = self.class_of(at)
        if klass is None:
            return None
        found = self.bindings.get((klass, f"self.{attr}")) or self.bindings.get((klass, attr))
        return found[-1] if found else None
