"""The shared analysis of one file: built once, read by every rule.

``FileContext`` walks the parsed module once (:class:`~wxkf_lint.analysis.index.SyntaxIndex`) and then
derives, from that index and without walking again, what SPEC §2 "How a rule knows it is looking at
WeCom code" describes: wechatpy usage, WeCom calls and their endpoints and bodies, response families and
errcode/errmsg reads.  Analyses that only some rules need (retries, tokens, message bodies) are built on
first use and cached, so a run that disables those rules does not pay for them.
"""

from __future__ import annotations

from functools import cached_property

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis
from wxkf_lint.analysis.codesets import CodeTests
from wxkf_lint.analysis.filekind import is_test_file, is_wecom_code
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.responses import ResponseAnalysis
from wxkf_lint.analysis.usage import UsageAnalysis
from wxkf_lint.analysis.wechatpy import WechatpyUsage
from wxkf_lint.options import WRAPPERS
from wxkf_lint.settings import Settings


class FileContext:
    """Everything the rules know about one module."""

    def __init__(self, module: cst.Module, settings: Settings, path: str = "<stdin>") -> None:
        self.module = module
        self.settings = settings
        self.path = path
        self.index = SyntaxIndex(module)
        self.wechatpy = WechatpyUsage(self.index)
        self.calls = CallAnalysis(self.index, self.wechatpy, settings.get(WRAPPERS))
        self.responses = ResponseAnalysis(self.index, self.calls, self.wechatpy)

    @cached_property
    def is_wecom_code(self) -> bool:
        """The file sends WeCom requests, names a WeCom URL or uses wechatpy: token and secret rules apply."""
        return is_wecom_code(self.index, self.calls, self.wechatpy)

    @cached_property
    def is_test_file(self) -> bool:
        """A test file (by its path): canned answers and fixture credentials are there on purpose."""
        return is_test_file(self.path)

    @cached_property
    def code_tests(self) -> CodeTests:
        """The file's errcode conditions and their universe of sample codes: one for the retry analysis and
        the kf checks alike."""
        return CodeTests(self.index, self.responses)

    @cached_property
    def usage(self) -> UsageAnalysis:
        """How each response family is used (fields, checks, delegation); built on first use."""
        return UsageAnalysis(self.index, self.responses)

    # Analyses that only some rules read are imported and built on first use.
    @cached_property
    def retries(self):  # -> wxkf_lint.analysis.retries.RetryAnalysis
        """Every place a WeCom request is re-sent (loops, recursion, tenacity/backoff, urllib3 Retry)."""
        from wxkf_lint.analysis.retries import RetryAnalysis

        return RetryAnalysis(self)

    @cached_property
    def tokens(self):  # -> wxkf_lint.analysis.tokens.TokenAnalysis
        """Where access tokens and secrets come from, are stored, used and renewed."""
        from wxkf_lint.analysis.tokens import TokenAnalysis

        return TokenAnalysis(
            self.index, self.calls, self.responses, self.wechatpy, self.is_wecom_code, self.is_test_file
        )

    @cached_property
    def bodies(self):  # -> wxkf_lint.analysis.bodies.BodyAnalysis
        """The request bodies WeCom calls send, followed through local names."""
        from wxkf_lint.analysis.bodies import BodyAnalysis

        return BodyAnalysis(self.index, self.calls)

    @cached_property
    def downloads(self):  # -> wxkf_lint.analysis.downloads.DownloadAnalysis
        """Media downloads whose bytes are written or returned without a content check."""
        from wxkf_lint.analysis.downloads import DownloadAnalysis

        return DownloadAnalysis(self.index, self.calls, self.callees)

    @cached_property
    def token_fetches(self):  # -> wxkf_lint.analysis.token_fetches.TokenFetches
        """gettoken calls that run on every call of a function that sends a WeCom request (no cache between)."""
        from wxkf_lint.analysis.token_fetches import TokenFetches

        return TokenFetches(self.index, self.calls)

    @cached_property
    def resends(self):  # -> wxkf_lint.analysis.resends.Resends
        """Sends re-sent after a read timeout with no way for WeCom to recognise the duplicate."""
        from wxkf_lint.analysis.resends import Resends

        return Resends(self.index, self.calls, self.retries.sites, self.bodies)

    @cached_property
    def refresh_resends(self):  # -> wxkf_lint.analysis.refresh_resends.RefreshResends
        """Requests repeated after a token refresh with what was built from the old token."""
        from wxkf_lint.analysis.refresh_resends import RefreshResends

        return RefreshResends(self.index, self.calls, self.code_tests)

    @cached_property
    def callees(self):  # -> wxkf_lint.analysis.callees.CalleeLibraries
        """Which known HTTP library a call goes through, where the file shows it (SPEC §2: callee facts)."""
        from wxkf_lint.analysis.callees import CalleeLibraries

        return CalleeLibraries(self.index, self.wechatpy)

    def callee_vets_answer(self, call):  # (WeComCall) -> wxkf_lint.analysis.facts.Fact
        """Whether the callee tests errcode before handing the answer back: GOOD for wechatpy and checking
        wrappers (``call.checked``); BAD for a known HTTP library's function, or a same-file or configured
        wrapper that does not check; UNKNOWN for a method of an object or base class the file does not show,
        whatever is done with its answer here (SPEC §2: it is unknown "whatever URL it is given", and a client
        that raises on a non-zero errcode may still hand back the HTTP response it parsed)."""
        from wxkf_lint.analysis.facts import Fact

        if call.checked:
            return Fact.GOOD
        if call.kind == "wrapper":
            return self._wrapped_sends_vet_answer(call.node, 0)
        if call.kind != "http" or self.callees.library_of(call.node) is not None:
            return Fact.BAD
        return Fact.UNKNOWN

    def _wrapped_sends_vet_answer(self, node, depth: int):  # (cst.Call, int) -> Fact
        """A same-file wrapper vets the answer as the sends inside it do: ``self.session.post(url, …)`` on a
        session the file does not show may raise on errcode itself, so the wrapper's callers are unknown too."""
        from wxkf_lint.analysis.facts import Fact

        if depth > 4:
            return Fact.UNKNOWN
        facts = []
        for wrapper in self.calls.wrappers_called(node):
            for sender in self.calls.senders_in(wrapper):
                inner = self.calls.calls.get(sender)
                if inner is not None and inner.checked:
                    facts.append(Fact.GOOD)
                elif inner is not None and inner.kind == "wrapper":
                    facts.append(self._wrapped_sends_vet_answer(sender, depth + 1))
                elif inner is not None and inner.kind != "http":
                    facts.append(Fact.BAD)
                else:
                    known = self.callees.library_of(sender) is not None
                    facts.append(Fact.BAD if known else Fact.UNKNOWN)
        return Fact.of_all(facts)

    @cached_property
    def checks(self):  # -> wxkf_lint.analysis.checks.ErrcodeChecks
        """Which codes each response's errcode tests single out."""
        from wxkf_lint.analysis.checks import ErrcodeChecks

        return ErrcodeChecks(self.index, self.calls, self.responses, self.code_tests, self.is_test_file)
