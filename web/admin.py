"""The staff area: sign in, find tickets and work on them, read the reports.

Its pages have a layout of their own (``admin/base.html``): no customer
header or language switcher, sign-out on every page, in the staff member's
language (remembered choice or ``Accept-Language``). The reports live in
``admin_reports.py``.
"""

from __future__ import annotations

import datetime as dt
import functools

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from kb.analytics import events as ev
from kb.mail import MailFolder, mail_folder_path
from kb.kinds import KIND_LABELS
from kb.models import AnalyticsEvent, Attachment, OutboxMessage, StaffUser, Ticket
from kb.rules import PRIORITIES
from kb.staff import revoke_sessions

from .extensions import attachment_store, configured_limit, database, limiter, rerenders
from .channels import kind_labels, priority_label
from .forms import LoginForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

TICKETS_PER_PAGE = 25
# Orders of the ticket list: newest first, or highest priority first (newest first within one).
PRIORITY_RANK = case({code: rank for rank, code in enumerate(PRIORITIES)}, value=Ticket.priority, else_=len(PRIORITIES))
SORTS = {
    "newest": (Ticket.created_at.desc(), Ticket.id.desc()),
    "priority": (PRIORITY_RANK, Ticket.created_at.desc(), Ticket.id.desc()),
}
STATUSES = {"new": _l("New"), "forwarded": _l("Forwarded"), "solved": _l("Solved")}
PERIODS = {"1d": _l("Last 24 hours"), "7d": _l("Last 7 days"), "30d": _l("Last 30 days"), "90d": _l("Last 90 days"), "365d": _l("Last 12 months")}
SEARCH_MAX = 100
# Compared against when the email is unknown, so both cases take as long.
_UNKNOWN_USER_HASH = generate_password_hash("not a real password")


def staff_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        staff_id = session.get("staff_id")
        user = None
        if staff_id is not None:
            with database().reading() as db:
                user = db.get(StaffUser, staff_id)
        # A session signed before its account's last sign-out (or before it
        # was disabled) carries an older version: it no longer opens anything.
        if user is None or not user.active or session.get("staff_version") != user.session_version:
            session.pop("staff_id", None)
            session.pop("staff_version", None)
            return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
        g.staff = user
        return view(*args, **kwargs)

    return wrapper


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        with database().reading() as db:
            user = db.scalar(select(StaffUser).where(StaffUser.email == form.email.data.lower()))
        if user is not None and user.active and check_password_hash(user.password_hash, form.password.data):
            session.clear()  # a fresh session: nothing from before signing in carries over
            session["staff_id"] = user.id
            session["staff_version"] = user.session_version
            return redirect(_safe_next(request.args.get("next")), code=303)
        if user is None:
            check_password_hash(_UNKNOWN_USER_HASH, form.password.data)
        error = _("Wrong email address or password.")
    status = 401 if error else (422 if form.errors else 200)
    return render_template("admin/login.html", form=form, error=error), status


@rerenders("admin.login")
def login_refused(reason: str):
    """The sign-in form again, email kept, when CSRF or the rate limit refused it."""
    form = LoginForm(formdata=request.form)
    if reason == "rate":
        error, status = _("Too many attempts. Please wait a few minutes before signing in again."), 429
    else:
        error, status = _("The form expired. Please sign in again."), 400
    return render_template("admin/login.html", form=form, error=error), status


@bp.post("/logout")
@staff_required
def logout():
    with database().writing() as db:
        revoke_sessions(db.get(StaffUser, g.staff.id))
    session.clear()
    return redirect(url_for("admin.login"), code=303)


def period_start(code: str | None) -> dt.datetime | None:
    """The start of a period chosen in a filter (``30d``...), or None for all time."""
    if code not in PERIODS:
        return None
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=int(code.removesuffix("d")))


def ticket_filters() -> dict:
    """The list's filters from the query string; unknown values are ignored."""
    args = request.args
    locales = current_app.config["LOCALES"]
    return {
        "status": args.get("status") if args.get("status") in STATUSES else "",
        "locale": args.get("locale") if args.get("locale") in locales else "",
        "kind": args.get("kind") if args.get("kind") in KIND_LABELS else "",
        "channel": args.get("channel", "")[:16],
        "priority": args.get("priority") if args.get("priority") in PRIORITIES else "",
        "period": args.get("period") if args.get("period") in PERIODS else "",
        "q": args.get("q", "").strip()[:SEARCH_MAX],
    }


def filtered(query, filters: dict):
    for name in ("status", "locale", "kind", "channel", "priority"):
        if filters[name]:
            query = query.where(getattr(Ticket, name) == filters[name])
    start = period_start(filters["period"])
    if start is not None:
        query = query.where(Ticket.created_at >= start)
    if filters["q"]:
        # The number, the subject, the customer's name or address, the description.
        pattern = "%" + filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(*(
            func.lower(column).like(pattern, escape="\\")
            for column in (Ticket.number, Ticket.subject, Ticket.name, Ticket.email, Ticket.description)
        )))
    return query


