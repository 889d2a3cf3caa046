"""Synonyms per locale, kept by the writers in ``search/synonyms/<locale>.txt``.

Format, one rule a line (``#`` starts a comment)::

    invoice, bill, receipt           # equivalent: any of them finds the others
    close account => delete account  # one way: the left side also searches the right

Entries may be several words. They are compared after the locale's analysis
(folding, stop words, stemming), so "invoices" meets the rule for "invoice".
Synonyms are applied to the customer's words at query time only: editing a
file needs no re-indexing, only a restart of the server processes.

>>> rules = parse_synonyms("bill, invoice\\nclose account => delete account\\n", "en")
>>> sorted(rules.alternatives[("bill",)])
[('invoic',)]
>>> rules.alternatives[("close", "account")]
(('delet', 'account'),)
>>> ("delet", "account") in rules.alternatives
False
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections import defaultdict
from pathlib import Path

from .analysis import ranked_terms

SYNONYMS_DIR = Path(__file__).with_name("synonyms")
log = logging.getLogger(__name__)
MAX_PHRASE_WORDS = 4


class SynonymFileError(ValueError):
    """A synonym file has a line that is not a rule."""


@dataclasses.dataclass(frozen=True)
class Synonyms:
    # Analysed phrase -> analysed phrases it also searches.
    alternatives: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]

    def expansions(self, terms: tuple[str, ...]) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
        """Where rules apply in a sequence of analysed terms: (start, end, alternatives).

        >>> rules = parse_synonyms("log in, sign in", "en")
        >>> rules.expansions(("cannot", "sign"))
        [(1, 2, (('log',),))]
        """
        found = []
        for start in range(len(terms)):
            for end in range(start + 1, min(len(terms), start + MAX_PHRASE_WORDS) + 1):
                alternatives = self.alternatives.get(terms[start:end])
                if alternatives:
                    found.append((start, end, alternatives))
        return found


def parse_synonyms(text: str, locale: str, source: str = "<synonyms>", problems: list[str] | None = None) -> Synonyms:
    """The rules of a synonyms file.

    A line that is not a rule raises :class:`SynonymFileError`, or, when a
    ``problems`` list is given, is described there (``file:line: ...``) and
    skipped, so one bad line never stops the search.
    """
    alternatives: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left, _, right = line.partition("=>")
            sources, targets = left.split(","), right.split(",")
        else:
            sources = targets = line.split(",")
        sources = [p for p in (ranked_terms(s, locale) for s in sources) if p]
        targets = [p for p in (ranked_terms(t, locale) for t in targets) if p]
        if not sources or not targets or ("=>" not in line and len(sources) < 2):
            problem = f"{source}:{number}: expected 'a, b, c' or 'a => b, c' with words on each side"
            if problems is None:
                raise SynonymFileError(problem)
            problems.append(problem)
            continue
        for phrase in sources:
            alternatives[phrase].update(t for t in targets if t != phrase)
    return Synonyms({k: tuple(sorted(v)) for k, v in alternatives.items() if v})


def synonyms_path(locale: str) -> Path | None:
    """The file of ``locale`` (``pt_BR.txt``, else ``pt.txt``), or None."""
    for name in (locale, locale.split("_")[0].split("-")[0]):
        path = SYNONYMS_DIR / f"{name}.txt"
        if path.is_file():
            return path
    return None


def load_synonyms(locale: str) -> tuple[Synonyms, list[str]]:
    """The synonyms of ``locale`` and the problems of its file (bad lines are skipped)."""
    path = synonyms_path(locale)
    if path is None:
        return Synonyms({}), []
    problems: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Synonyms({}), [f"{path}: cannot read: {exc}"]
    return parse_synonyms(text, locale, str(path), problems), problems


@functools.cache
def synonyms_for(locale: str) -> Synonyms:
    """The synonyms of ``locale`` (none when it has no file), read once per process."""
    synonyms, problems = load_synonyms(locale)
    for problem in problems:
        log.warning("synonyms: skipped %s", problem)
    return synonyms
