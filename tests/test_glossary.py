"""The glossary's terms: one word per thing, in articles and interface catalogs alike.

Each pair the localization review found (French "formules" for the plans the
interface calls "offre", "assistance" for "support"; Spanish "ticket" and
"incidencia" for what the interface calls a "solicitud") is a rule of the
demo's own glossary (articles/glossary.yaml); these tests put the avoided
word back and expect `kb check` to name it, with the word to use.
"""

from __future__ import annotations

import shutil

import pytest

from kb.checks import check_articles
from kb.consistency import check_catalogs, load_glossary

from .conftest import DEMO_ARTICLES, LOCALES

AVOIDED = [
    ("fr", "change-plan", "Comparez nos formules avant de changer.", "formules", "offre"),
    ("fr", "contact-support", "Notre équipe d'assistance vous répond.", "assistance", "support"),
    ("es", "refunds", "Abre un ticket con el número de factura.", "ticket", "solicitud"),
    ("es", "refunds", "Los tickets se responden en orden.", "tickets", "solicitud"),
    ("es", "invoices", "Abre una incidencia si falta una factura.", "incidencia", "solicitud"),
]


@pytest.fixture
def articles(tmp_path):
    root = tmp_path / "articles"
    shutil.copytree(DEMO_ARTICLES, root)
    return root


@pytest.mark.parametrize("locale, article_id, sentence, word, use", AVOIDED)
def test_an_avoided_word_in_an_article_is_an_error_on_its_line(articles, locale, article_id, sentence, word, use):
    path = articles / locale / f"{article_id}.md"
    text = path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n"
    path.write_text(text, encoding="utf-8")
    line = len(text.splitlines())
    found = [(p.line, p.message) for p in check_articles(articles, LOCALES, "en").errors
             if p.code == "glossary-term" and p.path.endswith(f"{locale}/{article_id}.md")]
    assert found == [(line, f"{word!r}: the glossary says {use!r} in {locale}")]


def test_an_avoided_word_in_a_title_is_reported_on_the_title_line(articles):
    path = articles / "es" / "ticket-follow-up.md"
    text = path.read_text(encoding="utf-8").replace("title: Seguimiento de tu solicitud", "title: Seguimiento de tu ticket")
    path.write_text(text, encoding="utf-8")
    found = [(p.line, p.message) for p in check_articles(articles, LOCALES, "en").errors if p.code == "glossary-term"]
    assert found == [(3, "'ticket': the glossary says 'solicitud' in es")]


def test_the_other_locales_may_use_the_word(articles):
    # "Ticket" is the French, German and Italian interface's own word.
    path = articles / "fr" / "refunds.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOuvrez un ticket.\n", encoding="utf-8")
    assert not [p for p in check_articles(articles, LOCALES, "en").errors if p.code == "glossary-term"]


def test_tags_and_links_may_keep_the_avoided_word(articles):
    # Customers search "ticket"; the tags say it so search finds the article.
    text = (articles / "es" / "ticket-follow-up.md").read_text(encoding="utf-8")
    assert "tags: [ticket" in text and "(/es/articles/ticket-follow-up)" in (articles / "es" / "message-list-id.md").read_text(encoding="utf-8")
    assert not [p for p in check_articles(articles, LOCALES, "en").errors if p.code == "glossary-term"]


CATALOG = """\
msgid ""
msgstr ""
"Language: {locale}\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Ticket"
msgstr "{ticket}"

msgid "Tickets"
msgstr "{tickets}"

msgid "Contact support"
msgstr "{contact}"
"""


def write_catalog(folder, locale, **strings):
    po = folder / locale / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(CATALOG.format(locale=locale, **strings), encoding="utf-8")


def test_catalogs_are_held_to_the_same_terms_and_labels(tmp_path):
    glossary = load_glossary(DEMO_ARTICLES)[0]
    write_catalog(tmp_path, "es", ticket="Incidencia", tickets="Tickets", contact="Contactar con soporte")
    write_catalog(tmp_path, "fr", ticket="Ticket", tickets="Tickets", contact="Contacter l'assistance")
    found = sorted((p.path.split("/")[-3], p.line, p.code, p.message) for p in check_catalogs(tmp_path, "en", glossary))
    assert found == [
        ("es", 6, "glossary-label", "'Ticket' is 'Incidencia' here, the glossary says 'Solicitud'"),
        ("es", 6, "glossary-term", "'Ticket': 'incidencia': the glossary says 'solicitud' in es"),
        ("es", 9, "glossary-term", "'Tickets': 'tickets': the glossary says 'solicitud' in es"),
        ("fr", 12, "glossary-term", "'Contact support': 'assistance': the glossary says 'support' in fr"),
    ]


def test_a_broken_behaviour_pattern_is_a_glossary_problem(tmp_path):
    (tmp_path / "glossary.yaml").write_text(
        "behaviours:\n- id: link-added\n  says: the link is added\n  said:\n    en: adds (the link\n    fr: ajoute le lien\n- just a string\n",
        encoding="utf-8")
    glossary, problems = load_glossary(tmp_path)
    assert [b.id for b in glossary.behaviours] == ["link-added"] and list(glossary.behaviours[0].patterns) == ["fr"]
    assert problems[0].startswith("behaviour 'link-added', en: not a regular expression")
    assert problems[1].startswith("behaviour 'just a string': needs an id")


def test_a_long_catalog_entry_is_reported_on_its_msgid_line(tmp_path):
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid ""\n"Tickets sent, chats started and phone numbers shown; for chat and phone, "\n'
                  '"the kind chosen."\nmsgstr ""\n"Tickets enviados y chats iniciados."\n', encoding="utf-8")
    found = [(p.line, p.code) for p in check_catalogs(tmp_path, "en", load_glossary(DEMO_ARTICLES)[0])]
    assert found == [(5, "glossary-term")]
