"""``wxkf-lint server``: a language server (LSP over stdio) that reports the runner's findings as you type.

It needs the optional extra ``wxkf-lint[lsp]`` (pygls).  Nothing here imports pygls until the server
starts, so the runner, the flake8 plugin and a core install never load it; without the extra the
command says how to install it and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from wxkf_lint import __version__

EXIT_ERROR = 2


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="wxkf-lint server",
        description="Run the wxkf-lint language server: LSP over stdin/stdout, for editors.",
        epilog="To lint a folder named 'server', write: wxkf-lint ./server",
    )
    parser.add_argument("--version", action="version", version=f"wxkf-lint {__version__}")
    parser.parse_args(argv)
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        sys.stderr.write("wxkf-lint: error: the language server needs pygls: pip install 'wxkf-lint[lsp]'\n")
        return EXIT_ERROR
    if sys.stdin.isatty():  # started by hand, not by an editor: say what it is waiting for
        sys.stderr.write("wxkf-lint server: speaking LSP on stdin/stdout (to lint a folder named server: wxkf-lint ./server)\n")
    # the runner's limit (cli.main): LibCST's code generation recurses once per nesting level
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    from wxkf_lint.server.app import serve

    return serve()
