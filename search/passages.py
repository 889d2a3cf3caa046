"""The passage a snippet shows: one or two sentences of prose around the customer's words.

An article's text keeps one line per block (paragraph, list item, heading,
table cell; see ``kb.articles.extract_text``). Headings, table cells and
other short labels are not prose: read one after another they make no sense
("Within 24 hours Within 4 business hours Live chat No Yes"), so a snippet
never shows them. Among the prose, the sentence holding the most of the
customer's different words is shown, with the next one when it fits.

>>> text = "Plans\\nFree\\nWithin 24 hours\\nEvery plan includes tickets. Premium adds the phone line, answered in four hours."
>>> masked = prose_only(text)
>>> masked.lstrip().startswith("Every plan")
True
>>> start = text.index("phone")
>>> text[slice(*passage(text, masked, [(start, ("phone",))]))]
'Every plan includes tickets. Premium adds the phone line, answered in four hours.'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

PASSAGE_CHARS = 240
# Before the first matched word when a sentence must be cut.
LEAD_CHARS = 70
_PROSE_END = ".!?…:;)"
_SENTENCE = re.compile(r"[^.!?…]*(?:[.!?…]+[\"'»”)]*(?=\s|$)|$)")


def _is_prose(line: str) -> bool:
    """A paragraph or list item that reads as a sentence, not a heading or a table cell.

    >>> _is_prose("How priority works"), _is_prose("Within 4 business hours"), _is_prose("Go to Account > Billing > Invoices.")
    (False, False, True)
    """
    words = len(line.split())
    return words >= 12 or (words >= 4 and line.rstrip()[-1:] in _PROSE_END)


@functools.lru_cache(maxsize=256)
def prose_only(text: str) -> str:
    """``text`` with every line that is not prose blanked out, offsets kept.

    Text without line breaks (an index built before lines were kept) is
    taken as prose.
    """
    if "\n" not in text:
        return text
    return "\n".join(line if _is_prose(line) else " " * len(line) for line in text.split("\n"))


def _line_at(masked: str, offset: int) -> tuple[int, int]:
    """The (start, end) of the line holding ``offset``."""
    start = masked.rfind("\n", 0, offset) + 1
    end = masked.find("\n", offset)
    return start, len(masked) if end < 0 else end


def _sentences(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of the line ``masked[start:end]``."""
    found = []
    for m in _SENTENCE.finditer(masked, start, end):
        first = m.start() + (len(m.group()) - len(m.group().lstrip()))
        if m.end() > first:
            found.append((first, m.end()))
    return found


def _first_prose_line(masked: str) -> tuple[int, int] | None:
    offset = 0
    for line in masked.split("\n"):
        if line.strip():
            return offset, offset + len(line)
        offset += len(line) + 1
    return None


def passage(text: str, masked: str, matches: Sequence[tuple[int, object]]) -> tuple[int, int]:
    """The span of ``text`` to show, given the matched words' (offset, key).

    The sentence with the most different keys wins (the first one on a tie);
    without matches, the first sentences of the prose. A sentence too long
    to show whole is cut around its first match, on word boundaries. Only
    the lines holding matches are cut into sentences, so long articles stay
    cheap.
    """
    if not matches:
        line = _first_prose_line(masked)
        if line is None:
            return 0, min(len(text), PASSAGE_CHARS)
        sentences = _sentences(masked, *line)
        if not sentences:
            return line[0], min(line[1], line[0] + PASSAGE_CHARS)
        start, end = sentences[0]
        for s, e in sentences[1:]:
            if e - start > PASSAGE_CHARS:
                break
            end = e
        return start, end
    lines = sorted({_line_at(masked, offset) for offset, _key in matches})
    sentences = [sentence for line in lines for sentence in _sentences(masked, *line)]
    if not sentences:
        return 0, min(len(text), PASSAGE_CHARS)

    def keys_in(span):
        return len({key for offset, key in matches if span[0] <= offset < span[1]})

    best = max(range(len(sentences)), key=lambda i: (keys_in(sentences[i]), -i))
    start, end = sentences[best]
    following = sentences[best + 1] if best + 1 < len(sentences) else None
    preceding = sentences[best - 1] if best > 0 else None
    # A second sentence of the same paragraph when it fits: the next, else the one before.
    if following and following[1] - start <= PASSAGE_CHARS and "\n" not in text[end:following[0]]:
        end = following[1]
    elif preceding and end - preceding[0] <= PASSAGE_CHARS and "\n" not in text[preceding[1]:start]:
        start = preceding[0]
    if end - start <= PASSAGE_CHARS:
        return start, end
    first = min(offset for offset, _key in matches if start <= offset < end) if keys_in((start, end)) else start
    cut = max(start, first - LEAD_CHARS)
    if cut > start:
        cut = text.find(" ", cut, first) + 1 or first
    stop = min(end, cut + PASSAGE_CHARS)
    if stop < end:
        stop = text.rfind(" ", cut, stop) if text.rfind(" ", cut, stop) > first else stop
    return cut, stop
