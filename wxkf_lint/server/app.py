"""``wxkf-lint server``: the language server, on pygls.  Thin: it calls the engine and formats what it finds.

Timing.  A document is linted when it is opened or saved, and :data:`DEBOUNCE_SECONDS` after the last of
a run of changes: each change cancels the lint still waiting for the previous one, so typing costs one
lint per pause, not one per keystroke.  A text that is the one last linted with the same configuration
(a save after the edits were linted, an undo) reuses that lint.  Lints run one at a time on a worker thread, so the server keeps
reading messages while LibCST parses.  Every state of a document has a generation number; a lint's
result is published only if no change came after the text it read, so a slow lint of an old text never
overwrites the diagnostics of a newer one (the newer lint is already on its way), and code actions are
offered only on a text the findings belong to.

Text.  The client sends the whole text on each change (``TextDocumentSyncKind.Full``): pygls applies
incremental edits by ``str.splitlines`` lines, which split at characters that LSP and Python do not
treat as line breaks (see ``text.py``), so an incremental edit after a form feed would corrupt the text.

Configuration is read per document as the runner reads it (``configs.py``) and re-read when the client
reports a changed ``pyproject.toml`` (a file watcher the server registers where the client allows it, or
the save of an open pyproject.toml); every open document is then linted again.  A configuration error is
shown once as a message and as the one diagnostic of each document it concerns.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Optional, Set, Union

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from wxkf_lint import __version__
from wxkf_lint.config import ConfigError
from wxkf_lint.server.actions import FIX_ALL, LintResult, code_actions
from wxkf_lint.server.configs import Configurations, is_excluded
from wxkf_lint.server.diagnostics import configuration_diagnostic, to_diagnostic
from wxkf_lint.server.text import UTF16, LspPositions
from wxkf_lint.source import SourceText

#: the pause after the last change before a document is linted again; a lint of a 2,000-line document
#: costs about 0.4 s, so a shorter pause would mostly lint texts that are already out of date
DEBOUNCE_SECONDS = 0.15
#: the worker thread's stack: LibCST's code generation recurses once per nesting level, and the runner's
#: recursion limit (10,000) needs about what a main thread has (8 MiB on Linux), more than a thread gets
#: by default elsewhere (512 KiB on macOS); reserved address space, not memory in use
_STACK_BYTES = 64 * 1024 * 1024
PYTHON_SUFFIXES = (".py", ".pyi")

logger = logging.getLogger("wxkf_lint.server")


@dataclass
class _Document:
    generation: int = 0
    pending: Optional["asyncio.Task[None]"] = None
    result: Optional[LintResult] = None


@dataclass(frozen=True)
class _Unconfigured:
    """The outcome of a lint that could not run: the document's configuration is broken."""

    message: str


