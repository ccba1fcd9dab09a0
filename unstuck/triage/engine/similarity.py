"""Message signatures: the content words of a message, so a burst of the same failure can be counted cheaply."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable

_PHRASES = [
    (re.compile(r"\b(?:can'?t|cannot|can not|unable to|not able to|couldn'?t)\b", re.I), " cant "),
    (re.compile(r"\b(?:log|sign)(?:ging|ged)? ?(?:in|on)\b|\blogin\b|\bsignin\b", re.I), " login "),
    (re.compile(r"\b(?:won'?t|doesn'?t|does not|isn'?t|is not|not)\b", re.I), " not "),
]
_WORD = re.compile(r"[a-z0-9]{3,}")
_STOPWORDS_TEXT = """
the and for are but not you your yours our ours has have had was were this that these those with
from into onto just can cant will would could should what when where which who whom why how all any
some there their them they then than too very also get got getting been being its it's i'm i've hi
hello hey thanks thank please help team support anyone someone something anything since today now
still again does did doing done one two out about over under after before here more most much many
only own same
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def signature(text: str, *, limit: int = 40) -> list[str]:
    """Sorted unique content tokens; "can't log in" and "unable to sign in" share the token cant_login."""
    lowered = text.lower()[:2000]
    for pattern, replacement in _PHRASES:
        lowered = pattern.sub(replacement, lowered)
    words = _WORD.findall(lowered)
    tokens = {_stem(w) for w in words if w not in STOPWORDS}
    for first, second in itertools.pairwise(words):
        if first in ("cant", "not") and second not in STOPWORDS:
            tokens.add(f"{first}_{_stem(second)}")
    return sorted(tokens)[:limit]


def cosine(a: Iterable[str], b: Iterable[str]) -> float:
    """Cosine similarity of two token sets (binary bag of words)."""
    left, right = set(a), set(b)
    if not left or not right:
        return 0.0
    return len(left & right) / math.sqrt(len(left) * len(right))
