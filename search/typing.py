"""What the customer had typed a moment ago: the texts to fall back on while typing.

A suggestion list must never vanish because of the keystroke just made: "How
d", "How do I", "Je " or a half-typed word that matches nothing yet would
otherwise empty a list the words before it had filled. When a text finds
nothing, the search tries the earlier states of the same text, latest first,
and shows what the last one that finds something finds:

>>> list(earlier_texts("How do I con"))
['How do I ', 'How do I', 'How do ', 'How do', 'How ', 'How']
>>> list(earlier_texts("Je "))
['Je']
>>> list(earlier_texts("invoice"))
[]

The last word is first taken as finished (what the customer saw after typing
the space) and then as being typed (what they saw while typing it). At most
``MAX_WORDS_DROPPED`` words are taken back: a list that stayed empty for
longer than that is not the one the customer is looking at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .analysis import WORD_PATTERN

MAX_WORDS_DROPPED = 3
_WORD = re.compile(WORD_PATTERN)


def earlier_texts(text: str) -> Iterator[str]:
    """Earlier states of ``text``, latest first (see the module's doc)."""
    words = list(_WORD.finditer(text))
    if not words:
        return
    seen = {text}

    def fresh(candidate):
        if candidate.strip() and candidate not in seen:
            seen.add(candidate)
            return True
        return False

    last = words[-1]
    if last.end() < len(text.rstrip()) or text[last.end():] != "":
        # The last word is finished: it was being typed a moment ago.
        candidate = text[: last.end()]
        if fresh(candidate):
            yield candidate
    for dropped in range(1, min(MAX_WORDS_DROPPED, len(words) - 1) + 1):
        end = words[-1 - dropped].end()
        for candidate in (text[:end] + " ", text[:end]):
            if fresh(candidate):
                yield candidate
