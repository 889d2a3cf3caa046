"""Deflection analytics: a scripted set of customer flows, then every figure of the reports.

The flows go through the test client as customers take them (signed-in
customers choose chat and phone through the help center's own links), on a
clock the test moves. Each figure below is computed by hand from those known
events, and the admin's Reports page, every CSV export and ``kb report
--format json`` must all show it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging

import pytest
from sqlalchemy import select

from kb.analytics import events as ev
from kb.analytics.reports import TABLES, Filters, build_report
from kb.cli import main
from kb.models import AnalyticsEvent, Ticket
from kb.sso import make_token

from .helpers import form_action, form_values, open_ticket_form, soup, submit
from .test_admin import PASSWORD, sign_in, staff  # noqa: F401 (fixture)

SSO_SECRET = "analytics-test-sso"
# Chat and phone are open then (a Tuesday, 10:00 in Paris): the channel rules' clock.
TUESDAY_10 = dt.datetime.fromisoformat("2026-11-24T10:00+01:00")


@pytest.fixture
def database_url(any_database_url):
    return any_database_url


@pytest.fixture
def app_config(app_config):
    app_config.update(SSO_SECRET=SSO_SECRET, NOW=TUESDAY_10)
    return app_config


class Clock:
    """The analytics clock of the app under test, moved by hand."""

    def __init__(self):
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock()
    app.extensions["kb.analytics"].now = clock
    return clock


def start_flow(client, locale: str) -> str:
    page = client.get(f"/{locale}/contact")
    assert page.status_code == 200
    return soup(page).select_one(".combobox")["data-flow"]


def type_search(client, clock, flow, locale, *texts, gap=0.5):
    """Keystroke requests of one burst, ``gap`` seconds apart, as contact.js sends them."""
    for text in texts:
        clock.advance(gap)
        response = client.get("/api/suggest", query_string={"q": text, "lang": locale, "flow": flow})
        assert response.status_code == 200


def answer(client, locale, article_id, subject, yes: bool):
    """Opens the article from the suggestions and answers "Did this solve your problem?"."""
    page = client.get(f"/{locale}/contact/articles/{article_id}", query_string={"subject": subject})
    assert page.status_code == 200
    return client.post(form_action(page, "solved"), data={**form_values(page, "solved"), "answer": "yes" if yes else "no"})


def signed_in_customer(app, email: str, plan: str = "premium"):
    """A browser signed in through the main product's link."""
    customer = app.test_client()
    token = make_token(SSO_SECRET, email=email, plan=plan, name="Ana Lima", pin="482913")
    assert customer.get(f"/sso/{token}").status_code == 303
    return customer


def channel_link(page, link_id: str, kind: str) -> str:
    """The card's link, as contact.js reloads the cards for the kind chosen on the form."""
    href = soup(page).select_one(f"#{link_id}")["href"]
    assert "?" not in href  # no kind chosen yet on a new form
    return f"{href}?kind={kind}"


