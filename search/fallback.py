"""When the page's own locale is not enough: other versions, other languages, corrections.

- :func:`fallback_locales` is the one order in which the versions of an
  article are tried for a page: the page's locale, the default locale, then
  the others as configured. Search, lists, article pages and tickets use it.
- :func:`fallback_plan` turns that order into the other indexes a search
  visits, each with the mask of the articles it must skip.
- :func:`other_language` and :func:`locales_knowing` find the index of the
  language the customer is typing in when it is not the page's.
- :func:`corrected_text` is the "did you mean" of a search that found nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence

from whoosh import query

from .analysis import language_of, word_analyzer
from .function_words import is_function_word
from .language import guess_language
from .queries import Lexicon, clean_text, split_query
from .vocabulary import allowed_edits

# Articles found in another locale rank a little below the page's own.
FALLBACK_WEIGHT = 0.8
# Text clearly in another language also searches that language's index:
# always above CLEAR_LANGUAGE, and above LIKELY_LANGUAGE when that index
# knows more of the words than the page's own.
CLEAR_LANGUAGE = 0.9
LIKELY_LANGUAGE = 0.5
OTHER_LANGUAGE_WEIGHT = 0.9
# "Did you mean" corrects words of at least this many letters, allowing
# this many edits more than the silent correction of a search.
MIN_CORRECTED_CHARS = 3
EXTRA_EDITS = 1

LexiconOf = Callable[[str], "Lexicon | None"]


def fallback_locales(locale: str, locales: Sequence[str], default_locale: str) -> tuple[str, ...]:
    """The locales whose version of an article a page in ``locale`` shows, best first.

    >>> fallback_locales("it", ("en", "fr", "de", "it"), "fr")
    ('it', 'fr', 'en', 'de')
    >>> fallback_locales("en", ("en", "fr"), "en")
    ('en', 'fr')
    """
    return tuple(dict.fromkeys((locale, default_locale, *locales)))


@dataclasses.dataclass(frozen=True)
class FallbackStep:
    """Another locale to search for articles missing in the page's; ``mask``
    matches the articles to skip there (those the locales before it have)."""

    locale: str
    mask: query.Query


def fallback_plan(
    locale: str, ids: Mapping[str, Collection[str]], locales: Sequence[str], default_locale: str
) -> tuple[FallbackStep, ...]:
    """The other indexes to search for a page in ``locale``, given the article ``ids`` of each index.

    Another locale is searched only if it has articles that neither
    ``locale`` nor the locales before it have.

    >>> plan = fallback_plan("fr", {"en": {"a", "b"}, "fr": {"a"}, "de": {"b"}}, ("en", "fr", "de"), "en")
    >>> [(step.locale, str(step.mask)) for step in plan]
    [('en', '(locales:fr)')]
    """
    covered, plan = [locale], []
    for other in fallback_locales(locale, locales, default_locale)[1:]:
        if other not in ids:
            continue
        if set(ids[other]) - set().union(*(ids.get(c, ()) for c in covered)):
            plan.append(FallbackStep(other, query.Or([query.Term("locales", c) for c in covered])))
        covered.append(other)
    return tuple(plan)


def other_language(
    text: str, locale: str, locales: Sequence[str], indexed: Collection[str], lexicon_of: LexiconOf
) -> str | None:
    """The locale to search too when ``text`` is clearly in another language than ``locale``'s.

    ``indexed`` are the locales that have an index; ``lexicon_of`` gives an
    indexed locale's :class:`~search.queries.Lexicon`.
    """
    language, probability = guess_language(clean_text(text), tuple(locales))
    if language is None or language == language_of(locale) or probability < LIKELY_LANGUAGE:
        return None
    other = next((loc for loc in locales if language_of(loc) == language), None)
    if other is None or other not in indexed:
        return None
    if probability >= CLEAR_LANGUAGE:
        return other
    # A weaker guess needs the words to back it: the other index must know
    # more of them than the page's own.
    words = [t.text for t in word_analyzer(other)(clean_text(text))]
    page_lexicon, other_lexicon = lexicon_of(locale), lexicon_of(other)
    known_here = sum(page_lexicon.knows(w, locale) for w in words) if page_lexicon else 0
    known_there = sum(other_lexicon.knows(w, other) for w in words)
    return other if known_there > known_here else None


def locales_knowing(text: str, locales: Sequence[str], exclude: str, lexicon_of: LexiconOf) -> list[str]:
    """Locales other than ``exclude`` whose articles use some of the words of ``text``, most words first."""
    counts = []
    for position, other in enumerate(locales):
        lexicon = lexicon_of(other) if other != exclude else None
        if lexicon is not None:
            known = sum(lexicon.knows(t.text, other) for t in word_analyzer(other)(clean_text(text)))
            if known:
                counts.append((-known, position, other))
    return [other for _, _, other in sorted(counts)]


def corrected_text(text: str, locale: str, lexicon: Lexicon, *, typing: bool = False) -> str | None:
    """``text`` with every word the index does not know replaced by the closest,
    most common word of the locale's articles, or None when no word changed.

    This allows one edit more than the silent correction of a search, and any
    first letter: it is offered when a search found nothing. Function words
    are never corrected ("how" is not a misspelt "show"), and with ``typing``
    neither is the word still being typed.
    """
    user_query = split_query(text, locale)
    words = user_query.all_words
    corrected, changed = [], False
    for position, word in enumerate(words):
        replacement = word
        being_typed = typing and user_query.partial is not None and position == len(words) - 1
        if (
            len(word) >= MIN_CORRECTED_CHARS
            and not being_typed
            and not is_function_word(word, locale)
            and not lexicon.knows(word, locale)
        ):
            options = lexicon.words.corrections(
                word, max_edits=allowed_edits(word) + EXTRA_EDITS, limit=1, same_first_letter=False
            )
            if options:
                replacement, changed = options[0].word, True
        corrected.append(replacement)
    return " ".join(corrected) if changed else None
