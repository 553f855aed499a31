"""One retry found in a file: where it is, how often it may go round, what brings it round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Optional, Tuple, Union

import libcst as cst

from wxkf_lint.analysis.codesets import Codes
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.kf_tables import REFRESH_CODES, TOKEN_CODES, TRANSIENT_CODES

#: A bound that may exist but cannot be read here (a setting, a parameter, ``**config`` from elsewhere).
UNKNOWN_BOUND = Fact.UNKNOWN
#: attempts allowed: an int, None when the code shows there is no bound, UNKNOWN_BOUND when it cannot tell
Bound = Union[None, int, Fact]


@dataclass
class RetrySite:
    """One retry: where to report it and what the rules need to judge it."""

    anchor: cst.CSTNode
    shape: str
    #: attempts allowed (int), None for no bound, UNKNOWN_BOUND when bounded by something not visible
    attempts: Bound
    #: a pause between attempts: GOOD when one is seen, BAD when the code shows none, UNKNOWN when it cannot tell
    pause: Fact
    #: errcodes that lead to another attempt (OTHER = any code not named)
    codes: Codes = frozenset()
    #: the exception names a retry catches, "*" for any; errcode-raising exceptions are folded into ``codes``
    exceptions: FrozenSet[str] = frozenset()
    #: False when what brings the retry round could not be read (``**config`` from elsewhere): ``codes`` is then
    #: only what is known, and no rule may conclude from what it lacks
    trigger_known: bool = True
    #: how many retried functions share this one construct (a retry configuration, a decorator): reported once
    shared_by: int = 1
    #: the code each attempt runs: the loop, the decorated or recursing function(s); empty for a transport retry
    retried: Tuple[cst.CSTNode, ...] = ()
    refreshes_token: bool = False
    endpoint: Optional[str] = None
    #: how ``attempts`` is counted: "attempts" (range(n), stop_after_attempt(n)) or "retries" (Retry(total=n))
    bound_kind: str = "attempts"

    @property
    def unbounded(self) -> Fact:
        """WXK201's fact: BAD only when the code shows no bound at all."""
        if self.attempts is None:
            return Fact.BAD
        return Fact.GOOD if isinstance(self.attempts, int) else Fact.UNKNOWN

    @property
    def permanent_trigger(self) -> Fact:
        """WXK204's fact: BAD when codes a retry cannot change are shown to bring it round."""
        if self.permanent_codes:
            return Fact.BAD
        return Fact.GOOD if self.trigger_known else Fact.UNKNOWN

    @property
    def retries(self) -> Optional[int]:
        if not isinstance(self.attempts, int):
            return None
        return self.attempts if self.bound_kind == "retries" else max(self.attempts - 1, 0)

    @property
    def repeats_refresh(self) -> bool:
        """Only token death triggers it, yet the bound allows more than one retry: a token rejected right after a
        refresh stays rejected, so every further attempt is wasted (domain.md: refetch, then repeat *once*)."""
        retries = self.retries
        return bool(self.codes) and self.codes <= REFRESH_CODES and retries is not None and retries > 1

    @property
    def token_refresh(self) -> bool:
        """A token refresh, not a busy-retry: only token death brings the request round, no exception does, and
        it goes round once.  Either a refresh is visible (then 40001/41001 count too, as wechatpy refetches on
        them) and the bound is not known to allow more, or the trigger is only 40014/42001 and the bound is one
        retry: the token store may live in another module, and one more attempt is all the refresh asks for."""
        if not self.codes or self.exceptions or self.repeats_refresh:
            return False
        if self.refreshes_token:
            return self.codes <= REFRESH_CODES
        return self.codes <= TOKEN_CODES and self.retries == 1

    @property
    def permanent_codes(self) -> Codes:
        """The trigger codes a retry cannot change (-1 and 45009 are transient; 40014/42001 once, after a refresh)."""
        allowed = set(TRANSIENT_CODES) | {0}
        if self.token_refresh or (self.refreshes_token and not self.repeats_refresh):
            allowed |= set(REFRESH_CODES)
        elif self.retries == 1:
            allowed |= set(TOKEN_CODES)  # one more attempt on token death is the refresh shape; name only the rest
        return frozenset(code for code in self.codes if code not in allowed)