@pytest.fixture
def scripted(app, clock):
    """Seven contact flows (two choose chat and phone), two search-page searches, article views and votes."""
    flows = {}
    # A (en): types "invoice" in one burst, opens the invoice article, "yes, solved".
    a = app.test_client()
    flows["a"] = start_flow(a, "en")
    type_search(a, clock, flows["a"], "en", "inv", "invoi", "invoice")
    clock.advance(10)
    assert answer(a, "en", "invoices", "invoice", yes=True).status_code == 200
    # B (en): two searches with a pause between, opens the password article,
    # "no", then the form and a ticket.
    b = app.test_client()
    flows["b"] = start_flow(b, "en")
    type_search(b, clock, flows["b"], "en", "reset", "reset password")
    clock.advance(30)
    type_search(b, clock, flows["b"], "en", "password")
    clock.advance(10)
    assert answer(b, "en", "reset-password", "password", yes=False).status_code == 302
    clock.advance(10)
    sent = submit(b, open_ticket_form(b, "en", subject="password"), kind="account")
    assert sent.status_code == 303
    # C (fr): a search that finds nothing, then (no script) the suggestions page; leaves.
    c = app.test_client()
    flows["c"] = start_flow(c, "fr")
    type_search(c, clock, flows["c"], "fr", "zzqq", "zzqqxx")
    clock.advance(20)
    assert c.get("/fr/contact/suggestions", query_string={"subject": "facture"}).status_code == 200
    # D (de): opens the contact page and leaves.
    d = app.test_client()
    flows["d"] = start_flow(d, "de")
    # E (en): a search that finds nothing, straight to a ticket.
    e = app.test_client()
    flows["e"] = start_flow(e, "en")
    type_search(e, clock, flows["e"], "en", "qqxxzz")
    clock.advance(5)
    assert submit(e, open_ticket_form(e, "en", subject="qqxxzz"), kind="billing", send_anyway="y").status_code == 303
    # G (en, premium): types "invoice", opens the invoice article, "no", asks
    # for the form, chooses billing and starts a chat (twice: one choice).
    g = signed_in_customer(app, "gil@example.com")
    flows["g"] = start_flow(g, "en")
    type_search(g, clock, flows["g"], "en", "invoice")
    clock.advance(10)
    assert answer(g, "en", "invoices", "invoice", yes=False).status_code == 302
    clock.advance(10)
    chat = channel_link(open_ticket_form(g, "en", subject="invoice"), "start-chat", "billing")
    for _ in range(2):
        assert g.get(chat).headers["Location"] == "https://chat.plumora.example/start?lang=en"
    # H (fr, premium): types "facture" on the contact page, whose form is
    # revealed in place, chooses account and asks for the phone number.
    h = signed_in_customer(app, "hugo@example.com")
    contact = h.get("/fr/contact")
    flows["h"] = soup(contact).select_one(".combobox")["data-flow"]
    type_search(h, clock, flows["h"], "fr", "factu", "facture")
    clock.advance(10)
    number = h.get(channel_link(contact, "show-number", "account"))
    assert soup(number).select_one("#phone-number").text == "+33 1 76 40 01 00"
    # I (en, Free plan): chat is not in the plan: sent back, nothing recorded.
    i = signed_in_customer(app, "ines@example.com", plan="free")
    assert i.get("/en/contact/chat?kind=billing").headers["Location"] == "/en/contact"
    # A reader: two searches (page 2 is not a new search), views and votes.
    f = app.test_client()
    clock.advance(60)
    for url in ("/en/search?q=Invoice", "/en/search?q=invoice&page=2", "/en/search?q=qqxxzz",
                "/en/articles/invoices", "/en/articles/invoices", "/es/articles/spf-dkim"):
        assert f.get(url).status_code == 200
    for path, choice in (("/es/articles/spf-dkim", "yes"), ("/en/articles/invoices", "no")):
        page = f.get(path)
        assert f.post(form_action(page, "feedback-form"), data={**form_values(page, "feedback-form"), "answer": choice}).status_code == 303
    clock.advance(60)
    return flows


def events(app, **where):
    with app.extensions["kb.db"].reading() as db:
        query = select(AnalyticsEvent).order_by(AnalyticsEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AnalyticsEvent, name) == value)
        return db.scalars(query).all()


def report(app, clock, **filters):
    with app.extensions["kb.db"].reading() as db:
        # Until now: answers about articles are dated by the real clock (article_feedback).
        return build_report(db, Filters(clock.now - dt.timedelta(days=1), clock_now() + dt.timedelta(minutes=1), **filters))


