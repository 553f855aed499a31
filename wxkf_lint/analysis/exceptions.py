"""Which caught exceptions include a read timeout, for the HTTP libraries a file uses.

A read timeout means the request went out and its answer did not come back in time (domain.md: "Sends that may
arrive twice").  Whether an ``except`` clause catches one depends on the library's exception tree:

* requests: ``ReadTimeout`` < ``Timeout`` < ``RequestException`` < ``IOError`` (= ``OSError``);
  ``ConnectTimeout`` and ``ConnectionError`` are connect-side (the request never arrived) and do not count;
* httpx: ``ReadTimeout`` < ``TimeoutException`` < ``TransportError`` < ``RequestError`` < ``HTTPError``;
* aiohttp: ``asyncio.TimeoutError`` (its total timeout) and ``ServerTimeoutError``;
* urllib / sockets: ``socket.timeout`` (an ``OSError``); urllib3: ``ReadTimeoutError`` < ``TimeoutError``;
* any library: a bare ``except``, ``Exception``, ``BaseException``.

A name the file imports from somewhere else, or a builtin whose meaning changed between Python versions
(``TimeoutError``), is unknown and never counts: the rules that read this report only proven read timeouts.
"""

from __future__ import annotations

import builtins
from typing import Dict, FrozenSet, Iterable, Optional, Set

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.syntax import dotted_name

#: (library, exception name) pairs that catch a read timeout of that library.
_READ_TIMEOUTS: Dict[str, FrozenSet[str]] = {
    "requests": frozenset({"ReadTimeout", "Timeout", "RequestException"}),
    "httpx": frozenset({"ReadTimeout", "TimeoutException", "TransportError", "RequestError", "HTTPError"}),
    "aiohttp": frozenset({"ServerTimeoutError"}),
    "asyncio": frozenset({"TimeoutError"}),
    "socket": frozenset({"timeout"}),
    "urllib3": frozenset({"ReadTimeoutError", "TimeoutError"}),
}
_ANY = frozenset({"*", "Exception", "BaseException"})
#: requests' exceptions and urllib's socket.timeout are OSErrors; httpx's and aiohttp's are not (nor, before
#: Python 3.11, asyncio.TimeoutError): ``except OSError`` catches a read timeout only for requests and urllib.
_OS_ERRORS = frozenset({"OSError", "IOError", "EnvironmentError"})
_OS_ERROR_LIBRARIES = frozenset({"requests", "urllib"})
HTTP_LIBRARIES = frozenset({"requests", "httpx", "aiohttp", "urllib", "urllib3"})


class ExceptionNames:
    """Resolves caught exception names through the file's imports."""

    def __init__(self, index: SyntaxIndex) -> None:
        #: local name → "module.Name" for ``from module import Name [as local]``
        self.imported: Dict[str, str] = {}
        self.modules: Set[str] = set()
        for node in index.nodes(cst.ImportFrom):
            module = dotted_name(node.module) if node.module is not None else ""
            if module:
                self.modules.add(module.split(".", 1)[0])
            if isinstance(node.names, cst.ImportStar) or not module:
                continue
            for alias in node.names:
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name):
                    self.imported[local.value] = f"{module}.{dotted_name(alias.name)}"
        for node in index.nodes(cst.Import):
            for alias in node.names:
                self.modules.add(dotted_name(alias.name).split(".", 1)[0])
        self.libraries = frozenset(self.modules & HTTP_LIBRARIES)

    def read_timeout_in(self, names: Iterable[str], library: Optional[str] = None) -> Optional[str]:
        """The most explicit of ``names`` (as a retry site records them: short, dotted, ``*``) that catches a read
        timeout of ``library`` (the module the request is sent with; None: any the file imports)."""
        libraries = frozenset({library}) if library in HTTP_LIBRARIES else self.libraries
        found = sorted((name for name in names if self._catches_read_timeout(name, libraries)), key=lambda n: (-len(n), n))
        if not found:
            return None
        return "a broad except" if found[0] == "*" else found[0]

    def _catches_read_timeout(self, name: str, libraries: FrozenSet[str]) -> bool:
        if name in _ANY:
            return True
        qualified = self.imported.get(name.split(".", 1)[0])
        if qualified is not None:
            name = qualified + name[len(name.split(".", 1)[0]):]
        if "." in name:
            root, last = name.split(".", 1)[0], name.rsplit(".", 1)[-1]
            return last in _READ_TIMEOUTS.get(root, frozenset())
        if name in _OS_ERRORS:
            return bool(libraries) and libraries <= _OS_ERROR_LIBRARIES
        # a short name recorded without its module (``backoff.on_exception(…, requests.Timeout)``): the module
        # it came from is imported whole.  A builtin's name (``TimeoutError``) is the builtin.
        if hasattr(builtins, name):
            return False
        return any(name in _READ_TIMEOUTS.get(module, frozenset()) for module in self.modules if module in _READ_TIMEOUTS)
