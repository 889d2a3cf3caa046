"""Every page rendered in a pseudo-locale: any visible text that skipped gettext shows up.

The pseudo-locale's catalog is built here from the template: each string is
accented and wrapped in brackets (``[Ŝéàŕçĥ]``). Text left over once the
bracketed parts are removed was never translated. Content is not interface:
article bodies, article titles and snippets (marked with their own ``lang``),
language names (links with ``hreflang``), what the customer typed and ticket
numbers (``translate="no"``), dates formatted by Babel (``<time>``) and
language names from Babel's CLDR data (``data-cldr``) are left out, as is
the product name.

Esperanto's code stands in for the pseudo-locale: Babel must know a locale
to format its dates and numbers, and the help center does not serve it.
"""

from __future__ import annotations

import re
import shutil

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from bs4 import BeautifulSoup, Comment, Doctype, NavigableString

from kb.articles import load_articles
from search.indexing import build_index
from translations import CATALOG_DIR, mo_path, read_catalog, ready_catalog_dir
from web import create_app

from .conftest import DEMO_ARTICLES, LOCALES, write_article

PSEUDO = "eo"
PROPER_NAMES = ("Plumora",)
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöƥʠŕšţûʋŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖƤǪŔŠŢÛṼŴẊÝŽ",
)
PLACEHOLDER = re.compile(r"(%\(\w+\)[sd])")
ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")


def pseudo(text: str) -> str:
    """A string as the pseudo-locale says it: accented, bracketed, placeholders kept.

    >>> pseudo("Page %(page)s of %(pages)s")
    '[Ƥàĝé %(page)s öƒ %(pages)s]'
    """
    return "[" + "".join(p if PLACEHOLDER.fullmatch(p) else p.translate(ACCENTED) for p in PLACEHOLDER.split(text)) + "]"


def untranslated_text(html: str) -> list[str]:
    """Visible interface text of a page that is not in the pseudo-locale.

    >>> untranslated_text('<html lang="eo"><body><p>[Ĥéļƥ] Plumora</p><p lang="en">Title</p><p>Oops</p></body></html>')
    ['Oops']
    """
    soup = BeautifulSoup(html, "html.parser")
    page_lang = soup.html["lang"]
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    for content in soup.select(".article-body"):
        content.decompose()
    # Names, numbers and times inside a translated sentence ("Opens %(day)s at
    # %(time)s") are left out, and the sentence around them checked whole.
    for kept in soup.select('[translate="no"], time'):
        kept.replace_with(" ")
    soup.smooth()
    leftovers = []

    def check(text: str):
        # Translated sentences may nest ("[[Monday to Friday], 09:00 (08:00 your time)]"): innermost first.
        rest, previous = text, None
        while rest != previous:
            rest, previous = re.sub(r"\[[^\[\]]*\]", " ", rest), rest
        for name in PROPER_NAMES:
            rest = rest.replace(name, " ")
        if re.search(r"[^\W\d_]", rest):
            leftovers.append(text.strip())

    for node in soup.find_all(string=True):
        if isinstance(node, (Comment, Doctype)) or not isinstance(node, NavigableString):
            continue
        if node.find_parent(attrs={"hreflang": True}):
            continue  # a link to another language, named in that language
        if node.find_parent(attrs={"translate": "no"}) or node.find_parent("time") or node.find_parent(attrs={"data-cldr": True}):
            continue  # the customer's own words, a ticket number, a date or a language's name from Babel
        if node.parent.name == "title":
            # The title of an article page starts with the article's own title.
            # So does a category page's, when the category's name falls back to another language.
            article_title = soup.select_one("article h1") or soup.select_one("h1 [lang]")
            text = str(node).replace(article_title.get_text(), "") if article_title else str(node)
            check(text)
            continue
        speaker = node.find_parent(attrs={"lang": True})
        if speaker is not None and speaker["lang"] != page_lang:
            continue  # content or a language name, in its own language
        check(str(node))
    for element in soup.find_all(True):
        speaker = element if element.has_attr("lang") else element.find_parent(attrs={"lang": True})
        if speaker is not None and speaker["lang"] != page_lang:
            continue
        for attribute in ATTRIBUTES:
            if element.has_attr(attribute):
                check(element[attribute])
    return leftovers


