"""Choosing chat or phone: through the help center's own address, checked by the rules and counted.

"Start a chat" goes to ``/<locale>/contact/chat`` and "Call us" to
``/<locale>/contact/phone``: each asks the rules whether the channel is open
to this customer, for this kind of request, now; records the choice as the
ticket's is recorded (a ``channel`` event of the contact flow); then opens
the rules' chat tool or shows the number. No JavaScript is needed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kb.analytics import events as ev
from kb.models import AnalyticsEvent
from kb.rules import DEFAULT_RULES_FILE
from kb.sso import make_token
from web import create_app

from .helpers import open_ticket_form, soup

SSO_SECRET = "channel-choice-sso"
TUESDAY_10 = dt.datetime.fromisoformat("2026-11-24T10:00+01:00")
SATURDAY_NOON = dt.datetime.fromisoformat("2026-11-28T12:00+01:00")
LAUNCHER = "https://chat.plumora.example/start"


@pytest.fixture
def app_config(app_config):
    app_config.update(SSO_SECRET=SSO_SECRET, NOW=TUESDAY_10)
    return app_config


def signed_in(app, plan="premium", email="ana@example.com"):
    client = app.test_client()
    token = make_token(SSO_SECRET, email=email, plan=plan, name="Ana Lima", pin="482913")
    assert client.get(f"/sso/{token}").status_code == 303
    return client


def channel_events(app) -> list[tuple]:
    with app.extensions["kb.db"].reading() as db:
        rows = db.scalars(select(AnalyticsEvent).where(AnalyticsEvent.kind == ev.CHANNEL).order_by(AnalyticsEvent.id)).all()
        return [(e.channel, e.ticket_kind, e.locale, e.flow) for e in rows]


def flow_of(client) -> str:
    with client.session_transaction() as session:
        return session["contact_flow"]


def test_the_cards_link_to_our_own_addresses_with_the_kind(app):
    client = signed_in(app)
    page = soup(client.get("/fr/contact/channels?kind=billing"))
    chat = page.select_one("#start-chat")
    assert chat["href"] == "/fr/contact/chat?kind=billing" and "nofollow" in chat["rel"]
    assert page.select_one("#show-number")["href"] == "/fr/contact/phone?kind=billing"
    assert page.select_one("#channel-phone .pin strong").text == "482913"
    # Not a kind of the rules: no kind in the links.
    assert soup(client.get("/fr/contact/channels?kind=lottery")).select_one("#start-chat")["href"] == "/fr/contact/chat"


def test_starting_a_chat_is_recorded_once_per_flow_then_opens_the_chat_tool(app):
    client = signed_in(app)
    open_ticket_form(client, "fr", subject="facture en double")
    flow = flow_of(client)
    for _ in range(3):  # clicking again is the same choice
        response = client.get("/fr/contact/chat?kind=billing")
        assert response.status_code == 303 and response.headers["Location"] == f"{LAUNCHER}?lang=fr"
        assert response.headers["Cache-Control"] == "no-store"
    assert channel_events(app) == [("chat", "billing", "fr", flow)]
    # The phone in the same flow is another choice.
    assert client.get("/fr/contact/phone?kind=billing").status_code == 200
    assert channel_events(app) == [("chat", "billing", "fr", flow), ("phone", "billing", "fr", flow)]


def test_the_phone_page_shows_the_number_for_the_language_and_the_pin(app):
    client = signed_in(app)
    client.get("/en/contact")
    page = client.get("/en/contact/phone?kind=account")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = soup(page)
    number = html.select_one("#phone-number")
    assert number.text == "+44 20 3769 0100" and number["href"] == "tel:+442037690100"
    assert html.select_one(".pin strong").text == "482913"
    assert "Open now, until 18:00 CET" in html.select_one(".reason").text
    assert "message ID and list ID" in html.select_one(".have-ready").text
    assert all(script.has_attr("src") for script in html.select("script")) and 'style="' not in page.get_data(as_text=True)
    assert channel_events(app) == [("phone", "account", "en", flow_of(client))]
    assert soup(client.get("/fr/contact/phone")).select_one("#phone-number").text == "+33 1 76 40 01 00"


def test_choosing_from_the_one_page_contact_flow_records_the_form_as_shown(app):
    """The contact page reveals the form without a request: a choice made on its cards shows it was."""
    client = signed_in(app)
    client.get("/en/contact")
    client.get("/en/contact/chat")
    with app.extensions["kb.db"].reading() as db:
        kinds = db.scalars(select(AnalyticsEvent.kind).where(AnalyticsEvent.flow == flow_of(client)).order_by(AnalyticsEvent.id)).all()
    assert kinds == [ev.FLOW, ev.FORM, ev.CHANNEL]


@pytest.mark.parametrize(
    ("plan", "kind", "moment", "path", "reason"),
    [
        ("premium", "billing", SATURDAY_NOON, "/en/contact/chat", "Chat is not available. Opens Monday at 09:00 CET"),
        ("essential", "billing", TUESDAY_10, "/en/contact/phone", "Phone is not available. Not included in your plan (Essential)"),
        (None, "billing", TUESDAY_10, "/en/contact/chat", "Chat is not available. Sign in to your account"),
        ("premium", "refund", TUESDAY_10, "/en/contact/phone", "Phone is not available. This kind of request is handled in writing only"),
        ("premium", "billing", TUESDAY_10, "/de/contact/chat", "Chat ist nicht verfügbar. Nur auf Englisch und Französisch verfügbar."),
    ],
)
def test_a_channel_the_rules_do_not_open_sends_back_to_the_contact_page_with_the_reason(app, plan, kind, moment, path, reason):
    app.config["NOW"] = moment
    client = signed_in(app, plan) if plan else app.test_client()
    response = client.get(path, query_string={"kind": kind})
    locale = path.split("/")[1]
    assert response.status_code == 303 and response.headers["Location"] == f"/{locale}/contact"
    page = soup(client.get(response.headers["Location"]))
    assert reason in page.select_one(".flash").text
    assert channel_events(app) == []


def test_a_refusal_gives_its_times_on_the_reader_variants_clock(app_config, tmp_path):
    # Chat in Portuguese too, closed on Saturday: a reader in Portugal is told
    # when it opens in Lisbon time, as the contact page's cards tell them.
    rules = tmp_path / "rules.yaml"
    rules.write_text(DEFAULT_RULES_FILE.read_text(encoding="utf-8").replace(
        "    languages: [en, fr]\n    asks_for_pin: true\n    launcher_url:",
        "    languages: [en, fr, pt]\n    asks_for_pin: true\n    launcher_url:",
    ), encoding="utf-8")
    app_config.update(RULES_FILE=rules, NOW=SATURDAY_NOON)
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = signed_in(app)
    response = client.get("/pt/contact/chat", query_string={"kind": "billing"}, headers={"Accept-Language": "pt-PT"})
    flash = soup(client.get(response.headers["Location"], headers={"Accept-Language": "pt-PT"})).select_one(".flash").text
    assert "09:00 CET (08:00 no seu horário)" in flash, flash


@pytest.mark.parametrize("query", [
    {"next": "https://evil.example/"}, {"url": "//evil.example"}, {"launcher": "https://evil.example"},
    {"kind": "https://evil.example"}, {"lang": "en&redirect=https://evil.example"},
])
def test_the_chat_link_goes_only_to_the_configured_chat_tool(app, query):
    response = signed_in(app).get("/en/contact/chat", query_string=query)
    assert response.status_code == 303 and response.headers["Location"] == f"{LAUNCHER}?lang=en"


def test_choices_counted_per_client_are_limited_but_never_refused(app_config):
    """One client cannot inflate the channel figures; the customer still reaches the chat."""
    app_config["CHANNEL_CHOICE_LIMIT"] = "2 per hour"
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    try:
        for _ in range(4):  # four browsers (new flows) from one address
            client = signed_in(app)
            client.get("/en/contact")
            assert client.get("/en/contact/chat").headers["Location"] == f"{LAUNCHER}?lang=en"
        assert len(channel_events(app)) == 2
    finally:
        app.extensions["kb.db"].dispose()


def test_a_head_request_chooses_nothing(app):
    client = signed_in(app)
    assert client.head("/en/contact/chat").status_code == 303
    assert client.head("/en/contact/phone").status_code == 200
    assert channel_events(app) == []


def test_a_choice_without_a_contact_flow_is_still_counted(app):
    """A link followed without the contact page (cookies refused, a bookmark): counted, in no flow."""
    client = signed_in(app)
    assert client.get("/en/contact/chat?kind=api").status_code == 303
    assert channel_events(app) == [("chat", "api", "en", None)]


def test_a_choice_records_nothing_personal(app):
    """The signed-in customer's address, name and PIN, and the client's address, stay out of analytics."""
    client = signed_in(app)
    client.get("/en/contact")
    client.get("/en/contact/chat?kind=billing")
    client.get("/en/contact/phone?kind=billing")
    with app.extensions["kb.db"].reading() as db:
        rows = db.execute(select(AnalyticsEvent.__table__)).all()
    dump = repr(rows)
    assert len(rows) == 4  # flow, form, chat, phone
    for secret in ("ana@example.com", "Ana Lima", "482913", "127.0.0.1"):
        assert secret not in dump
    assert all(len(row.visitor) == 32 for row in rows)
