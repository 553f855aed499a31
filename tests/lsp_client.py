"""A small LSP client over stdio, for talking to the installed ``wxkf-lint server`` as an editor does.

Written here rather than taken from pytest-lsp so the tests stay synchronous and depend on nothing but
the server.  A reader thread parses the server's messages; requests the server sends (``client/
registerCapability``) are answered at once with ``null``, as a client that accepts them does.  Every wait
has a timeout, so a server that hangs fails the test in seconds instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from tests.cli_helpers import wxkf_executable

TIMEOUT = 30.0

#: what a client that supports everything the server uses announces
CAPABILITIES: Dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {
        "didChangeWatchedFiles": {"dynamicRegistration": True},
        "workspaceEdit": {"documentChanges": True},
    },
    "textDocument": {
        "publishDiagnostics": {"versionSupport": True},
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}}},
    },
}


class LspError(Exception):
    """The server answered a request with an error, or did not answer in time."""


class LspSession:
    def __init__(self, root: Path, capabilities: Optional[Dict[str, Any]] = None, cwd: Optional[Path] = None) -> None:
        """A server started in ``cwd`` (default: ``root``) for the workspace folder ``root``."""
        self.stderr_path = root / ".lsp-stderr.log"
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [wxkf_executable(), "server"],
            cwd=str(cwd or root),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._write_lock = threading.Lock()
        self._changed = threading.Condition()
        self._responses: Dict[int, Dict[str, Any]] = {}
        self.notifications: List[Dict[str, Any]] = []
        self.server_requests: List[Dict[str, Any]] = []
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.initialize_result = self.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities or CAPABILITIES},
        )
        self.notify("initialized", {})

    # -- wire ----------------------------------------------------------------------------------------

    def _send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        with self._write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    with self._changed:
                        self._changed.notify_all()
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None, "a message without Content-Length"
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:
                self.server_requests.append(message)
                try:
                    self._send({"id": message["id"], "result": None})
                except (OSError, ValueError):  # the test closed the server's stdin
                    pass
                continue
            with self._changed:
                if "id" in message:
                    self._responses[message["id"]] = message
                else:
                    self.notifications.append(message)
                self._changed.notify_all()

    def _wait(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = ready()
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise LspError(f"no {what} within {timeout:.0f} s; server stderr:\n{self.stderr()}")
                self._changed.wait(min(left, 0.5))

    # -- protocol ------------------------------------------------------------------------------------

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        self._next_id += 1
        number = self._next_id
        self._send({"id": number, "method": method, "params": params})
        response = self._wait(lambda: self._responses.pop(number, None), timeout, f"answer to {method}")
        if "error" in response:
            raise LspError(f"{method}: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def mark(self) -> int:
        """A point in the stream of notifications: :meth:`diagnostics` waits for one after it."""
        with self._changed:
            return len(self.notifications)

    def diagnostics(self, uri: str, after: int, timeout: float = TIMEOUT) -> List[Dict[str, Any]]:
        """The first diagnostics published for ``uri`` after the mark ``after``."""

        def published() -> Optional[List[Dict[str, Any]]]:
            for message in self.notifications[after:]:
                if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                    return message["params"]["diagnostics"]
            return None

        return self._wait(published, timeout, f"diagnostics for {uri}")

    def published(self, uri: str, after: int = 0) -> List[List[Dict[str, Any]]]:
        """Every diagnostics list published for ``uri`` since ``after``, as received so far."""
        with self._changed:
            return [
                m["params"]["diagnostics"]
                for m in self.notifications[after:]
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            ]

    def messages(self, after: int = 0) -> List[Dict[str, Any]]:
        with self._changed:
            return [m["params"] for m in self.notifications[after:] if m.get("method") == "window/showMessage"]

    # -- documents -----------------------------------------------------------------------------------

    def open(self, path: Path, text: str, version: int = 1) -> int:
        mark = self.mark()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": path.as_uri(), "languageId": "python", "version": version, "text": text}},
        )
        return mark

    def change(self, path: Path, text: str, version: int) -> int:
        mark = self.mark()
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": path.as_uri(), "version": version}, "contentChanges": [{"text": text}]},
        )
        return mark

    def code_actions(self, path: Path, line: int, character: int, only: Optional[List[str]] = None) -> List[Dict[str, Any]]:
        position = {"line": line, "character": character}
        context: Dict[str, Any] = {"diagnostics": []}
        if only is not None:
            context["only"] = only
        params = {"textDocument": {"uri": path.as_uri()}, "range": {"start": position, "end": position}, "context": context}
        return self.request("textDocument/codeAction", params) or []

    # -- end -----------------------------------------------------------------------------------------

    def close(self, timeout: float = TIMEOUT) -> int:
        """shutdown, exit, and the server's exit code."""
        if self.process.poll() is None:
            try:
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
            except (LspError, OSError):
                pass
        try:
            return self.process.wait(timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self._stderr.close()

    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")[-4000:]


def apply_edits(text: str, edits: List[Dict[str, Any]]) -> str:
    """``text`` with LSP ``TextEdit`` s applied (UTF-16 positions, ``\\n`` lines), as an editor applies them."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)

    def offset(position: Dict[str, int]) -> int:
        start = starts[position["line"]]
        line = text[start:].split("\n", 1)[0]
        units = 0
        for index, char in enumerate(line):
            if units >= position["character"]:
                return start + index
            units += 2 if ord(char) > 0xFFFF else 1
        return start + len(line)

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits), reverse=True)
    for begin, end, new in spans:
        text = text[:begin] + new + text[end:]
    return text


def edits_of(action: Dict[str, Any]) -> List[Dict[str, Any]]:
    edit = action["edit"]
    if "documentChanges" in edit:
        return [e for change in edit["documentChanges"] for e in change["edits"]]
    return [e for edits in edit["changes"].values() for e in edits]