@pytest.fixture(scope="module")
def pseudo_catalogs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pseudo-catalogs")
    template = read_catalog(CATALOG_DIR / "messages.pot")
    catalog = Catalog(locale=PSEUDO)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, str):
            string = pseudo(message.id)
        else:
            singular, plural = message.id
            string = tuple([pseudo(singular)] + [pseudo(plural)] * (catalog.num_plurals - 1))
        catalog.add(message.id, string, flags=message.flags, context=message.context)
    path = mo_path(folder, PSEUDO)
    path.parent.mkdir(parents=True)
    with open(path, "wb") as f:
        write_mo(f, catalog)
    return folder


@pytest.fixture(scope="module")
def pseudo_index_dir(tmp_path_factory):
    """The demo articles plus two written in the pseudo-locale: one current, one outdated."""
    root = tmp_path_factory.mktemp("pseudo-articles")
    shutil.copytree(DEMO_ARTICLES, root / "articles")
    own = {
        "invoices": ("Finding your invoices", "billing", 1),
        "contact-support": ("How to contact support", "support", 1),  # the source is at revision 2
    }
    for article_id, (title, category, based_on) in own.items():
        write_article(
            root / "articles", f"{PSEUDO}/{article_id}.md",
            f"---\nid: {article_id}\ntitle: '{pseudo(title)}'\ncategory: {category}\n"
            f"updated: 2026-11-02\nbased_on: {based_on}\n---\n{pseudo('Body text.')}\n",
        )
    articles = load_articles(root / "articles", (*LOCALES, PSEUDO), "en")
    assert not articles.errors, [str(e) for e in articles.errors]
    build_index(articles, root / "index", (*LOCALES, PSEUDO))
    return root / "index"


def pseudo_app(tmp_path, pseudo_catalogs, index_dir):
    instance = tmp_path / "instance"
    real = ready_catalog_dir(instance / "translations")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_DIR": instance,
            "ARTICLES_DIR": DEMO_ARTICLES,
            "INDEX_DIR": index_dir,
            "LOCALES": (*LOCALES, PSEUDO),
            "BABEL_TRANSLATION_DIRECTORIES": f"{real};{pseudo_catalogs}",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'pseudo.sqlite3'}",
            "MIN_FILL_SECONDS": 0,
        }
    )
    app.extensions["kb.db"].upgrade()
    return app


@pytest.fixture
def pseudo_client(tmp_path, pseudo_catalogs, pseudo_index_dir):
    return pseudo_app(tmp_path, pseudo_catalogs, pseudo_index_dir).test_client()


