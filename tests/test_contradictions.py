"""kb check finds each contradiction a localization review found in the demo before issue 13.

The articles as they stood are kept in tests/fixtures/demo-before-13/; the
glossary is the demo's own (articles/glossary.yaml).
"""

from __future__ import annotations

import pytest

from kb.articles import load_articles
from kb.consistency import compare, load_glossary, typography_problems, _prose

from .conftest import DEMO_ARTICLES, LOCALES, ROOT

BEFORE = ROOT / "tests" / "fixtures" / "demo-before-13"


@pytest.fixture(scope="module")
def before():
    articles = load_articles(BEFORE, LOCALES, "en")
    assert not articles.errors, [str(e) for e in articles.errors]
    return articles


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(DEMO_ARTICLES)[0]


def differences(articles, glossary, article_id, locale) -> list[str]:
    source, translation = articles.get("en", article_id), articles.get(locale, article_id)
    return [message for _line, message, *_severity in compare(source, translation, glossary)]


@pytest.mark.parametrize("locale", ["fr", "de", "es", "it", "pt"])
def test_schedule_campaign_translations_lack_the_time_zone_option_and_pause(before, glossary, locale):
    found = differences(before, glossary, "schedule-campaign", locale)
    assert any("**Send in each recipient's time zone**" in m for m in found), found
    assert any("**Pause**" in m for m in found), found


@pytest.mark.parametrize("locale", ["fr", "es", "it", "pt"])
def test_unsubscribes_translations_contradict_the_source(before, glossary, locale):
    # "Cannot be sent without the link" against "added automatically": the
    # glossary's behaviours word both in every language.
    found = differences(before, glossary, "unsubscribes", locale)
    assert "says 'a campaign without an unsubscribe link cannot be sent' (sending-refused-without-unsubscribe-link); the source does not" in found, found


@pytest.mark.parametrize("locale", ["it", "pt"])
def test_unsubscribes_translations_lack_the_automatic_link(before, glossary, locale):
    found = differences(before, glossary, "unsubscribes", locale)
    assert "the source says 'Plumora adds the unsubscribe link to every campaign itself' (unsubscribe-link-added); this translation does not" in found, found


def test_the_german_unsubscribes_agreed_and_still_does(before, glossary):
    found = differences(before, glossary, "unsubscribes", "de")
    assert not [m for m in found if "unsubscribe-link" in m], found


def test_the_old_contradiction_put_back_into_the_demo_is_an_error(tmp_path):
    import shutil

    from kb.checks import check_articles

    articles = tmp_path / "articles"
    shutil.copytree(DEMO_ARTICLES, articles)
    path = articles / "it" / "unsubscribes.md"
    text = path.read_text(encoding="utf-8")
    old = "Puoi cambiarne il testo e lo stile nell'editor, ma non puoi toglierlo da un'email di marketing."
    assert old in text
    path.write_text(text.replace(old, "Se lo togli dal modello, la campagna non può partire finché non lo aggiungi di nuovo."), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    found = [(p.line, p.message) for p in check_articles(articles, LOCALES, "en").errors if p.path.endswith("it/unsubscribes.md")]
    assert found == [(line, "says 'a campaign without an unsubscribe link cannot be sent' (sending-refused-without-unsubscribe-link); the source does not")]


@pytest.mark.parametrize("locale", ["de", "es", "it", "pt"])
def test_webhooks_signature_header_differs(before, glossary, locale):
    found = differences(before, glossary, "webhooks", locale)
    assert any("X-Plumora-Signature" in m and "not in the source" in m for m in found), found
    assert any("Plumora-Signature" in m and "missing here" in m for m in found), found


@pytest.mark.parametrize(
    "article_id, locales, numbers",
    [
        ("refunds", ["de", "es", "pt"], {"5", "10"}),
        ("reset-password", ["fr", "es", "it", "pt"], {"1", "15"}),
        ("change-plan", ["fr", "de", "es", "it", "pt"], {"14"}),
    ],
)
def test_lost_durations(before, glossary, article_id, locales, numbers):
    for locale in locales:
        found = differences(before, glossary, article_id, locale)
        missing = next((m for m in found if "missing here" in m and "numbers" in m), "")
        assert all(n in missing.split(": ")[1].split(", ") for n in numbers), (locale, found)


def test_italian_hacked_account_lacks_three_security_steps(before, glossary):
    found = differences(before, glossary, "hacked-account", "it")
    assert "3 numbered steps here, 5 in the source" in found


@pytest.mark.parametrize("locale", ["fr", "de", "es", "it", "pt"])
def test_menu_paths_differ_from_the_glossary(before, glossary, locale):
    found = differences(before, glossary, "change-plan", locale)
    assert any("**Account > Billing > Plan**" in m for m in found), found


def test_french_spaces_and_doubled_punctuation(before):
    article = before.get("fr", "reset-password")
    found = [m for _line, m in typography_problems(_prose(article.body), "fr")]
    assert "doubled punctuation '?**.'" in found
    assert any("not a normal one, goes before '?'" in m for m in found)
    german = before.get("de", "reset-password")
    assert "doubled punctuation '?**.'" in [m for _l, m in typography_problems(_prose(german.body), "de")]
