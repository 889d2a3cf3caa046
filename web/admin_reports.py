"""The reports of the staff area: deflection, funnel, searches, articles, tickets.

Figures come from :func:`kb.analytics.reports.build_report`, the same function
``kb report`` uses; each table can be downloaded as CSV with the same filters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Response, abort, current_app, render_template, request
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l

from kb.analytics import reports
from kb.channels import channel_label
from kb.rules import CHANNELS

from .admin import PERIODS, article_titles, bp, staff_required
from .charts import bar_chart, column_chart
from .extensions import database
from .channels import kind_labels
from .pages import categories

DEFAULT_PERIOD = "30d"
FUNNEL_LABELS = {
    "started": _l("Contact page opened"),
    "searched": _l("Searched"),
    "saw_suggestions": _l("Saw suggestions"),
    "opened_article": _l("Opened an article"),
    "not_solved": _l("Answered: not solved"),
    "solved": _l("Answered: solved"),
    "form_shown": _l("Asked for the form"),
    "channel_chosen": _l("Chose a channel"),
    "ticket": _l("Sent a ticket"),
}
DAILY_SERIES = ("flows", "tickets")


def report_filters() -> tuple[reports.Filters, dict]:
    """The report's filters from the query string (unknown values fall back to the defaults)."""
    args = request.args
    period = args.get("period") if args.get("period") in PERIODS else DEFAULT_PERIOD
    locale = args.get("locale") if args.get("locale") in current_app.config["LOCALES"] else ""
    category = args.get("category") if args.get("category") in categories().ids else ""
    chosen = {"period": period, "locale": locale, "category": category}
    days = dt.timedelta(days=int(period.removesuffix("d")))
    return reports.Filters.since(days, locale=locale, category=category), chosen


def spreadsheet_safe(value):
    """Text a customer typed never runs as a spreadsheet formula.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("invoice"), spreadsheet_safe(3)
    ("'=HYPERLINK(1)", 'invoice', 3)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/reports")
@staff_required
def report():
    filters, chosen = report_filters()
    with database().reading() as db:
        result = reports.build_report(db, filters)
    ids = {row["article_id"] for name in ("deflecting_articles", "suggested_before_tickets", "helpfulness") for row in getattr(result, name)}
    funnel = [(str(FUNNEL_LABELS[step]), count) for step, count in result.funnel]
    zero_by_locale: dict[str, list[dict]] = {}
    for row in result.zero_result_queries:
        zero_by_locale.setdefault(row["locale"], []).append(row)
    return render_template(
        "admin/report.html", report=result, chosen=chosen, periods=PERIODS, categories=categories().ids,
        funnel=funnel, funnel_chart=bar_chart(funnel), daily_chart=column_chart(result.daily, DAILY_SERIES),
        zero_by_locale=sorted(zero_by_locale.items()), titles=article_titles(ids), kind_labels=kind_labels(),
        channel_labels={code: channel_label(code, get_translations()) for code in CHANNELS}, csv_args={k: v for k, v in chosen.items() if v},
    )


@bp.get("/reports/<table>.csv")
@staff_required
def report_csv(table: str):
    if table not in reports.TABLES:
        abort(404)
    filters, chosen = report_filters()
    with database().reading() as db:
        rows = reports.build_report(db, filters).tables()[table]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reports.TABLES[table])
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    name = "-".join(["plumora", table, chosen["period"], *(v for v in (chosen["locale"], chosen["category"]) if v)])
    return Response(
        out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
