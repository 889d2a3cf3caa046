"""What the tuned search does for customers: typos, synonyms, compounds, languages, ranking."""

from __future__ import annotations

import pytest

from kb.articles import load_articles
from search.indexing import build_index
from search.service import SearchIndex
from search.synonyms import SynonymFileError, load_synonyms, parse_synonyms, synonyms_for
from search.vocabulary import Vocabulary, allowed_edits

from .conftest import LOCALES, write_article


def ids(hits):
    return [h.id for h in hits]


@pytest.mark.parametrize(
    ("word", "edits"), [("plan", 0), ("spam", 0), ("email", 1), ("pasword", 1), ("facturer", 1), ("authentifcation", 2)]
)
def test_allowed_edits_grow_with_word_length(word, edits):
    assert allowed_edits(word) == edits


def test_short_words_are_never_corrected_and_known_words_are_kept():
    vocabulary = Vocabulary({"plan": 3, "plat": 1, "password": 5, "passwords": 2})
    assert vocabulary.corrections("plam") == []
    assert vocabulary.corrections("password") == []
    assert [c.word for c in vocabulary.corrections("pasword")] == ["password"]
    assert [c.word for c in vocabulary.corrections("paswords")] == ["passwords"]
    # At equal distance, the more common word comes first.
    assert [c.word for c in Vocabulary({"contact": 2, "contract": 7}).corrections("contrct")] == ["contract", "contact"]


def test_completions_are_the_most_common_words_that_begin_so():
    # Many completions with tied counts: the same order as sorting them all.
    frequencies = {f"pa{n:03d}": n % 7 for n in range(300)} | {"pa": 50, "pb001": 99}
    vocabulary = Vocabulary(frequencies)
    everything = sorted((w for w in frequencies if w.startswith("pa") and w != "pa"), key=lambda w: (frequencies[w], w), reverse=True)
    for limit in (1, 5, 30, 42, 299, 400):
        assert vocabulary.completions("pa", limit) == everything[:limit]
    assert vocabulary.completions("pa0", 3) == ["pa097", "pa090", "pa083"]
    assert vocabulary.completions("pz", 3) == [] and vocabulary.completions("pa", 0) == []


def test_corrections_are_bounded():
    vocabulary = Vocabulary({f"word{n:03d}": 1 for n in range(500)})
    assert len(vocabulary.corrections("word0000")) <= 3


@pytest.mark.parametrize(
    ("locale", "typed", "expected"),
    [
        ("en", "forgot pasword ", "reset-password"),
        ("en", "unsubscibe link ", "unsubscribes"),
        ("fr", "rembourssement ", "refunds"),
        ("de", "Rückerstatung ", "refunds"),
        ("es", "contrasena olvidada ", "reset-password"),
        ("it", "rimborzo ", "refunds"),
        ("pt", "reenbolso ", "refunds"),
    ],
)
def test_typos_still_find_the_article(demo_search, locale, typed, expected):
    assert ids(demo_search.search(typed, locale, 3))[0] == expected


def test_exact_words_score_above_corrected_ones(demo_search):
    exact = demo_search.search("password reset ", "en", 1)[0]
    corrected = demo_search.search("pasword reset ", "en", 1)[0]
    assert exact.id == corrected.id == "reset-password"
    assert corrected.score < exact.score


def test_misspelt_word_being_typed_matches_corrected_beginnings(demo_search):
    assert ids(demo_search.search("unsubscir", "en", 1)) == ["unsubscribes"]


def test_did_you_mean_when_nothing_matches(demo_search, client):
    assert demo_search.search("paswrd", "en") == []
    assert demo_search.did_you_mean("paswrd", "en") == "password"
    assert demo_search.did_you_mean("xqzvwk", "en") is None
    body = client.get("/api/suggest", query_string={"q": "paswrd ", "lang": "en"}).get_json()
    assert body["results"] == [] and body["did_you_mean"] == "password"
    assert "did_you_mean" not in client.get("/api/suggest", query_string={"q": "password"}).get_json()


def test_synonym_file_format():
    rules = parse_synonyms("# comment\ninvoice, bill\nclose account => delete account  # one way\n", "en")
    assert ("bill",) in rules.alternatives and ("invoic",) in rules.alternatives
    assert ("close", "account") in rules.alternatives and ("delet", "account") not in rules.alternatives
    with pytest.raises(SynonymFileError, match=r"x\.txt:2:"):
        parse_synonyms("pin, code\nlonely\n", "en", "x.txt")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_a_valid_synonyms_file(locale):
    assert len(synonyms_for(locale).alternatives) >= 20


def test_synonyms_find_articles_that_use_other_words(demo_search):
    # "chargeback" appears in no article; the synonyms file ties it to "refund".
    assert ids(demo_search.search("chargeback ", "en", 1)) == ["refunds"]


def test_german_compounds_meet_their_parts(demo_search):
    # The article says "Rechnungsadresse"; the customer writes its parts.
    assert "billing-address" in ids(demo_search.search("Adresse der Rechnung ", "de", 2))
    # And the word being typed finds the second part of a compound.
    assert "billing-address" in ids(demo_search.search("Firmenname Adre", "de", 2))


def test_text_in_another_language_searches_that_language(demo_search):
    (hit,) = demo_search.search("mot de passe oublié", "en", 1)
    assert (hit.id, hit.locale, hit.link_locale) == ("reset-password", "fr", "fr")
    # A short, ambiguous text stays in the page's language.
    assert all(h.locale == "en" for h in demo_search.search("plan", "en", 5))