EXPECTED = {
    # A "invoice"; B "reset password", "password"; C "zzqqxx", "facture"; E "qqxxzz"; G "invoice";
    # H "facture"; search page "invoice", "qqxxzz".
    "searches": 10,
    "zero_result_searches": 3,  # C "zzqqxx", E and the search page "qqxxzz"
    "flows": 7,  # A to E, G and H (I only tried a link)
    "flows_with_suggestions": 5,  # A, B, C, G, H (E's only search found nothing, D never searched)
    "deflected": 2,  # A and C: B and E sent tickets, G started a chat, H asked for the number
    "tickets": 2,  # B and E
    "chats": 1,  # G (its second click is the same choice)
    "calls": 1,  # H
    "deflection_rate": 0.4,  # 2 / 5
}
FUNNEL = {"started": 7, "searched": 6, "saw_suggestions": 5, "opened_article": 3, "not_solved": 2, "solved": 1,
          "form_shown": 4, "channel_chosen": 4, "ticket": 2}
TOP_QUERIES = [  # most searched first, then by text
    {"query": "invoice", "locale": "en", "count": 3}, {"query": "facture", "locale": "fr", "count": 2},
    {"query": "qqxxzz", "locale": "en", "count": 2}, {"query": "password", "locale": "en", "count": 1},
    {"query": "reset password", "locale": "en", "count": 1}, {"query": "zzqqxx", "locale": "fr", "count": 1},
]
ZERO_RESULT_QUERIES = [{"query": "qqxxzz", "locale": "en", "count": 2}, {"query": "zzqqxx", "locale": "fr", "count": 1}]
# A opened the invoice article and was deflected; G opened it too but started a chat.
DEFLECTING_ARTICLES = [{"article_id": "invoices", "deflected_flows": 1, "solved_answers": 1}]
HELPFULNESS = [  # most answered first: invoices has A's "solved", G's "not solved" and the reader's "not helpful"
    {"article_id": "invoices", "helpful": 0, "not_helpful": 1, "helpful_share": 0.0, "solved": 1, "not_solved": 1},
    {"article_id": "reset-password", "helpful": 0, "not_helpful": 0, "helpful_share": None, "solved": 0, "not_solved": 1},
    {"article_id": "spf-dkim", "helpful": 1, "not_helpful": 0, "helpful_share": 1.0, "solved": 0, "not_solved": 0},
]
REQUESTS_BY_KIND_CHANNEL = [  # B's and E's tickets, G's chat, H's call
    {"kind": "account", "channel": "phone", "requests": 1}, {"kind": "account", "channel": "ticket", "requests": 1},
    {"kind": "billing", "channel": "chat", "requests": 1}, {"kind": "billing", "channel": "ticket", "requests": 1},
]


def expected_report(app, clock) -> dict:
    """Every table of the report for the scripted flows, as ``Report.as_json`` gives it."""
    with app.extensions["kb.db"].reading() as db:
        offered = db.scalar(select(Ticket.suggested).where(Ticket.kind == "account"))  # what B was shown before its ticket
    assert "reset-password" in [a["id"] for a in offered]
    return {
        **EXPECTED,
        "funnel": [{"step": step, "flows": n} for step, n in FUNNEL.items()],
        "top_queries": TOP_QUERIES,
        "zero_result_queries": ZERO_RESULT_QUERIES,
        "deflecting_articles": DEFLECTING_ARTICLES,
        # E's search found nothing: only B's ticket had articles before it.
        "suggested_before_tickets": sorted(({"article_id": a["id"], "tickets": 1} for a in offered), key=lambda r: r["article_id"]),
        "helpfulness": HELPFULNESS,
        "requests_by_kind_channel": REQUESTS_BY_KIND_CHANNEL,
        "daily": [{"day": clock.now.date().isoformat(), "searches": 10, "flows": 7, "tickets": 2}],
    }


def test_a_burst_of_keystrokes_is_one_search_the_text_the_customer_stopped_on(app, scripted):
    (search,) = events(app, flow=scripted["a"], kind=ev.SEARCH)
    assert (search.query, search.locale, search.results[0], search.result_count > 0) == ("invoice", "en", "invoices", True)
    b = events(app, flow=scripted["b"], kind=ev.SEARCH)
    assert [s.query for s in b] == ["reset password", "password"]  # a pause between: two searches
    assert [s.query for s in events(app, flow=scripted["c"], kind=ev.SEARCH)] == ["zzqqxx", "facture"]