@bp.get("/")
@staff_required
def tickets():
    requested = request.args.get("page", "1")
    # Plain digits of a sane length only: a huge number overflowed the database's integers.
    page = int(requested) if requested.isascii() and requested.isdigit() and len(requested) <= 9 else 1
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "newest"
    filters = ticket_filters()
    with database().reading() as db:
        total = db.scalar(filtered(select(func.count()).select_from(Ticket), filters))
        pages = max(1, -(-total // TICKETS_PER_PAGE))
        page = min(max(page, 1), pages)
        rows = db.scalars(
            filtered(select(Ticket), filters).order_by(*SORTS[sort]).offset((page - 1) * TICKETS_PER_PAGE).limit(TICKETS_PER_PAGE)
        ).all()
        channels = db.scalars(select(Ticket.channel).distinct().order_by(Ticket.channel)).all()
    kept = {name: value for name, value in filters.items() if value}
    return render_template(
        "admin/tickets.html", tickets=rows, page=page, pages=pages, total=total, sort=sort, kind_labels=kind_labels(),
        filters=filters, kept=kept, statuses=STATUSES, periods=PERIODS,
        channels=[(c, c) for c in channels], priorities=[(p, priority_label(p)) for p in PRIORITIES],
        locale_options=locale_options(),
    )


@bp.get("/tickets/<number>")
@staff_required
def ticket(number: str):
    with database().reading() as db:
        found = db.scalar(select(Ticket).options(selectinload(Ticket.attachments)).where(Ticket.number == number))
        if found is None:
            abort(404)
        messages = db.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == found.id).order_by(OutboxMessage.id)).all()
        path = customer_path(db, found.id)
    return render_template(
        "admin/ticket.html", ticket=found, messages=messages, kind_labels=kind_labels(), statuses=STATUSES, path=path,
        titles=article_titles({e.article_id for e in path if e.article_id}),
    )


def locale_options() -> list[tuple[str, str]]:
    """Each served locale with its name in the staff member's language."""
    from .pages import language_in_page_language

    return [(code, language_in_page_language(code)) for code in current_app.config["LOCALES"]]


def customer_path(db, ticket_id: int) -> list[AnalyticsEvent]:
    """What the customer did in the contact flow that ended with this ticket, in order.

    Empty when the flow is unknown or its events are older than the retention period.
    """
    flow = db.scalar(select(AnalyticsEvent.flow).where(AnalyticsEvent.kind == ev.TICKET, AnalyticsEvent.ticket_id == ticket_id))
    if flow is None:
        return []
    return db.scalars(
        select(AnalyticsEvent).where(AnalyticsEvent.flow == flow).order_by(AnalyticsEvent.occurred_at, AnalyticsEvent.id)
    ).all()


def article_titles(article_ids) -> dict[str, str]:
    """Titles of articles in the staff member's language, else the default locale's."""
    from flask_babel import get_locale

    from . import search_index

    index = search_index()
    locale, default = str(get_locale()), current_app.config["DEFAULT_LOCALE"]
    titles = {}
    for article_id in article_ids:
        doc = index.document(locale, article_id) or index.document(default, article_id)
        titles[article_id] = doc["title"] if doc else article_id
    return titles


@bp.post("/tickets/<number>/status")
@staff_required
def ticket_status(number: str):
    status = request.form.get("status")
    if status not in STATUSES:
        abort(400)
    with database().writing() as db:
        found = db.scalar(select(Ticket).where(Ticket.number == number))
        if found is None:
            abort(404)
        found.status = status
    flash(_("Status changed to %(status)s.", status=STATUSES[status]))
    return redirect(url_for(".ticket", number=number), code=303)


@bp.get("/attachments/<int:attachment_id>")
@staff_required
def attachment(attachment_id: int):
    with database().reading() as db:
        found = db.get(Attachment, attachment_id)
    if found is None:
        abort(404)
    # Always a download, never shown inline: the file came from a stranger.
    return send_file(
        attachment_store().path(found.stored_name), mimetype=found.content_type, as_attachment=True, download_name=found.filename
    )


@bp.get("/mail")
@staff_required
def mail():
    """The emails caught in the instance's mail folder (no KB_SMTP_URL set)."""
    folder = MailFolder(mail_folder_path(current_app.config))
    return render_template("admin/mail.html", messages=folder.messages(), smtp=bool(current_app.config.get("SMTP_URL")))


@bp.get("/mail/<name>")
@staff_required
def mail_message(name: str):
    found = MailFolder(mail_folder_path(current_app.config)).message(name)
    if found is None:
        abort(404)
    return render_template("admin/mail_message.html", message=found)


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an address elsewhere."""
    if target and target.startswith("/admin/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("admin.tickets")
