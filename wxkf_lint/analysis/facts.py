"""Proof, not suspicion (SPEC §2): every fact a rule reasons from is proven bad, proven good, or unknown.

Unknown is a value of its own, not the worst case: it is what the analysis concludes wherever it meets
code it does not model (a decorator's settings passed as ``**config`` it cannot read, a helper from
another module, a bound computed at run time).  A rule reports only what is proven bad, so an analysis
that cannot see enough says :attr:`Fact.UNKNOWN` and the rule stays silent.
"""

from __future__ import annotations

import enum
from typing import Iterable, Optional


class Fact(enum.Enum):
    """One fact about the code as a rule needs it: is the defect there?"""

    #: the analysis has shown the defect (no bound, no pause, a permanent code in the trigger)
    BAD = "proven bad"
    #: the analysis has shown the code does the right thing
    GOOD = "proven good"
    #: the code does not show enough: what decides it lives elsewhere
    UNKNOWN = "unknown"

    @classmethod
    def bad_if(cls, defect: Optional[bool]) -> "Fact":
        """``True`` → BAD, ``False`` → GOOD, ``None`` (could not tell) → UNKNOWN."""
        if defect is None:
            return cls.UNKNOWN
        return cls.BAD if defect else cls.GOOD

    @classmethod
    def of_all(cls, facts: "Iterable[Fact]") -> "Fact":
        """What several facts of one decision say together: unknown if any is (or there is none), else bad if any is."""
        found = set(facts)
        if not found or cls.UNKNOWN in found:
            return cls.UNKNOWN
        return cls.BAD if cls.BAD in found else cls.GOOD

    @property
    def proven_bad(self) -> bool:
        return self is Fact.BAD

    def __bool__(self) -> bool:
        # A Fact is not a flag: ``if site.waits:`` would treat UNKNOWN as proven, the very rounding SPEC §2 forbids.
        raise TypeError("test a Fact with 'is Fact.BAD' / .proven_bad, not as a bool")