def test_report_figures_from_known_events(app, clock, scripted):
    figures = report(app, clock).as_json()
    expected = expected_report(app, clock)
    assert {key: figures[key] for key in expected} == expected


def test_choosing_chat_or_phone_is_a_channel_step_of_the_flow(app, scripted):
    """Without a request for the form (the one-page contact flow), choosing from its cards shows it was."""
    assert [(e.kind, e.channel, e.ticket_kind) for e in events(app, flow=scripted["g"]) if e.kind in (ev.FORM, ev.CHANNEL)] == [
        (ev.FORM, None, None), (ev.CHANNEL, "chat", "billing")]
    assert [(e.kind, e.channel, e.ticket_kind) for e in events(app, flow=scripted["h"])] == [
        (ev.FLOW, None, None), (ev.SEARCH, None, None), (ev.FORM, None, None), (ev.CHANNEL, "phone", "account")]
    (chat,) = events(app, kind=ev.CHANNEL, channel="chat")
    assert chat.category == "billing" and chat.locale == "en"  # the category of the article G opened


def test_locale_and_category_narrow_the_report(app, clock, scripted):
    french = report(app, clock, locale="fr").as_json()
    assert {k: french[k] for k in ("searches", "zero_result_searches", "flows", "deflected", "tickets", "chats", "calls")} == {
        "searches": 3, "zero_result_searches": 1, "flows": 2, "deflected": 1, "tickets": 0, "chats": 0, "calls": 1}
    assert french["requests_by_kind_channel"] == [{"kind": "account", "channel": "phone", "requests": 1}]
    # Flow B alone showed or opened an account article (the password one), and ended in a ticket.
    account = report(app, clock, category="account")
    assert (account.flows, account.flows_with_suggestions, account.deflected, account.deflection_rate) == (1, 1, 0, 0.0)
    assert [row["query"] for row in account.as_json()["top_queries"]] == ["password", "reset password"]
    later = report(app, clock)
    assert build_report_empty(app, clock).searches == 0 and later.searches == 10


def build_report_empty(app, clock):
    with app.extensions["kb.db"].reading() as db:
        return build_report(db, Filters(clock.now - dt.timedelta(days=30), clock.now - dt.timedelta(days=1)))


def shown_table(html, table_id: str) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in html.select(f"#{table_id} tbody tr")]


def test_admin_report_page_shows_every_figure(app, client, clock, scripted, staff):  # noqa: F811
    sign_in(client, staff, PASSWORD)
    page = client.get("/admin/reports?period=7d")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = soup(page)
    shown = {dd["data-figure"]: dd.text for dd in html.select("dd[data-figure]")}
    assert shown == {**{key: str(value) for key, value in EXPECTED.items()}, "deflection_rate": "40%"}
    assert [row[1] for row in shown_table(html, "funnel")] == [str(n) for n in FUNNEL.values()]
    bars = html.select("svg.chart rect.chart-bar")
    assert len(bars) == len(FUNNEL) and float(bars[0]["width"]) == 360.0  # the widest step fills the plot
    assert shown_table(html, "top-queries") == [[q["query"], q["locale"], str(q["count"])] for q in TOP_QUERIES]
    for row in ZERO_RESULT_QUERIES:
        assert shown_table(html, f"gaps-{row['locale']}") == [[row["query"], str(row["count"])]]
    assert shown_table(html, "deflecting-articles") == [["Finding and downloading your invoices", "1", "1"]]
    with app.extensions["kb.db"].reading() as db:
        offered = db.scalar(select(Ticket.suggested).where(Ticket.kind == "account"))
    assert len(shown_table(html, "suggested-before-tickets")) == len(offered)
    assert [row[1:] for row in shown_table(html, "helpfulness")] == [
        ["0", "1", "0%", "1", "1"], ["0", "0", "–", "0", "1"], ["1", "0", "100%", "0", "0"]]
    assert shown_table(html, "requests-by-kind") == [
        ["My account or signing in", "Phone", "1"], ["My account or signing in", "Ticket", "1"],
        ["Billing and plans", "Chat", "1"], ["Billing and plans", "Ticket", "1"]]
    assert html.select_one("script") is None and "style=" not in page.get_data(as_text=True)
    client.post("/admin/logout", data=form_values(page, "logout-form"))
    assert client.get("/admin/reports/summary.csv").status_code == 302