class WxkfServer(LanguageServer):
    """The open documents, their last lint, the configurations read, and the one thread that lints."""

    def __init__(self) -> None:
        super().__init__("wxkf-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.configs = Configurations(Path.cwd())
        self.documents: Dict[str, _Document] = {}
        #: one counter for every document, so a document closed and opened again never reuses a number
        self._generations = itertools.count(1)
        self.shown_errors: Set[str] = set()
        #: whether the client asked for shutdown before exit: the exit code says so (LSP: 0, else 1)
        self.shutdown_requested = False
        previous = threading.stack_size(_STACK_BYTES)
        try:  # the thread starts on the first submit, with the stack size in force then: start it now
            self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wxkf-lint")
            self.worker.submit(lambda: None).result()
        finally:
            threading.stack_size(previous)

    # -- scheduling ----------------------------------------------------------------------------------

    def new_text(self, uri: str) -> None:
        """The document's text changed (or it was opened): what was linted before is out of date."""
        self.documents.setdefault(uri, _Document()).generation = next(self._generations)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, replacing the lint that was waiting for it."""
        document = self.documents.get(uri)
        if document is None:
            return
        if document.pending is not None:
            document.pending.cancel()
        document.pending = asyncio.ensure_future(self._relint(uri, document.generation, delay))

    async def _relint(self, uri: str, generation: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        text_document = self.workspace.get_text_document(uri)
        text, version = text_document.source, text_document.version
        path = _path_of(uri)
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(self.worker, self._lint, uri, generation, version, path, text)
        except Exception as error:  # a bug, not the document's fault: say so in one line, keep serving
            message = f"wxkf-lint: internal error linting {uri}: {type(error).__name__}: {error}".splitlines()[0]
            logger.error("%s", message)
            self._show_once(message)
            return
        document = self.documents.get(uri)
        if outcome is None or document is None or document.generation != generation:
            return  # closed, or changed since: the lint of the newer text is already scheduled
        if isinstance(outcome, _Unconfigured):
            document.result = None
            self._show_once(outcome.message)
            diagnostics = [configuration_diagnostic(outcome.message)]
        else:
            document.result = outcome
            diagnostics = outcome.diagnostics
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def _lint(
        self, uri: str, generation: int, version: Optional[int], path: Optional[str], text: str
    ) -> Union[LintResult, _Unconfigured, None]:
        """On the worker thread: the findings for one text, or None if the text is already out of date."""
        document = self.documents.get(uri)
        if document is None or document.generation != generation:
            return None
        folder = Path(path).parent if path else self.configs.root
        try:
            linter = self.configs.linter_for(folder)
        except ConfigError as error:
            return _Unconfigured(f"wxkf-lint: configuration error: {error}")
        previous = document.result
        if previous is not None and previous.linter is linter and previous.source.text == text:
            # a save, or an undo back to the text last linted: the same findings, for this generation
            return replace(previous, generation=generation, version=version)
        name = path or uri
        source = SourceText(text=text, encoding="utf-8", bom=False, newline="\r\n" if "\r\n" in text else "\n")
        findings = [] if path and is_excluded(linter, path) else linter.lint_source(source, name)
        lines = LspPositions(text, self._encoding())
        diagnostics = [to_diagnostic(finding, lines) for finding in findings]
        return LintResult(generation, version, name, source, lines, linter, findings, diagnostics)

    def _encoding(self) -> str:
        encoding = self.workspace.position_encoding or UTF16
        return str(getattr(encoding, "value", encoding))

    def _show_once(self, message: str) -> None:
        if message not in self.shown_errors:
            self.shown_errors.add(message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    async def reload_configuration(self) -> None:
        """Forget every configuration read (on the worker, which alone reads them) and lint every open document."""
        await asyncio.get_running_loop().run_in_executor(self.worker, self.configs.forget)
        self.shown_errors.clear()
        for uri in list(self.documents):
            self.schedule(uri, 0)

    def current_result(self, uri: str) -> Optional[LintResult]:
        """The findings of the document's current text, if they have been computed."""
        document = self.documents.get(uri)
        if document is None or document.result is None or document.result.generation != document.generation:
            return None
        return document.result


def _path_of(uri: str) -> Optional[str]:
    return to_fs_path(uri) if uri.startswith("file:") else None


def _is_python(uri: str, language_id: Optional[str]) -> bool:
    if language_id:
        return language_id == "python"
    path = _path_of(uri) or uri
    return path.endswith(PYTHON_SUFFIXES)


def _is_pyproject(uri: str) -> bool:
    return (_path_of(uri) or uri).replace("\\", "/").rsplit("/", 1)[-1] == "pyproject.toml"


def create_server() -> WxkfServer:
    server = WxkfServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: WxkfServer, params: types.InitializeParams) -> None:
        """The workspace's folder (``rootUri``, else the first workspace folder) stands for the runner's cwd."""
        folders = [folder.uri for folder in ls.workspace.folders.values()]
        root = ls.workspace.root_path or next((to_fs_path(uri) for uri in folders if uri.startswith("file:")), None)
        if root:
            ls.configs.root = Path(root)

    @server.feature(types.INITIALIZED)
    def initialized(ls: WxkfServer, params: types.InitializedParams) -> None:
        """Ask the client to report pyproject.toml changes, where it can register watchers at run time.

        The request is not awaited: a client that refuses still sends the saves of an open pyproject.toml.
        """
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            watcher = types.FileSystemWatcher(glob_pattern="**/pyproject.toml")
            registration = types.Registration(
                id="wxkf-lint-pyproject",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[watcher]),
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: WxkfServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if _is_python(item.uri, item.language_id):
            ls.new_text(item.uri)
            ls.schedule(item.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: WxkfServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in ls.documents:
            ls.new_text(params.text_document.uri)
            ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    async def did_save(ls: WxkfServer, params: types.DidSaveTextDocumentParams) -> None:
        if _is_pyproject(params.text_document.uri):
            await ls.reload_configuration()
        elif params.text_document.uri in ls.documents:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: WxkfServer, params: types.DidCloseTextDocumentParams) -> None:
        document = ls.documents.pop(params.text_document.uri, None)
        if document is not None:
            if document.pending is not None:
                document.pending.cancel()
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: WxkfServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_pyproject(change.uri) for change in params.changes):
            await ls.reload_configuration()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    async def code_action(ls: WxkfServer, params: types.CodeActionParams) -> Optional[List[types.CodeAction]]:
        uri = params.text_document.uri
        result = ls.current_result(uri)
        if result is None:
            return None
        edits = ls.client_capabilities.workspace and ls.client_capabilities.workspace.workspace_edit
        versioned = bool(edits and edits.document_changes) and result.version is not None
        only = [str(getattr(kind, "value", kind)) for kind in params.context.only] if params.context.only else None
        loop = asyncio.get_running_loop()
        actions = await loop.run_in_executor(ls.worker, code_actions, uri, result, params.range, only, versioned)
        return actions if ls.current_result(uri) is result else None

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: WxkfServer, *params: None) -> None:
        ls.shutdown_requested = True
        for document in ls.documents.values():
            if document.pending is not None:
                document.pending.cancel()
        ls.worker.shutdown(wait=False, cancel_futures=True)

    return server


def serve() -> int:
    """Speak LSP on stdin/stdout until the client says ``exit`` (or closes the connection); the exit code."""
    server = create_server()
    server.start_io()
    return 0 if server.shutdown_requested else 1