@pytest.fixture
def small_help_center(tmp_path):
    root = tmp_path / "articles"
    body = "Routing rules send each message to the right team.\n"
    write_article(root, "en/routing.md", f"---\nid: routing\ntitle: Routing rules\nrevision: 3\n---\n{body}")
    write_article(root, "en/alpha.md", "---\nid: alpha\ntitle: Alpha\nrevision: 2\n---\nAlpha.\n")
    write_article(root, "en/beta.md", "---\nid: beta\ntitle: Beta\n---\nBeta.\n")
    fr = "---\nid: {id}\ntitle: Règles de routage\nbased_on: {based_on}\n---\nLes règles de routage envoient chaque message.\n"
    write_article(root, "fr/alpha.md", fr.format(id="alpha", based_on=1))
    write_article(root, "fr/beta.md", fr.format(id="beta", based_on=1))
    write_article(root, "fr/only-fr.md", "---\nid: only-fr\ntitle: Facturation trimestrielle\n---\nFacturation trimestrielle.\n")
    write_article(root, "de/alpha.md", "---\nid: alpha\ntitle: Alpha\nbased_on: 1\n---\nAlpha.\n")
    locales = ("en", "fr", "de")
    articles = load_articles(root, locales, "en")
    assert not articles.errors
    build_index(articles, tmp_path / "index", locales)
    search_index = SearchIndex(tmp_path / "index", locales, "en")
    yield search_index
    search_index.close()


def test_outdated_translations_rank_below_up_to_date_ones(small_help_center, tmp_path):
    # Both French versions have the same text; alpha follows revision 1 of a
    # source now at revision 2.
    hits = small_help_center.search("règles de routage ", "fr", 5)
    assert [(h.id, h.outdated) for h in hits[:2]] == [("beta", False), ("alpha", True)]


def test_article_missing_in_page_and_default_locale_is_found_in_another(small_help_center):
    hits = small_help_center.search("facturation trimestrielle ", "de", 5)
    assert [(h.id, h.locale) for h in hits] == [("only-fr", "fr")]


def test_a_word_of_another_language_is_found_when_the_page_language_has_nothing(demo_search):
    # Too short for language identification, but the Spanish articles use it.
    hits = demo_search.search("reembolso", "it", 3)
    assert hits and hits[0].id == "refunds" and hits[0].locale in ("es", "pt")


def test_a_bad_synonym_line_is_reported_and_skipped():
    problems = []
    rules = parse_synonyms("pin, code\nlonely\nbill, invoice\n", "en", "en.txt", problems)
    assert problems == ["en.txt:2: expected 'a, b, c' or 'a => b, c' with words on each side"]
    assert ("pin",) in rules.alternatives and ("bill",) in rules.alternatives


@pytest.mark.parametrize("locale", LOCALES)
def test_shipped_synonym_files_have_no_bad_line(locale):
    assert load_synonyms(locale)[1] == []


def test_the_word_being_typed_counts_once_whole_or_as_a_beginning(tmp_path):
    root = tmp_path / "articles"
    write_article(root, "en/domain.md", "---\nid: domain\ntitle: Adding a sending domain\n---\nVerify the domain you send from.\n")
    write_article(root, "en/dkim.md", "---\nid: dkim\ntitle: DKIM records\n---\nPublish the DKIM record of your domain.\n")
    build_index(load_articles(root, ("en",), "en"), tmp_path / "index", ("en",))
    search_index = SearchIndex(tmp_path / "index", ("en",), "en")
    try:
        # "domain" is complete but still being typed: it must not outweigh "dkim".
        assert ids(search_index.search("set up dkim for my domain", "en")) == ["dkim", "domain"]
    finally:
        search_index.close()


def test_snippets_show_corrections_and_synonyms_that_matched(demo_search):
    (hit,) = demo_search.search("chargeback ", "en", 1)
    assert "<mark>refund" in hit.snippet.lower()
    (hit,) = demo_search.search("unsubscibe link ", "en", 1)
    assert "<mark>unsubscribe" in hit.snippet.lower()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("palavra-passe", "reset-password"),
        ("esqueci a palavra-passe", "reset-password"),
        ("contactar o suporte", "contact-support"),
        ("NIF", "billing-address"),
        ("NIF na fatura", "invoices"),
        ("alterar a morada de faturação", "invoices"),
        ("importar ficheiro de contactos", "import-contacts"),
        ("telemóvel novo autenticação", "two-factor-authentication"),
    ],
)
def test_european_portuguese_words_find_the_brazilian_articles(demo_search, query, expected):
    ids = [hit.id for hit in demo_search.search(query, "pt", 5)]
    assert expected in ids, (query, ids)


def test_words_the_page_knows_through_synonyms_do_not_make_text_another_language(demo_search):
    # py3langid leans to Spanish (0.53) on "contacto bloqueado"; the pt
    # synonyms say "contacto" is the page's "contato", so both indexes know
    # both words and the Portuguese site stays Portuguese.
    hits = demo_search.search("contacto bloqueado", "pt", 5)
    assert hits[0].id == "unblock-contact"
    assert all(hit.locale == "pt" for hit in hits), [(h.id, h.locale) for h in hits]
    # Text the page's words do not cover still searches the other language.
    assert demo_search.search("no puedo entrar en mi cuenta", "pt", 1)[0].locale == "es"


def test_a_synonym_is_matched_in_titles_headings_and_tags_not_in_the_text(demo_search):
    # The fr synonyms make "note" (bill) a synonym of "facture"; the support-PIN
    # article's text says "noter" (to write down), the same stem. It must not
    # count as a second matched word of the question.
    hits = demo_search.search("où trouver ma facture", "fr", 5)
    assert hits[0].id == "invoices", [h.id for h in hits]
    assert ids(hits).index("invoices") < ids(hits).index("support-pin")
    # Synonyms still find articles whose subject uses the other word.
    assert demo_search.search("note", "fr", 5)[0].id in {"invoices", "billing-address"}