PAGES = {
    "home": ("get", f"/{PSEUDO}/", 200),
    "category": ("get", f"/{PSEUDO}/categories/billing", 200),
    "article": ("get", f"/{PSEUDO}/articles/invoices", 200),
    "article: what was missing": ("get", f"/{PSEUDO}/articles/invoices?answered=no", 200),
    "article with a table of contents": ("get", f"/{PSEUDO}/articles/support-plans-priority", 200),
    "outdated translation": ("get", f"/{PSEUDO}/articles/contact-support", 200),
    "untranslated article": ("get", f"/{PSEUDO}/articles/webhooks", 200),
    "search with pages": ("get", f"/{PSEUDO}/search?q=support", 200),
    "second search page": ("get", f"/{PSEUDO}/search?q=support&page=2", 200),
    "search without results": ("get", f"/{PSEUDO}/search?q=zzzzqqq", 200),
    "empty search": ("get", f"/{PSEUDO}/search", 200),
    "contact: subject": ("get", f"/{PSEUDO}/contact", 200),
    "contact: suggestions": ("get", f"/{PSEUDO}/contact/suggestions?subject=invoice", 200),
    "contact: no suggestions": ("get", f"/{PSEUDO}/contact/suggestions?subject=zzzzqqq", 200),
    "contact: article": ("get", f"/{PSEUDO}/contact/articles/invoices?subject=invoice", 200),
    "contact: ticket form": ("get", f"/{PSEUDO}/contact/ticket?subject=invoice", 200),
    "404": ("get", f"/{PSEUDO}/articles/no-such-article", 404),
    "405": ("post", f"/{PSEUDO}/search", 405),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_visible_string_of_the_page_went_through_gettext(pseudo_client, name):
    method, url, status = PAGES[name]
    response = getattr(pseudo_client, method)(url)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'<html lang="{PSEUDO}">' in html
    assert "[" in html, "the pseudo-locale catalog was not used"
    assert untranslated_text(html) == []


def test_ticket_form_errors_confirmation_and_emails_went_through_gettext(pseudo_client):
    from kb.models import OutboxMessage

    from .helpers import open_ticket_form, submit

    form_page = open_ticket_form(pseudo_client, locale=PSEUDO, subject="invoice")
    refused = submit(pseudo_client, form_page, locale=PSEUDO, email="not an address", description="")
    assert refused.status_code == 422
    assert untranslated_text(refused.get_data(as_text=True)) == []
    sent = submit(pseudo_client, refused, locale=PSEUDO)
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    confirmation = pseudo_client.get(sent.headers["Location"])
    assert confirmation.status_code == 200
    assert untranslated_text(confirmation.get_data(as_text=True)) == []
    app = pseudo_client.application
    with app.extensions["kb.db"].reading() as db:
        from sqlalchemy import select

        messages = db.scalars(select(OutboxMessage)).all()
    import email
    from email import policy

    (mail,) = [
        email.message_from_bytes(m.payload, policy=policy.default)
        for m in messages
        if m.kind == "email" and m.recipient == "ana@example.com"
    ]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    lines = [line for line in f"{mail['Subject']}\n{body}".splitlines() if line.strip()]
    # What is left once translated text, the product's name, links, the ticket
    # number and addresses are removed must have no letters.
    leftovers = [
        line for line in lines
        if re.search(r"[^\W\d_]", re.sub(r"\[[^\]]*\]|Plumora|https?://\S+|PLM-\w+|\S+@\S+", " ", line))
    ]
    assert leftovers == [], leftovers


def test_admin_pages_went_through_gettext(pseudo_client):
    """Tickets, a ticket with its customer's path, and the reports, with figures in every table."""
    from .helpers import form_values, open_ticket_form, submit

    app = pseudo_client.application
    flow_page = pseudo_client.get(f"/{PSEUDO}/contact")
    flow = BeautifulSoup(flow_page.get_data(as_text=True), "html.parser").select_one(".combobox")["data-flow"]
    for text in ("invoice", "zzzzqqq"):
        pseudo_client.get("/api/suggest", query_string={"q": text, "lang": PSEUDO, "flow": flow})
    article = pseudo_client.get(f"/{PSEUDO}/contact/articles/invoices?subject=invoice")
    pseudo_client.post(f"/{PSEUDO}/contact/articles/invoices/solved", data={**form_values(article, "solved"), "answer": "no"})
    submit(pseudo_client, open_ticket_form(pseudo_client, locale=PSEUDO, subject="invoice"), locale=PSEUDO)
    page = pseudo_client.get(f"/{PSEUDO}/articles/invoices")
    pseudo_client.post(f"/{PSEUDO}/articles/invoices/feedback", data={**form_values(page, "feedback-form"), "answer": "yes"})

    from kb.staff import create_staff

    with app.extensions["kb.db"].writing() as db:
        create_staff(db, "ana@plumora.example", "correct horse battery")
    headers = {"Accept-Language": PSEUDO}
    login = pseudo_client.get("/admin/login", headers=headers)
    pseudo_client.post("/admin/login", headers=headers, data={
        **form_values(login, "login-form"), "email": "ana@plumora.example", "password": "correct horse battery"})
    tickets = pseudo_client.get("/admin/", headers=headers)
    number = BeautifulSoup(tickets.get_data(as_text=True), "html.parser").select_one("table.tickets a").text
    for url in ("/admin/", "/admin/?channel=none", f"/admin/tickets/{number}", "/admin/reports", "/admin/reports?period=1d&locale=en", "/admin/mail"):
        response = pseudo_client.get(url, headers=headers)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'<html lang="{PSEUDO}">' in html and "[" in html
        assert untranslated_text(html) == [], url
    report = pseudo_client.get("/admin/reports", headers=headers).get_data(as_text=True)
    assert "customer-path" not in report and "chart-bar" in report and "zero-results" in report
    assert "customer-path" in pseudo_client.get(f"/admin/tickets/{number}", headers=headers).get_data(as_text=True)


def test_staff_sign_in_went_through_gettext(pseudo_client):
    response = pseudo_client.get("/admin/login", headers={"Accept-Language": PSEUDO})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{PSEUDO}">' in html
    assert untranslated_text(html) == []


def test_the_pages_show_what_they_must_check(pseudo_client):
    """The renders above include the notices and lists this locale can show."""
    outdated = pseudo_client.get(f"/{PSEUDO}/articles/contact-support").get_data(as_text=True)
    assert pseudo("This translation may not include the latest changes to the article.") in outdated
    untranslated = pseudo_client.get(f"/{PSEUDO}/articles/webhooks").get_data(as_text=True)
    assert 'class="notice"' in untranslated and '<article lang="en">' in untranslated
    home = pseudo_client.get(f"/{PSEUDO}/").get_data(as_text=True)
    assert 'class="category-card"' in home and 'class="count"' in home and 'class="popular-list"' in home
    category = pseudo_client.get(f"/{PSEUDO}/categories/developers").get_data(as_text=True)
    assert 'lang="en"' in category
    article = pseudo_client.get(f"/{PSEUDO}/articles/support-plans-priority").get_data(as_text=True)
    assert 'class="toc"' in article and 'id="related-heading"' in article
    missing = pseudo_client.get(f"/{PSEUDO}/articles/invoices?answered=no").get_data(as_text=True)
    assert 'id="missing"' in missing
    no_results = pseudo_client.get(f"/{PSEUDO}/search?q=zzzzqqq").get_data(as_text=True)
    assert 'class="categories closest-categories"' in no_results and 'id="no-results-contact"' in no_results


def test_the_index_not_built_error_page_too(tmp_path, pseudo_catalogs):
    client = pseudo_app(tmp_path, pseudo_catalogs, tmp_path / "no-index").test_client()
    response = client.get(f"/{PSEUDO}/")
    assert response.status_code == 503
    assert untranslated_text(response.get_data(as_text=True)) == []


def test_api_errors_went_through_gettext(pseudo_client):
    body = pseudo_client.get(f"/api/suggest?q=x&lang={PSEUDO}&limit=0").get_json()
    assert body["error"].startswith("[") and body["error"].endswith("]")


def test_the_check_finds_text_that_skipped_gettext(pseudo_client):
    """The check itself: an English string on a pseudo-locale page is caught."""
    html = pseudo_client.get(f"/{PSEUDO}/").get_data(as_text=True)
    assert untranslated_text(html.replace("</main>", "<p>Contact us</p></main>", 1)) == ["Contact us"]
    broken = html.replace('placeholder="[', 'placeholder="Type here [', 1)
    assert any("Type here" in text for text in untranslated_text(broken))


@pytest.mark.parametrize(
    ("plan", "moment", "kind"),
    [
        ("premium", "2026-11-24T10:00+01:00", "campaign"),  # chat and phone open, PIN and number shown
        ("premium", "2026-11-28T12:00+01:00", "campaign"),  # closed: opens Monday, in two zones
        ("essential", "2026-11-11T10:00+01:00", "refund"),  # holiday, written only, not on the plan
    ],
)
def test_channel_choices_of_a_signed_in_customer_went_through_gettext(tmp_path, pseudo_catalogs, pseudo_index_dir, plan, moment, kind):
    import datetime as dt

    from kb.sso import make_token

    app = pseudo_app(tmp_path, pseudo_catalogs, pseudo_index_dir)
    app.config.update(SSO_SECRET="pseudo", NOW=dt.datetime.fromisoformat(moment))
    client = app.test_client()
    client.get(f"/sso/{make_token('pseudo', email='ana@example.com', plan=plan, pin='482913')}")
    client.set_cookie("kb_tz", "America/New_York")
    html = client.get(f"/{PSEUDO}/contact/channels", query_string={"kind": kind}).get_data(as_text=True)
    assert "[" in html and 'id="channel-phone"' in html
    page = f'<html lang="{PSEUDO}"><body>{html}</body></html>'
    assert untranslated_text(page) == []


def test_recent_request_notices_went_through_gettext(pseudo_client):
    from .helpers import open_ticket_form, submit, ticket_values

    assert submit(pseudo_client, open_ticket_form(pseudo_client, locale=PSEUDO, subject="invoice"), locale=PSEUDO).status_code == 303
    form_page = open_ticket_form(pseudo_client, locale=PSEUDO, subject="invoice")
    assert 'id="recent-ticket"' in form_page.get_data(as_text=True)
    assert untranslated_text(form_page.get_data(as_text=True)) == []
    other = pseudo_client.application.test_client()
    by_address = submit(other, open_ticket_form(other, locale=PSEUDO, subject="invoice"), locale=PSEUDO)
    assert 'id="recent-by-address"' in by_address.get_data(as_text=True)
    # The form comes back with what the customer typed, their own words.
    assert untranslated_text(by_address.get_data(as_text=True)) == [ticket_values()["description"]]
