"""The suggestion every "unknown X" message ends with, wherever X comes from."""

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """ " (did you mean 'Statement'?)" for the closest candidate, or "" when none is close."""
    match = closest(word, candidates, cutoff)
    return f" (did you mean '{match}'?)" if match else ""


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate `word` is most likely a misspelling of, compared regardless of case (`OU`
    for `ou` scores nothing as written), or None when none is close."""
    by_lower = {candidate.lower(): candidate for candidate in sorted(candidates, reverse=True)}
    match = difflib.get_close_matches(word.lower(), by_lower, n=1, cutoff=cutoff)
    return by_lower[match[0]] if match else None
