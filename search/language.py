"""Which language the customer is typing in, when it is clearly not the page's.

py3langid ships its model (a few MB, loaded in about 0.1 s) and classifies a
short query in well under a millisecond; it is restricted to the help
center's languages. Short texts are unreliable, so a language counts only
when the identifier is confident, and the caller checks the words against
the index vocabularies before trusting a weaker guess.
"""

from __future__ import annotations

import functools
import threading

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .analysis import language_of

# Identifiers see at most this much text: a query is short, and this bounds the work.
MAX_CHARS = 120
MIN_CHARS = 4

_lock = threading.Lock()


@functools.cache
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def guess_language(text: str, locales: tuple[str, ...]) -> tuple[str | None, float]:
    """The most likely language of ``text`` among ``locales``' languages, and its probability.

    >>> guess_language("no puedo entrar en mi cuenta", ("en", "fr", "es"))[0]
    'es'
    >>> guess_language("ok", ("en", "fr"))
    (None, 0.0)
    """
    text = text.strip()[:MAX_CHARS]
    languages = tuple(sorted({language_of(locale) for locale in locales}))
    if len(text) < MIN_CHARS or len(languages) < 2:
        return None, 0.0
    with _lock:  # not documented as safe to share between threads
        language, probability = _identifier(languages).classify(text)
    return language, float(probability)
