"""The one exponential back-off: consumers, relay, change feed, mail delivery and sign-in throttling wait by it."""

from __future__ import annotations


def back_off(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retry ``attempt`` (0 for the first): ``base``, 2·``base``, 4·``base``, ... at most
    ``cap``."""
    return min(base * 2**attempt, cap)
