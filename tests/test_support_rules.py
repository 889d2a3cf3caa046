"""The rules file on the way in (checked, path:line), and what customers see because of it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from kb.cli import main
from kb.models import OutboxMessage, Ticket
from kb.rules import DEFAULT_RULES_FILE, RulesError, load_rules
from kb.sso import make_token
from web import create_app

from .helpers import form_action, form_values, open_ticket_form, soup, submit

SSO_SECRET = "test-sso-secret"
TUESDAY_10 = dt.datetime.fromisoformat("2026-11-24T10:00+01:00")
SATURDAY_NOON = dt.datetime.fromisoformat("2026-11-28T12:00+01:00")
DEFAULT_TEXT = DEFAULT_RULES_FILE.read_text(encoding="utf-8")


def rules_file(tmp_path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# The file: each problem with its line --------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "problem"),
    [
        ("time_zone: Europe/Paris", "time_zone: Europe/Atlantis", "time_zone:", "'Europe/Atlantis' is not a time zone"),
        ("  - 2026-05-08  # Victory", "  - 2026-05-32  # Victory", "2026-05-32", "'2026-05-32' is not a date"),
        ("      mon-fri: \"09:00-18:00\"\n    languages: [en, fr]\n    asks_for_pin: true\n    launcher_url",
         "      mon-fri: \"18:00-09:00\"\n    languages: [en, fr]\n    asks_for_pin: true\n    launcher_url",
         "18:00-09:00", "is not opening hours"),
        ("      mon-fri: \"09:00-18:00\"\n    languages: [en, fr]\n    asks_for_pin: true\n    launcher_url",
         "      mon-sat-sun: \"09:00-18:00\"\n    languages: [en, fr]\n    asks_for_pin: true\n    launcher_url",
         "mon-sat-sun", "is not a day or days"),
        ("    channels: [ticket, chat]\n", "    channels: [ticket, carrier-pigeon]\n", "carrier-pigeon", "unknown channel 'carrier-pigeon'"),
        ("    priority: high", "    priority: asap", "asap", "'asap' is not one of urgent, high, normal, low"),
        ("    first_answer_hours: 12", "    first_answer_hours: soon", "soon", "must be a whole number"),
        ("anonymous_plan: free", "anonymous_plan: gold", "anonymous_plan", "'gold' is not one of free, essential, premium"),
        ("  refund: [ticket]", "  refund: [phone]", "refund: [phone]", "every kind of request can be sent as a ticket"),
        ("  refund: [ticket]", "  lottery: [ticket]", "lottery", "unknown kind 'lottery'"),
        ("      fr: \"+33 1 76 40 01 00\"", "      fr: \"call us\"", "call us", "is not a phone number"),
        ("    launcher_url: https://chat.plumora.example/start", "    launcher_url: javascript:alert(1)", "javascript:", "is not an http:// or https:// address"),
        ("    languages: [en, fr, de, es]", "    languages: [en, French]", "French", "'French' is not a language code"),
        ("recent_ticket_hours: 24", "recent_ticket_hours: 24\nopening_soon: yes", "opening_soon", "unknown key 'opening_soon'"),
        ("  it: Europe/Rome", "  it: Rome", "  it: Rome", "'Rome' is not a time zone"),
    ],
)
def test_each_problem_is_reported_with_its_path_and_line(tmp_path, old, new, needle, problem):
    assert old in DEFAULT_TEXT
    text = DEFAULT_TEXT.replace(old, new, 1)
    path = rules_file(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    expected = f"{path}:{line_of(text, needle)}:"
    assert any(p.startswith(expected) and problem in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", ":1: the rules file is empty"),
        ("plans: [\n", ":2: not valid YAML"),
        ("- just\n- a list\n", ":1: the rules file must be a mapping"),
    ],
)
def test_a_file_that_is_not_rules_at_all(tmp_path, text, problem):
    with pytest.raises(RulesError, match=re.escape(problem)):
        load_rules(rules_file(tmp_path, text))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "nowhere.yaml")


def test_a_bad_file_stops_the_app_check_rules_and_serve(tmp_path, app_config, runner):
    path = rules_file(tmp_path, DEFAULT_TEXT.replace("priority: high", "priority: asap"))
    app_config["RULES_FILE"] = path
    with pytest.raises(RulesError):
        create_app(app_config)
    checked = runner.invoke(main, ["check-rules"], env={"KB_RULES_FILE": str(path)})
    assert checked.exit_code == 1
    assert f"{path}:{line_of(path.read_text(), 'asap')}: plans.essential.priority: 'asap'" in checked.output
    served = runner.invoke(main, ["serve", "--no-index", "--no-outbox"], env={"KB_RULES_FILE": str(path)})
    assert served.exit_code == 1 and "nothing was started" in served.output


def test_check_rules_accepts_the_shipped_rules(runner):
    result = runner.invoke(main, ["check-rules"])
    assert result.exit_code == 0 and "no problem found" in result.output


# kb channels -------------------------------------------------------------------


def test_kb_channels_json_for_a_premium_refund_in_italian_on_monday_evening(runner):
    result = runner.invoke(main, ["channels", "--plan", "premium", "--kind", "refund", "--lang", "it", "--at", "2026-11-23T19:00+01:00", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert [(c["code"], c["state"], c["reason_code"]) for c in body["channels"]] == [
        ("ticket", "open", "other_language"), ("chat", "unavailable", "kind"), ("phone", "unavailable", "kind"),
    ]
    assert body["channels"][1]["reason"] == "Questo tipo di richiesta si gestisce solo per iscritto: invia un ticket."
    assert body["channels"][0]["answer_time"] == "Prima risposta entro 4 ore."


def test_kb_channels_text_names_the_next_opening(runner):
    result = runner.invoke(main, ["channels", "--plan", "premium", "--kind", "campaign", "--lang", "en", "--at", "2026-11-28T12:00+01:00", "--tz", "Europe/Helsinki"])
    assert result.exit_code == 0, result.output
    assert "phone   closed       closed_hours    Phone: Opens Monday at 09:00 CET (10:00 your time)." in result.output


def test_kb_channels_text_says_around_the_clock_once(runner):
    result = runner.invoke(main, ["channels", "--lang", "en", "--at", "2026-11-28T12:00+01:00"])
    assert result.exit_code == 0, result.output
    ticket = [line for line in result.output.splitlines()[1:3]]
    assert "Open around the clock." in ticket[0]
    assert ticket[1].strip() == "First answer within 24 hours.", ticket
    assert result.output.lower().count("around the clock") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "gold"], "expected one of free, essential, premium"),
        (["--kind", "lottery"], "expected one of"),
        (["--at", "2026-11-23T19:00"], "add the offset"),
        (["--at", "Monday"], "ISO 8601"),
        (["--tz", "Mars/Olympus"], "not a time zone"),
    ],
)
def test_kb_channels_refuses_bad_options(runner, args, message):
    result = runner.invoke(main, ["channels", *args])
    assert result.exit_code == 2 and message in result.output


# Signing in ---------------------------------------------------------------------


@pytest.fixture
def app_config(app_config):
    app_config.update(SSO_SECRET=SSO_SECRET, NOW=TUESDAY_10)
    return app_config


def sign_in(client, **who):
    who = {"email": "ana@example.com", "plan": "premium", "name": "Ana Lima", "account": "acme", "pin": "482913", **who}
    response = client.get(f"/sso/{make_token(SSO_SECRET, **who)}", query_string={"next": "/fr/contact"})
    assert response.status_code == 303 and response.headers["Location"] == "/fr/contact"
    return response


def channel_states(page) -> dict:
    return {li["id"].removeprefix("channel-"): (li["data-state"], li["data-reason"]) for li in page.select("#channel-choice .channel")}


def test_anonymous_visitors_get_the_ticket_and_are_told_signing_in_shows_more(client):
    page = soup(open_ticket_form(client, locale="fr"))
    assert channel_states(page) == {"ticket": ("open", "open"), "chat": ("unavailable", "sign_in"), "phone": ("unavailable", "sign_in")}
    assert "Ouvrez le centre d'aide depuis votre compte Plumora" in page.select_one("#sign-in-hint").text
    assert page.select_one(".pin") is None
    assert "Première réponse sous 24 heures." in page.select_one("#channel-ticket").text


def test_an_anonymous_visitor_asking_for_a_refund_is_told_it_must_be_written(client):
    """Not "sign in": no plan opens chat or phone for a request that must be written."""
    page = soup(client.get("/en/contact/channels?kind=refund"))
    assert channel_states(page) == {"ticket": ("open", "open"), "chat": ("unavailable", "kind"), "phone": ("unavailable", "kind")}
    assert page.select_one("#channel-phone .reason").text == "This kind of request is handled in writing only: please send a ticket."


@pytest.mark.parametrize(("locale", "words"), [("en", "around the clock"), ("fr", "jour et nuit")])
def test_the_ticket_card_says_around_the_clock_once(client, locale, words):
    card = soup(open_ticket_form(client, locale=locale)).select_one("#channel-ticket")
    assert card.text.lower().count(words) == 1 and card.select_one(".channel-hours") is None
    # A channel with opening hours still lists them.
    chat = soup(open_ticket_form(client, locale=locale)).select_one("#channel-chat .channel-hours")
    assert chat is not None and "09:00–18:00" in chat.text


def test_a_premium_customer_sees_chat_phone_and_pin_during_hours(client):
    sign_in(client)
    response = open_ticket_form(client, locale="fr")
    page = soup(response)
    assert channel_states(page) == {"ticket": ("open", "open"), "chat": ("open", "open"), "phone": ("open", "open")}
    assert form_values(response, "ticket-form")["email"] == "ana@example.com"  # filled in from the sign-in
    chat = client.get(page.select_one("#start-chat")["href"])  # through our address, which counts the choice
    assert chat.status_code == 303 and chat.headers["Location"] == "https://chat.plumora.example/start?lang=fr"
    assert soup(client.get(page.select_one("#show-number")["href"])).select_one("#phone-number").text == "+33 1 76 40 01 00"
    assert [p.select_one("strong").text for p in page.select(".pin")] == ["482913", "482913"]
    assert "Première réponse sous 4 heures." in page.select_one("#channel-ticket").text
    assert "Ouvert maintenant, jusqu'à" in page.select_one("#channel-phone .reason").text


def test_the_browsers_time_zone_shows_the_customers_own_clock(client, app):
    app.config["NOW"] = SATURDAY_NOON
    sign_in(client)
    client.set_cookie("kb_tz", "America/New_York")
    page = soup(open_ticket_form(client, locale="en"))
    assert page.select_one("#channel-phone .reason").get_text() == "Opens Monday at 09:00 CET (03:00 your time)."
    client.set_cookie("kb_tz", "../../etc/passwd")  # not a zone: the language's default instead
    page = soup(open_ticket_form(client, locale="en"))
    assert page.select_one("#channel-phone .reason").get_text() == "Opens Monday at 09:00 CET (08:00 your time)."


def test_a_forged_or_expired_link_signs_nobody_in(client, monkeypatch):
    assert client.get(f"/sso/{make_token('another key', email='a@example.com', plan='premium')}").status_code == 403
    from itsdangerous import TimestampSigner

    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 3600)
    old = make_token(SSO_SECRET, email="a@example.com", plan="premium")
    monkeypatch.undo()
    assert client.get(f"/sso/{old}").status_code == 403
    assert channel_states(soup(open_ticket_form(client)))["chat"] == ("unavailable", "sign_in")


def test_kb_sso_link_makes_a_link_the_help_center_accepts(client, runner):
    result = runner.invoke(main, ["sso-link", "--email", "bo@example.com", "--plan", "essential", "--next", "/de/contact"],
                           env={"KB_SSO_SECRET": SSO_SECRET})
    assert result.exit_code == 0, result.output
    path = result.output.strip().removeprefix("http://127.0.0.1:8000")
    response = client.get(path)
    assert response.status_code == 303 and response.headers["Location"] == "/de/contact"
    states = channel_states(soup(open_ticket_form(client, locale="en")))
    assert states["chat"] == ("open", "open") and states["phone"] == ("unavailable", "plan")
    refused = runner.invoke(main, ["sso-link", "--email", "bo@example.com", "--plan", "essential"])
    assert refused.exit_code == 2 and "KB_SSO_SECRET" in refused.output


def test_signing_out_forgets_the_customer(client):
    sign_in(client)
    page = open_ticket_form(client)
    assert soup(page).select_one('#signed-in-as button[form="sign-out-form"]') is not None
    assert "ana@example.com" in soup(page).select_one('#signed-in-as span[translate="no"]').text
    client.post(form_action(page, "sign-out-form"), data=form_values(page, "sign-out-form"))
    assert channel_states(soup(open_ticket_form(client)))["chat"] == ("unavailable", "sign_in")


# The form: kind of request, no-JS refresh, the fragment ---------------------------


def test_without_javascript_the_kind_chosen_updates_the_choices_and_keeps_everything(client, app):
    sign_in(client)
    form_page = open_ticket_form(client)
    response = submit(client, form_page, kind="refund", refresh="1", description="Please refund my last invoice, twice charged.")
    assert response.status_code == 200
    states = channel_states(soup(response))
    assert states["chat"] == ("unavailable", "kind") and states["phone"] == ("unavailable", "kind")
    kept = form_values(response, "ticket-form")
    assert kept["kind"] == "refund" and kept["description"] == "Please refund my last invoice, twice charged."
    with app.extensions["kb.db"].reading() as db:
        assert db.scalar(select(Ticket)) is None


def test_the_fragment_for_contact_js_follows_the_kind(client):
    sign_in(client)
    page = soup(client.get("/it/contact/channels", query_string={"kind": "refund", "tz": "Europe/Rome"}))
    assert channel_states(page)["phone"] == ("unavailable", "kind")
    page = soup(client.get("/it/contact/channels", query_string={"kind": "campaign"}))
    assert channel_states(page)["phone"] == ("unavailable", "language")
    assert "Disponibile solo in inglese e francese." in page.select_one("#channel-phone .reason").get_text()


def test_every_kind_the_rules_list_is_offered_in_their_order(client):
    page = soup(open_ticket_form(client, locale="es"))
    options = [o["value"] for o in page.select("#kind option") if o["value"]]
    assert options == list(load_rules().kinds)
    assert page.select_one('#kind option[value="card-removal"]').text == "Eliminar una tarjeta de crédito"


# Tickets: priority, promises, the 24-hour notice -----------------------------------


def outbox(app):
    with app.extensions["kb.db"].reading() as db:
        return db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_premium_ticket_is_urgent_everywhere_it_travels(client, app):
    from email import message_from_bytes, policy

    app.config.update(WEBHOOK_URL="http://127.0.0.1:9/hook", WEBHOOK_SECRET="s")
    sign_in(client)
    sent = submit(client, open_ticket_form(client, locale="fr"), locale="fr")
    assert sent.status_code == 303
    with app.extensions["kb.db"].reading() as db:
        ticket = db.scalar(select(Ticket))
    assert (ticket.priority, ticket.plan) == ("urgent", "premium")
    confirmation, support, webhook = outbox(app)
    support_mail = message_from_bytes(support.payload, policy=policy.default)
    assert support_mail["Subject"] == f"[Urgent] [{ticket.number}] campaign not sent"
    assert "Priority: Urgent" in support_mail.get_content()
    assert json.loads(webhook.payload)["ticket"]["priority"] == "urgent"
    customer_mail = message_from_bytes(confirmation.payload, policy=policy.default).get_content()
    assert "Nous vous répondrons par e-mail sous 4 heures." in customer_mail
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Nous vous répondrons par e-mail sous 4 heures." in page


def test_an_anonymous_ticket_in_italian_promises_the_languages_of_the_answer(client, app):
    sent = submit(client, open_ticket_form(client, locale="it"), locale="it")
    with app.extensions["kb.db"].reading() as db:
        ticket = db.scalar(select(Ticket))
    assert (ticket.priority, ticket.plan) == ("normal", None)
    page = soup(client.get(sent.headers["Location"]))
    assert "Ti risponderemo via email entro 24 ore." in page.get_text()
    assert "Rispondiamo in inglese, francese, tedesco o spagnolo." in page.get_text()


def test_the_admin_list_sorts_by_priority(client, app, runner):
    from .test_admin import PASSWORD, sign_in as staff_sign_in

    for plan, email in [("free", "f@example.com"), ("premium", "p@example.com"), ("essential", "e@example.com")]:
        customer = app.test_client()
        sign_in(customer, plan=plan, email=email)
        assert submit(customer, open_ticket_form(customer), email=email).status_code == 303
    assert runner.invoke(main, ["staff", "add", "staff@plumora.example", "--password", PASSWORD],
                         env={"KB_DATABASE_URL": app.config["DATABASE_URL"]}).exit_code == 0
    staff_sign_in(client, "staff@plumora.example", PASSWORD)
    by_priority = soup(client.get("/admin/", query_string={"sort": "priority"}))
    assert [td.text for td in by_priority.select("table.tickets tbody td[class^=priority-]")] == ["Urgent", "High", "Normal"]
    newest = soup(client.get("/admin/"))
    assert [td.text for td in newest.select("table.tickets tbody td[class^=priority-]")] == ["High", "Urgent", "Normal"]


def test_a_ticket_sent_less_than_24_hours_ago_is_shown_first(client, app):
    sign_in(client)
    sent = submit(client, open_ticket_form(client))
    number = client.get(sent.headers["Location"]).get_data(as_text=True).split('id="ticket-number" translate="no">')[1][:10]
    page = soup(open_ticket_form(client))
    notice = page.select_one("#recent-ticket")
    assert number in notice.text and notice.find("a")["href"] == sent.headers["Location"]
    # It comes before the channel choices.
    assert notice.find_next(id="channel-choice") is not None
    app.config["NOW"] = TUESDAY_10 + dt.timedelta(hours=25)
    assert soup(open_ticket_form(client)).select_one("#recent-ticket") is None


def test_a_signed_in_customer_sees_a_ticket_sent_from_elsewhere_with_its_own_link(client, app):
    other_browser = app.test_client()
    submit(other_browser, open_ticket_form(other_browser), email="ana@example.com")
    sign_in(client)
    notice = soup(open_ticket_form(client)).select_one("#recent-ticket")
    link = notice.find("a")["href"]
    assert link.startswith("/en/contact/requests/PLM-")
    assert client.get(link).status_code == 200
    stranger = app.test_client()
    sign_in(stranger, email="eve@example.com")
    assert stranger.get(link).status_code == 404


def test_an_address_typed_on_the_form_gets_a_notice_but_never_the_number(client, app):
    first = app.test_client()
    submit(first, open_ticket_form(first), email="ana@example.com")
    response = submit(client, open_ticket_form(client), email="ANA@example.com")
    assert response.status_code == 200
    notice = soup(response).select_one("#recent-by-address")
    assert "less than 24 hours ago" in notice.text and "PLM-" not in response.get_data(as_text=True)
    again = submit(client, response, email="ANA@example.com", send_anyway="y")
    assert again.status_code == 303


# The rules file alone changes what customers see ------------------------------------


def test_a_change_in_the_rules_file_alone_changes_the_contact_page(tmp_path, app_config):
    changed = (
        DEFAULT_TEXT
        .replace("    hours:\n      mon-fri: \"09:00-18:00\"\n    languages: [en, fr]\n    asks_for_pin: true\n    numbers:",
                 "    hours:\n      mon-sat: \"09:00-18:00\"\n    languages: [en, fr, it]\n    asks_for_pin: true\n    numbers:")
        .replace("      fr: \"+33 1 76 40 01 00\"", "      fr: \"+33 1 76 40 01 00\"\n      it: \"+39 02 4000 0100\"")
        .replace("    first_answer_hours: 4", "    first_answer_hours: 2")
    )
    assert changed.count("mon-sat") == 1 and "+39" in changed
    app_config["NOW"] = SATURDAY_NOON
    pages = {}
    for name, rules in [("shipped", None), ("changed", rules_file(tmp_path, changed))]:
        app_config["RULES_FILE"] = rules
        app = create_app(app_config)
        app.extensions["kb.db"].upgrade()
        client = app.test_client()
        sign_in(client)
        pages[name] = soup(open_ticket_form(client, locale="it"))
        pages[f"{name} home"] = soup(client.get("/it/"))
        pages[f"{name} phone"] = soup(client.get("/it/contact/phone"))
        app.extensions["kb.db"].dispose()
    assert channel_states(pages["shipped"])["phone"] == ("unavailable", "language")
    assert channel_states(pages["changed"])["phone"] == ("open", "open")
    assert pages["changed phone"].select_one("#phone-number").text == "+39 02 4000 0100"
    assert pages["shipped phone"].select_one("#phone-number") is None  # back to the contact page: not in Italian
    assert "Prima risposta entro 4 ore." in pages["shipped"].select_one("#channel-ticket").text
    assert "Prima risposta entro 2 ore." in pages["changed"].select_one("#channel-ticket").text
    # The home page's promise comes from the same rules.
    assert "via email entro 4 ore." in pages["shipped home"].text
    assert "via email entro 2 ore." in pages["changed home"].text


def test_forms_shown_again_without_a_ticket_do_not_count_against_the_limit(app_config):
    app_config["TICKET_RATE_LIMIT"] = "1 per hour"
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    form_page = open_ticket_form(client)
    for kind in ("refund", "campaign", "billing"):
        form_page = submit(client, form_page, kind=kind, refresh="1")
        assert form_page.status_code == 200
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert submit(other, open_ticket_form(other), email="ana@example.com").status_code == 303  # the address is now recent
    notice = submit(client, form_page)
    assert notice.status_code == 200 and soup(notice).select_one("#recent-by-address")
    assert submit(client, notice, send_anyway="y").status_code == 303
    assert submit(client, open_ticket_form(client, subject="another"), send_anyway="y").status_code == 429
    app.extensions["kb.db"].dispose()


# Portuguese on both sides of the Atlantic: the reader's variant's zone ------------

SATURDAY_NOON_SUMMER = dt.datetime.fromisoformat("2026-07-04T12:00+02:00")


def phone_reason(client, headers=None, query=None):
    response = client.get("/pt/contact/ticket", query_string={"subject": "campaign not sent", **(query or {})}, headers=headers or {})
    assert response.status_code == 200
    return soup(response).select_one("#channel-phone .channel-hours").get_text()


@pytest.mark.parametrize(
    ("now", "accept_language", "expected"),
    [
        # Winter: Paris UTC+1, Lisbon UTC+0, São Paulo UTC−3.
        (SATURDAY_NOON, "pt-PT,pt;q=0.9,en;q=0.8", "(08:00–17:00 no seu horário)"),
        (SATURDAY_NOON, "pt-BR,pt;q=0.9", "(05:00–14:00 no seu horário)"),
        (SATURDAY_NOON, "pt", "(05:00–14:00 no seu horário)"),  # the variant the articles are written in
        # Summer: Paris and Lisbon both move an hour; Brazil keeps no summer time.
        (SATURDAY_NOON_SUMMER, "pt-PT", "(08:00–17:00 no seu horário)"),
        (SATURDAY_NOON_SUMMER, "pt-BR", "(04:00–13:00 no seu horário)"),
    ],
)
def test_portuguese_readers_see_hours_in_their_variants_zone(client, app, now, accept_language, expected):
    app.config["NOW"] = now
    sign_in(client)
    reason = phone_reason(client, {"Accept-Language": accept_language})
    assert reason.endswith(expected), reason


def test_a_chosen_variant_is_remembered_and_the_browsers_zone_still_wins(client, app):
    app.config["NOW"] = SATURDAY_NOON
    sign_in(client)
    # The main product links its European Portuguese users with ?variant=pt-PT.
    assert phone_reason(client, {"Accept-Language": "pt-BR"}, {"variant": "pt-PT"}).endswith("(08:00–17:00 no seu horário)")
    assert client.get_cookie("kb_variant").value == "pt-PT"
    assert phone_reason(client, {"Accept-Language": "pt-BR"}).endswith("(08:00–17:00 no seu horário)")
    client.set_cookie("kb_tz", "Atlantic/Azores")  # what contact.js sends from the Azores (UTC−1)
    assert phone_reason(client, {"Accept-Language": "pt-BR"}).endswith("(07:00–16:00 no seu horário)")
    # A variant the Portuguese pages do not serve changes nothing and is not kept.
    client.delete_cookie("kb_tz")
    client.delete_cookie("kb_variant")
    assert phone_reason(client, {"Accept-Language": "pt-BR"}, {"variant": "pt-AO"}).endswith("(05:00–14:00 no seu horário)")
    assert client.get_cookie("kb_variant") is None


def test_variant_time_zones_in_the_rules_file(tmp_path):
    text = DEFAULT_TEXT.replace("  pt-PT: Europe/Lisbon\n", "  pt_PT: Atlantic/Azores\n  pt-XYZ: Europe/Lisbon\n", 1)
    path = rules_file(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert [p.split(": ", 1)[1] for p in caught.value.problems] == [
        "time_zones: 'pt-XYZ' is not a language code such as en, pt-PT or pt_BR"]
    rules = load_rules(rules_file(tmp_path, DEFAULT_TEXT.replace("  pt-PT: Europe/Lisbon\n", "  pt_PT: Atlantic/Azores\n", 1)))
    assert rules.zone_for("pt", "pt-PT").key == "Atlantic/Azores" and rules.zone_for("pt", "pt-BR").key == "America/Sao_Paulo"


def test_kb_channels_takes_a_language_variant(runner):
    result = runner.invoke(main, ["channels", "--lang", "pt-PT", "--plan", "premium", "--at", "2026-11-28T12:00+01:00", "--json"])
    assert result.exit_code == 0, result.output
    phone = next(c for c in json.loads(result.output)["channels"] if c["code"] == "phone")
    assert phone["hours"].endswith("(08:00–17:00 no seu horário)"), phone
