"""The suggestion every "unknown X" message ends with, wherever X comes from."""

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """ " (did you mean 'Statement'?)" for the closest candidate, or "" when none is close."""
    match = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=cutoff)
    return f" (did you mean '{match[0]}'?)" if match else ""
