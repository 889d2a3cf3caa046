"""The support rules and the channel decision: plans × kinds × languages × moments.

The expected answers are written here from the shipped rules as a support
manager reads them (kb/default_rules.yaml), independently of how
``kb.channels.decide`` computes them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from babel.support import NullTranslations, Translations

from kb.channels import Customer, RecentTicket, decide, explain
from kb.rules import load_rules
from translations import ready_catalog_dir

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
RULES = load_rules()

# What the shipped rules say, in a support manager's words.
PLAN_CHANNELS = {None: {"ticket"}, "free": {"ticket"}, "essential": {"ticket", "chat"}, "premium": {"ticket", "chat", "phone"}}
WRITTEN_ONLY = {"hacked-account", "contact-removal", "sensitive-information", "deliverability", "invoice-forwarding", "refund", "card-removal"}
TICKET_LANGUAGES = {"en", "fr", "de", "es"}
LIVE_LANGUAGES = {"en", "fr"}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# name: (moment, chat and phone open?, a public holiday in Paris?)
MOMENTS = {
    "weekday, during hours": (at("2026-11-24T10:00+01:00"), True, False),
    "weekday, 08:59": (at("2026-11-24T08:59+01:00"), False, False),
    "weekday, 17:59": (at("2026-11-24T17:59+01:00"), True, False),
    "weekday evening": (at("2026-11-23T19:00+01:00"), False, False),
    "Saturday": (at("2026-11-28T12:00+01:00"), False, False),
    "Sunday night": (at("2026-11-29T23:30+01:00"), False, False),
    "Armistice Day (a Wednesday)": (at("2026-11-11T10:00+01:00"), False, True),
    "Christmas Day": (at("2026-12-25T10:00+01:00"), False, True),
    # 29 March 2026: clocks go forward in Paris. The Monday after, 07:30 UTC is 09:30 CEST.
    "spring DST Sunday": (at("2026-03-29T12:00+02:00"), False, False),
    "Monday after spring DST, 07:30 UTC": (at("2026-03-30T07:30Z"), True, False),
    "Friday before spring DST, 07:30 UTC": (at("2026-03-27T07:30Z"), False, False),
    "Friday before spring DST, 16:30 UTC": (at("2026-03-27T16:30Z"), True, False),
    # 25 October 2026: clocks go back. The Monday after, 17:30 UTC is 18:30 CET.
    "autumn DST Sunday": (at("2026-10-25T12:00+01:00"), False, False),
    "Friday before autumn DST, 15:30 UTC": (at("2026-10-23T15:30Z"), True, False),
    "Monday after autumn DST, 17:30 UTC": (at("2026-10-26T17:30Z"), False, False),
    "Monday after autumn DST, 16:30 UTC": (at("2026-10-26T16:30Z"), True, False),
}
PLANS = list(PLAN_CHANNELS)
KINDS = [None, "campaign", "billing", "refund", "hacked-account", "deliverability"]
LANGUAGES = ["en", "fr", "de", "es", "it", "pt"]


def expected(code: str, plan: str | None, kind: str | None, language: str, moment_name: str) -> tuple[str, str]:
    _moment, live_open, holiday = MOMENTS[moment_name]
    # A request that must be written is told so first: signing in or another plan would not change it.
    if code != "ticket" and kind in WRITTEN_ONLY:
        return "unavailable", "kind"
    if code not in PLAN_CHANNELS[plan]:
        return "unavailable", "plan" if plan else "sign_in"
    if code == "ticket":
        return "open", "open" if language in TICKET_LANGUAGES else "other_language"
    if language not in LIVE_LANGUAGES:
        return "unavailable", "language"
    if live_open:
        return "open", "open"
    return "closed", "closed_holiday" if holiday else "closed_hours"


@pytest.mark.parametrize("moment_name", MOMENTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plan_and_kind_gets_what_the_rules_say(moment_name, language):
    moment = MOMENTS[moment_name][0]
    for plan, kind in itertools.product(PLANS, KINDS):
        customer = Customer(email="ana@example.com", plan=plan, pin="482913") if plan else Customer()
        decision = decide(RULES, customer, kind, language, moment)
        got = {c.code: (c.state, c.reason) for c in decision.channels}
        want = {code: expected(code, plan, kind, language, moment_name) for code in ("ticket", "chat", "phone")}
        assert got == want, (plan, kind)
        assert decision.signed_in == (plan is not None)


@pytest.mark.parametrize("plan", [None, "free", "essential"])
def test_a_written_only_kind_is_said_before_signing_in_or_the_plan(plan):
    """Signing in or another plan would not open chat for a refund: the customer is told the reason that holds."""
    customer = Customer(email="ana@example.com", plan=plan) if plan else Customer()
    decision = decide(RULES, customer, "refund", "en", MOMENTS["weekday, during hours"][0])
    assert [(c.code, c.state, c.reason) for c in decision.channels] == [
        ("ticket", "open", "open"), ("chat", "unavailable", "kind"), ("phone", "unavailable", "kind")]
    assert explain(decision.channel("chat"), decision, NullTranslations(), "en", PARIS) == (
        "This kind of request is handled in writing only: please send a ticket.")


def test_every_written_only_kind_of_the_issue_exists_and_allows_only_the_ticket():
    assert WRITTEN_ONLY <= set(RULES.kinds)
    for kind in WRITTEN_ONLY:
        assert RULES.kinds[kind] == ("ticket",)


@pytest.mark.parametrize(
    ("moment", "opens_utc"),
    [
        # Closed on the spring DST Sunday: Monday 09:00 CEST is 07:00 UTC.
        (at("2026-03-29T12:00+02:00"), "2026-03-30T07:00:00+00:00"),
        # Closed on the autumn DST Sunday: Monday 09:00 CET is 08:00 UTC.
        (at("2026-10-25T12:00+01:00"), "2026-10-26T08:00:00+00:00"),
        # Holiday on a Wednesday: Thursday morning.
        (at("2026-11-11T10:00+01:00"), "2026-11-12T08:00:00+00:00"),
        # Christmas on a Friday: the Monday after.
        (at("2026-12-25T10:00+01:00"), "2026-12-28T08:00:00+00:00"),
        # New Year's Eve evening (a Thursday), New Year's Day a holiday: Monday 4 January.
        (at("2026-12-31T19:00+01:00"), "2027-01-04T08:00:00+00:00"),
    ],
)
def test_next_opening_across_dst_weekends_and_holidays(moment, opens_utc):
    phone = decide(RULES, Customer(plan="premium"), "campaign", "en", moment).channel("phone")
    assert phone.state == "closed" and phone.opens_at.astimezone(dt.UTC).isoformat() == opens_utc


def test_open_channel_closes_at_18_paris_time_in_summer_and_winter():
    summer = decide(RULES, Customer(plan="premium"), None, "fr", at("2026-07-01T10:00+02:00")).channel("chat")
    winter = decide(RULES, Customer(plan="premium"), None, "fr", at("2026-01-07T10:00+01:00")).channel("chat")
    assert summer.closes_at.astimezone(dt.UTC).hour == 16 and winter.closes_at.astimezone(dt.UTC).hour == 17


@pytest.mark.parametrize(
    ("age", "shown"),
    [(dt.timedelta(minutes=5), True), (dt.timedelta(hours=23, minutes=59), True), (dt.timedelta(hours=24), False), (dt.timedelta(days=3), False)],
)
def test_a_ticket_younger_than_24_hours_is_shown_first(age, shown):
    moment = at("2026-11-24T10:00+01:00")
    recent = RecentTicket("PLM-7KQ4ZD", moment - age, "/en/contact/tickets/x")
    decision = decide(RULES, Customer(email="ana@example.com", plan="premium"), "campaign", "en", moment, recent)
    assert (decision.recent_ticket == recent) is shown
    # The other channels are still offered after it.
    assert decision.channel("phone").state == "open"


def test_premium_ticket_answer_time_and_priority_come_from_the_plan():
    for plan, hours, priority in [(None, 24, "normal"), ("free", 24, "normal"), ("essential", 12, "high"), ("premium", 4, "urgent")]:
        customer = Customer(plan=plan) if plan else Customer()
        assert decide(RULES, customer, None, "en", at("2026-11-24T10:00+01:00")).channel("ticket").first_answer_hours == hours
        assert RULES.priority_of(plan) == priority


def test_the_pin_is_given_to_the_signed_in_customer_beside_chat_and_phone_only():
    decision = decide(RULES, Customer(email="a@example.com", plan="premium", pin="482913"), None, "en", at("2026-11-24T10:00+01:00"))
    assert [(c.code, c.pin) for c in decision.channels] == [("ticket", None), ("chat", "482913"), ("phone", "482913")]


def test_the_phone_number_follows_the_language():
    moment = at("2026-11-24T10:00+01:00")
    english = decide(RULES, Customer(plan="premium"), None, "en", moment).channel("phone")
    french = decide(RULES, Customer(plan="premium"), None, "fr", moment).channel("phone")
    assert english.number == RULES.channels["phone"].numbers["en"] != french.number == RULES.channels["phone"].numbers["fr"]


def test_a_moment_without_time_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        decide(RULES, Customer(), None, "en", dt.datetime(2026, 11, 24, 10))


# Reasons in words ------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory):
    return ready_catalog_dir(tmp_path_factory.mktemp("catalogs"))


def reason(catalogs, language, zone, moment, *, plan="premium", kind="campaign", code="phone", customer_language=None):
    translations = Translations.load(str(catalogs), [language]) if language != "en" else NullTranslations()
    decision = decide(RULES, Customer(plan=plan) if plan else Customer(), kind, customer_language or language, moment)
    return explain(decision.channel(code), decision, translations, language, zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize(
    ("language", "zone", "moment", "text"),
    [
        ("en", "Europe/Helsinki", at("2026-11-28T12:00+01:00"), "Opens Monday at 09:00 CET (10:00 your time)."),
        ("en", "Europe/Paris", at("2026-11-24T10:00+01:00"), "Open now, until 18:00 CET."),
        ("en", "Europe/London", at("2026-11-23T19:00+01:00"), "Opens tomorrow at 09:00 CET (08:00 your time)."),
        ("en", "Europe/London", at("2026-11-24T07:00+01:00"), "Opens today at 09:00 CET (08:00 your time)."),
        # Summer time on both sides of the spring switch.
        ("en", "Europe/London", at("2026-03-29T12:00+02:00"), "Opens tomorrow at 09:00 CEST (08:00 your time)."),
        ("en", "Europe/London", at("2026-10-25T12:00+01:00"), "Opens tomorrow at 09:00 CET (08:00 your time)."),
        # New York is on summer time from 8 March, Paris from 29 March: five hours apart in between.
        ("en", "America/New_York", at("2026-03-26T19:00+01:00"), "Opens tomorrow at 09:00 CET (04:00 your time)."),
        ("en", "America/New_York", at("2026-11-20T19:00+01:00"), "Opens Monday at 09:00 CET (03:00 your time)."),
        # In Honolulu, Monday 09:00 in Paris is still Sunday evening.
        ("en", "Pacific/Honolulu", at("2026-11-28T12:00+01:00"), "Opens Monday at 09:00 CET (Sunday 22:00 your time)."),
        ("en", "Europe/Paris", at("2026-11-11T10:00+01:00"), "Closed today for a public holiday. Opens tomorrow at 09:00 CET."),
        ("fr", "Europe/Paris", at("2026-11-28T12:00+01:00"), "Ouvre lundi à 09:00 CET."),
        ("fr", "America/Montreal", at("2026-11-23T19:00+01:00"), "Ouvre demain à 09:00 CET (03:00 chez vous)."),
    ],
)
def test_reasons_say_when_in_the_support_zone_and_the_customers(catalogs, language, zone, moment, text):
    assert reason(catalogs, language, zone, moment) == text


def test_german_names_the_zone_as_german_does(catalogs):
    # Phone does not speak German: the sentence is checked for a customer writing in English.
    text = reason(catalogs, "de", "Europe/Berlin", at("2026-11-11T10:00+01:00"), customer_language="en")
    assert text == "Heute wegen eines Feiertags geschlossen. Öffnet morgen um 09:00 MEZ."


@pytest.mark.parametrize(
    ("language", "plan", "kind", "code", "text"),
    [
        ("it", "premium", "campaign", "phone", "Disponibile solo in inglese e francese."),
        ("de", "premium", "campaign", "chat", "Nur auf Englisch und Französisch verfügbar."),
        ("pt", "premium", "campaign", "ticket", "Aberto 24 horas por dia. Respondemos em inglês, francês, alemão ou espanhol."),
        ("es", "premium", "refund", "phone", "Este tipo de solicitud solo se gestiona por escrito: envía una solicitud."),
        ("fr", "essential", "campaign", "phone", "Non inclus dans votre offre (Essential). Inclus dans\u00a0: Premium."),
        ("fr", None, "campaign", "chat", "Connectez-vous à votre compte pour savoir si votre offre le comprend."),
        ("en", "premium", "campaign", "ticket", "Open around the clock."),
    ],
)
def test_reasons_for_unavailable_channels_in_the_customers_language(catalogs, language, plan, kind, code, text):
    moment = at("2026-11-24T10:00+01:00")
    assert reason(catalogs, language, "Europe/Paris", moment, plan=plan, kind=kind, code=code) == text