def test_every_csv_export_has_the_figures(app, client, clock, scripted, staff):  # noqa: F811
    sign_in(client, staff, PASSWORD)
    expected = expected_report(app, clock)
    for table, columns in TABLES.items():
        download = client.get(f"/admin/reports/{table}.csv?period=7d")
        assert download.mimetype == "text/csv" and f'filename="plumora-{table}-7d.csv"' in download.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
        if table == "summary":
            want = [{"figure": key, "value": str(value)} for key, value in EXPECTED.items()]
            assert sorted(rows, key=lambda r: r["figure"]) == sorted(want, key=lambda r: r["figure"])
            continue
        as_text = [{column: "" if row[column] is None else str(row[column]) for column in columns} for row in expected[table]]
        assert rows == as_text, table
    english = client.get("/admin/reports/top_queries.csv?period=7d&locale=en")
    assert 'filename="plumora-top_queries-7d-en.csv"' in english.headers["Content-Disposition"]
    assert list(csv.DictReader(io.StringIO(english.get_data(as_text=True)))) == [
        {"query": q["query"], "locale": "en", "count": str(q["count"])} for q in TOP_QUERIES if q["locale"] == "en"]
    assert client.get("/admin/reports/nothing.csv").status_code == 404


def test_kb_report_json_and_text(app, runner, clock, scripted):
    env = {"KB_DATABASE_URL": app.config["DATABASE_URL"]}
    result = runner.invoke(main, ["report", "--since", "30d", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    expected = expected_report(app, clock)
    # The command's period ends now, so the articles' answers (dated by the real clock) are in it.
    assert {key: figures[key] for key in expected} == expected
    text = runner.invoke(main, ["report", "--since", "2w", "--locale", "fr"], env=env)
    assert text.exit_code == 0 and "deflection rate: 50.0%" in text.output and "zzqqxx" in text.output
    assert "requests: tickets 0, chats started 0, phone numbers shown 1" in text.output
    bad = runner.invoke(main, ["report", "--since", "soon"], env=env)
    assert bad.exit_code == 2 and "30d" in bad.output


def test_kb_report_on_a_database_never_upgraded_says_what_to_do(runner, tmp_path):
    result = runner.invoke(main, ["report"], env={"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    assert result.exit_code == 1 and "run 'kb db upgrade' first" in result.output


def test_the_ticket_shows_the_customers_path_before_it(app, client, scripted, staff):  # noqa: F811
    sign_in(client, staff, PASSWORD)
    with app.extensions["kb.db"].reading() as db:
        number = db.scalar(select(Ticket.number).where(Ticket.kind == "account"))
    page = soup(client.get(f"/admin/tickets/{number}"))
    steps = [li.get_text(" ", strip=True) for li in page.select(".customer-path li")]
    assert len(steps) == 8
    assert "Opened the contact page" in steps[0]
    assert "reset password" in steps[1] and "password" in steps[2]
    assert "I forgot my password" in steps[3] and "did not help" in steps[4]
    assert "I still need help" in steps[5] and "ticket" in steps[6] and "Sent this request" in steps[7]


def test_no_email_or_ticket_text_in_analytics_and_addresses_hashed(app, clock):
    customer = app.test_client()
    flow = start_flow(customer, "en")
    type_search(customer, clock, flow, "en", "bounce from ana@example.com pin 123456789")
    submit(customer, open_ticket_form(customer, "en", subject="bounces"), description="Secret words of my ticket, please help.")
    with app.extensions["kb.db"].reading() as db:
        rows = db.execute(select(AnalyticsEvent.__table__)).all()
    dump = repr(rows)
    assert "ana@example.com" not in dump and "Secret words" not in dump and "127.0.0.1" not in dump and "123456789" not in dump
    assert "bounce from [email] pin [number]" in dump
    assert all(len(row.visitor) == 32 for row in rows)


def test_an_analytics_failure_is_logged_and_never_shown(app, client, clock, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("analytics database is down")

    monkeypatch.setattr(ev, "write_rows", broken)
    with caplog.at_level(logging.ERROR):
        flow = start_flow(client, "en")
        response = client.get("/api/suggest", query_string={"q": "invoice", "lang": "en", "flow": flow})
        assert response.status_code == 200 and response.get_json()["results"]
        assert client.get("/en/articles/invoices").status_code == 200
        sent = submit(client, open_ticket_form(client, "en", subject="invoice"), send_anyway="y")
        assert sent.status_code == 303 and client.get(sent.headers["Location"]).status_code == 200
    assert "analytics: could not record" in caplog.text
    with app.extensions["kb.db"].reading() as db:
        assert db.scalar(select(Ticket.number)) and not db.scalars(select(AnalyticsEvent)).all()


def test_a_keystroke_written_late_never_replaces_the_text_typed_after_it(app):
    """Two workers may write one burst in either order: the latest text is kept."""
    start = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    flow = ev.new_flow_id()
    with app.extensions["kb.db"].writing() as db:
        for seconds, text in ((1.0, "invoice"), (0.5, "invoi"), (0.0, "inv")):
            ev.add_search(db, occurred_at=start + dt.timedelta(seconds=seconds), locale="en", query=text,
                          results=[], category=None, flow=flow)
        ev.add_search(db, occurred_at=start + dt.timedelta(seconds=4), locale="en", query="invoice pdf",
                      results=[], category=None, flow=flow)
    assert [e.query for e in events(app, flow=flow)] == ["invoice", "invoice pdf"]


def test_the_form_revealed_in_the_contact_page_counts_as_shown_once(app, clock):
    """With contact.js the form is revealed without a request: the ticket sent from it shows it was."""
    customer = app.test_client()
    page = customer.get("/en/contact")
    flow = soup(page).select_one(".combobox")["data-flow"]
    type_search(customer, clock, flow, "en", "invoice")
    clock.advance(5)
    assert submit(customer, page, subject="invoice", kind="billing", send_anyway="y").status_code == 303
    assert [e.kind for e in events(app, flow=flow)] == [ev.FLOW, ev.SEARCH, ev.FORM, ev.CHANNEL, ev.TICKET]
    # Without the script, the form's own page already said so: not counted twice.
    other = app.test_client()
    flow = start_flow(other, "en")
    assert submit(other, open_ticket_form(other, "en", subject="invoice"), kind="billing", send_anyway="y").status_code == 303
    assert [e.kind for e in events(app, flow=flow)] == [ev.FLOW, ev.FORM, ev.CHANNEL, ev.TICKET]


def test_home_searches_count_once_per_pause_and_start_no_contact_flow(app, client, clock):
    flow = soup(client.get("/en/")).select_one(".combobox")["data-flow"]
    assert flow != soup(app.test_client().get("/en/")).select_one(".combobox")["data-flow"]  # one per page shown
    type_search(client, clock, flow, "en", "inv", "invoi", "invoice")
    clock.advance(5)
    type_search(client, clock, flow, "en", "password")
    assert [(e.kind, e.query) for e in events(app, flow=flow)] == [(ev.SEARCH, "invoice"), (ev.SEARCH, "password")]
    assert events(app, kind=ev.FLOW) == []  # the deflection rate is the contact page's alone
    figures = report(app, clock)
    assert (figures.searches, figures.flows) == (2, 0)


def test_the_suggest_api_records_only_with_a_valid_flow(app, client, clock):
    client.get("/api/suggest?q=invoice&lang=en")
    client.get("/api/suggest?q=invoice&lang=en&flow=not-a-flow")
    assert events(app) == []


def test_prune_keeps_the_retention_period(app, runner, clock):
    with app.extensions["kb.db"].writing() as db:
        for age in (1, 10, 500):
            ev.add_event(db, ev.VIEW, occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=age), locale="en", article_id="invoices")
    env = {"KB_DATABASE_URL": app.config["DATABASE_URL"]}
    assert runner.invoke(main, ["analytics", "prune"], env=env).output == "1 analytics event(s) deleted\n"
    assert runner.invoke(main, ["analytics", "prune", "--days", "5"], env=env).output == "1 analytics event(s) deleted\n"
    assert len(events(app)) == 1


def test_popular_articles_are_the_most_read(app, client):
    """Read by the most visitors (a visitor reading again counts once), in any language."""
    for address, path in (("10.0.0.1", "/en/articles/webhooks"), ("10.0.0.2", "/de/articles/webhooks"),
                          ("10.0.0.3", "/fr/articles/invoices")):
        reader = app.test_client()
        reader.environ_base["REMOTE_ADDR"] = address
        reader.get(path)
    for _ in range(5):
        client.get("/en/articles/spf-dkim")
    popular = [a["href"] for a in soup(client.get("/en/")).select("#popular-heading + ol a")]
    assert popular == ["/en/articles/webhooks", "/en/articles/invoices", "/en/articles/spf-dkim"]


def test_events_are_queued_and_written_in_batches(app_config, caplog):
    """In service a request only queues its events; the worker's thread writes them together."""
    from web import create_app

    app_config["ANALYTICS_FLUSH_SECONDS"] = 3600  # the thread never gets there: the test flushes
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    recorder = app.extensions["kb.analytics"]
    try:
        client = app.test_client()
        flow = start_flow(client, "en")
        for text in ("inv", "invoi", "invoice"):
            client.get("/api/suggest", query_string={"q": text, "lang": "en", "flow": flow})
        client.get("/en/articles/invoices")
        assert events(app) == []  # nothing written while the customer was served

        bad = ev.event_row(ev.VIEW, occurred_at=clock_now(), locale=None, article_id="x")  # locale is required
        recorder.submit(bad)
        with caplog.at_level(logging.ERROR):
            assert recorder.flush() == 6
        assert "writing them one by one" in caplog.text and "could not record view" in caplog.text
        # One batch: the burst is still one search, and the bad event lost nothing else.
        assert [(e.kind, e.query) for e in events(app)] == [(ev.FLOW, None), (ev.SEARCH, "invoice"), (ev.VIEW, None)]
    finally:
        recorder.close()
        app.extensions["kb.db"].dispose()


def clock_now():
    return dt.datetime.now(dt.UTC)


def test_the_writer_thread_writes_without_being_asked(app_config):
    import time

    from web import create_app

    app_config["ANALYTICS_FLUSH_SECONDS"] = 0.05
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    try:
        app.test_client().get("/en/articles/invoices")
        deadline = time.monotonic() + 10
        while not events(app) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [e.article_id for e in events(app)] == ["invoices"]
    finally:
        app.extensions["kb.analytics"].close()
        app.extensions["kb.db"].dispose()


def test_the_demo_visits_choose_chat_and_phone_only_where_the_rules_offer_them(app):
    from web.demo import fill_demo_analytics

    assert fill_demo_analytics(app) > 0
    rules = app.extensions["kb.rules"]
    live = [e for e in events(app, kind=ev.CHANNEL) if e.channel != "ticket"]
    assert {e.channel for e in live} == {"chat", "phone"}
    assert all(e.locale in rules.channels[e.channel].languages and e.channel in rules.kinds[e.ticket_kind] for e in live)
    with app.extensions["kb.db"].reading() as db:
        figures = build_report(db, Filters.since(dt.timedelta(days=30))).as_json()
    assert (figures["chats"], figures["calls"]) == (sum(e.channel == "chat" for e in live), sum(e.channel == "phone" for e in live))
    assert figures["tickets"] + figures["chats"] + figures["calls"] == sum(row["requests"] for row in figures["requests_by_kind_channel"])
