"""Every place a file re-sends a WeCom request because of a failure, with its bound, wait and trigger.

Shapes: loops (``while True``, ``while <errcode test>``, ``while attempt < n``, ``for _ in range(n)``,
``itertools.count()``), recursion (a function that calls itself after a failed WeCom call), decorators
(tenacity ``@retry``, backoff ``@backoff.on_exception``/``on_predicate``) and transport retries (urllib3
``Retry(total=n)``).  A loop is a retry only when a *failure* brings it round again while success leaves it:
the codes that reach the next iteration are worked out by following the loop body's branches
(:mod:`.flow`), so paging on ``has_more``, polling daemons and loops over recipients are not retries.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Dict, List

from wxkf_lint.analysis.retries.decorators import DecoratorSites
from wxkf_lint.analysis.retries.flow import Flow
from wxkf_lint.analysis.retries.loops import LoopSites
from wxkf_lint.analysis.retries.raises import Raises
from wxkf_lint.analysis.retries.recursion import RecursionSites
from wxkf_lint.analysis.retries.scope import RetryFile
from wxkf_lint.analysis.retries.site import UNKNOWN_BOUND, Bound, RetrySite
from wxkf_lint.analysis.retries.transport import transport_sites
from wxkf_lint.analysis.retries.waits import Pauses, Renewals

if TYPE_CHECKING:
    from wxkf_lint.analysis import FileContext

__all__ = ["UNKNOWN_BOUND", "Bound", "RetryAnalysis", "RetrySite"]


class RetryAnalysis:
    """Every retry site of one file, in :attr:`sites`.

    Composed of parts, each built from explicit inputs and answering its own questions: :class:`RetryFile` (the
    file, its code tests, which calls send), :class:`Raises` (which exceptions stand for which errcodes),
    :class:`Flow` (which codes come round a loop body), :class:`Pauses` and :class:`Renewals` (waits and token
    refreshes in a retry), and the site finders for loops, recursion and decorators.
    """

    def __init__(self, context: "FileContext") -> None:
        self.sites: List[RetrySite] = []
        if not context.calls.calls and not context.calls.wrappers:
            return
        file = RetryFile(context)
        raises = Raises(file)
        flow = Flow(file, raises)
        pauses, renewals = Pauses(file), Renewals(file)
        decorators = DecoratorSites(file, raises, flow, renewals)
        sites = LoopSites(file, flow, pauses, renewals, decorators).find()
        sites += RecursionSites(file, flow, pauses, renewals).find()
        sites += decorators.find()
        sites += transport_sites(context.index, context.calls)
        self.sites = merge_shared(sites)


def merge_shared(sites: List[RetrySite]) -> List[RetrySite]:
    """One root cause, one finding: sites made from one construct (a ``**RETRY_CONFIG`` dict, a module-level
    ``net_retry = retry(...)``) become one site at that construct, counting the functions it serves.  The bound
    and the pause are the construct's own; the trigger is what any of the functions it serves retries on."""
    merged: Dict[int, RetrySite] = {}
    order: List[int] = []
    for site in sites:
        key = id(site.anchor)
        first = merged.get(key)
        if first is None:
            merged[key] = site
            order.append(key)
            continue
        merged[key] = replace(
            first,
            codes=first.codes | site.codes,
            exceptions=first.exceptions | site.exceptions,
            trigger_known=first.trigger_known and site.trigger_known,
            refreshes_token=first.refreshes_token and site.refreshes_token,
            endpoint=first.endpoint if first.endpoint == site.endpoint else None,
            shared_by=first.shared_by + 1,
            retried=first.retried + site.retried,
        )
    return [merged[key] for key in order]
