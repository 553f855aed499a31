"""What LibCST cannot take, found before its native parser is given the text.

LibCST's parser is native code that recurses once per nesting level and, past about 1,200 levels of
brackets, overflows its stack: the process dies (SIGSEGV), taking every other file of the run with it.
Its Python half recurses too: 5,000 ``not``s, ``+``s, ``elif``s or chained calls take it seconds and then
a ``RecursionError``; 5,000 implicitly concatenated literals are a "syntax error" to it.  And its memory
grows about 350 times the size of the text (a 5 MB generated table: 1.75 GB, 20 s).

CPython's own parser takes the same text in milliseconds, so it is asked first: its tree gives the
nesting depth, and its verdict tells a real syntax error (WXK001) from LibCST's own limit (WXK004).
Its tree also outlines the top-level statements, where LibCST may be given the
file in pieces (see ``pieces.py``).  Files over ``max-file-size`` are not parsed at all.  Nothing here guesses: a file is reported only for
what was measured (its size, its depth, or a parse that CPython accepted and LibCST refused).
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import NamedTuple, Optional, Tuple

#: deepest nesting LibCST is given: its native parser crashes between 1,000 and 1,500 bracket levels, and
#: its Python half takes over a second per file past 2,000 expression levels (measured with LibCST 1.9)
MAX_DEPTH = 1000

#: brackets outside comments and string literals, for the depth of a file CPython refuses as too deep
_BRACKET_SCAN = re.compile(
    r"""\#[^\r\n]*|(?:[rRbBuUfF]{0,2})(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^\\'\r\n])*'"""
    r"""|"(?:\\.|[^\\"\r\n])*")|[][(){}]"""
)
_OPENING = frozenset("([{")


#: the statements that hold blocks: where LibCST may be given a file in pieces (see ``pieces.py``)
_COMPOUND = tuple(
    kind
    for kind in (
        ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While, ast.With,
        ast.AsyncWith, ast.Try, getattr(ast, "TryStar", None), getattr(ast, "Match", None),
    )
    if kind is not None
)


class TopStatement(NamedTuple):
    """Where a top-level statement lies, as CPython's tree has it (decorators included)."""

    first_line: int
    last_line: int
    compound: bool
    decorated: bool


@dataclass(frozen=True)
class PythonVerdict:
    """What CPython's parser made of the text: accepted or not, and why LibCST must not be given it."""

    #: CPython parsed the text (a LibCST syntax error on it is then LibCST's limit, not the user's mistake)
    accepted: bool
    #: why LibCST must not be given the text, as a WXK004 message body; None when it may
    too_complex: Optional[str] = None
    #: the module's statements, when CPython parsed it
    statements: Optional[Tuple[TopStatement, ...]] = None


def oversized(size: int, limit: int) -> Optional[str]:
    """The WXK004 message for a file of ``size`` bytes when it exceeds ``limit`` (0 means no limit)."""
    if limit and size > limit:
        return f"file is {size:,} bytes, over max-file-size ({limit:,}); not parsed"
    return None


def judge(text: str, path: str) -> PythonVerdict:
    """Parse ``text`` with CPython and measure how deeply it nests."""
    try:
        with warnings.catch_warnings():  # a file's SyntaxWarnings are no part of the report
            warnings.simplefilter("ignore")
            tree = compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError:
        # Without a tree, the brackets are counted whatever CPython's error: the first error it meets need
        # not be the tokenizer's "too many nested parentheses" (a syntax error higher up, or syntax newer
        # than the running Python, such as a ``match`` statement on 3.9), and LibCST, which reads every
        # version's syntax, would parse on into the deep brackets and crash.
        depth = bracket_depth(text)
        if depth > MAX_DEPTH:
            return PythonVerdict(False, f"brackets nested {depth} deep (LibCST's parser takes {MAX_DEPTH})")
        return PythonVerdict(False)
    except (RecursionError, MemoryError):
        return PythonVerdict(False, f"nested too deeply for Python's own parser (LibCST's takes {MAX_DEPTH} levels)")
    except ValueError:  # NUL bytes: LibCST reports them as the syntax error they are
        return PythonVerdict(False)
    depth = nesting_depth(tree)
    if depth > MAX_DEPTH:
        return PythonVerdict(True, f"nesting depth {depth} (LibCST's parser takes {MAX_DEPTH})")
    return PythonVerdict(True, statements=outline(tree))


def outline(tree: ast.Module) -> Tuple[TopStatement, ...]:
    """The lines of each top-level statement of ``tree``."""
    statements = []
    for node in tree.body:
        decorators = getattr(node, "decorator_list", None) or ()
        first = min([node.lineno, *(decorator.lineno for decorator in decorators)])
        statements.append(
            TopStatement(first, node.end_lineno or node.lineno, isinstance(node, _COMPOUND), bool(decorators))
        )
    return tuple(statements)


def nesting_depth(tree: ast.AST) -> int:
    """The depth of ``tree`` as LibCST would build it (exact up to :data:`MAX_DEPTH`, a lower bound past it): ``a and b and c`` nests one level per operator.

    CPython keeps ``and``/``or`` chains and comparisons flat, LibCST nests boolean operations pairwise; a
    chain of ``elif`` is nested in both.  Iterative, so the measure itself cannot overflow.
    """
    deepest = 0
    stack = [(tree, 1)]
    pop, push, children, expr = stack.pop, stack.append, ast.iter_child_nodes, ast.expr
    while stack:
        node, depth = pop()
        if depth > deepest:
            deepest = depth
        if isinstance(node, expr) and node.lineno == node.end_lineno:
            # Each level of an expression takes at least one character: one on a line shorter than the
            # levels left cannot reach the limit, and most of a file's nodes are skipped unvisited.
            if depth + node.end_col_offset - node.col_offset <= MAX_DEPTH:  # type: ignore[operator]
                continue
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        for child in children(node):
            push((child, depth + 1))
    return deepest


def bracket_depth(text: str) -> int:
    """The deepest nesting of brackets outside comments and string literals."""
    depth = deepest = 0
    for match in _BRACKET_SCAN.finditer(text):
        token = match.group()
        if len(token) != 1 or token in "#'\"":
            continue
        if token in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest
