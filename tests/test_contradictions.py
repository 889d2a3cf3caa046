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
def test_unsubscribes_translations_differ_from_the_source(before, glossary, locale):
    # "cannot be sent without the link" against "added automatically": the
    # sentences differ, and so does what the check can see: the structure.
    found = differences(before, glossary, "unsubscribes", locale)
    assert any(m.endswith("in the source") and ("list items" in m or "headings" in m or "steps" in m) for m in found), found


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
