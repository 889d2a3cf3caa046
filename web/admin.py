"""The staff area: sign in, list tickets, read one, download its attachments."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from kb.mail import MailFolder, mail_folder_path
from kb.models import Attachment, OutboxMessage, StaffUser, Ticket
from kb.rules import PRIORITIES

from .extensions import attachment_store, configured_limit, database, limiter, rerenders
from .forms import LoginForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

TICKETS_PER_PAGE = 25
# Orders of the ticket list: newest first, or highest priority first (newest first within one).
PRIORITY_RANK = case({code: rank for rank, code in enumerate(PRIORITIES)}, value=Ticket.priority, else_=len(PRIORITIES))
SORTS = {
    "newest": (Ticket.created_at.desc(), Ticket.id.desc()),
    "priority": (PRIORITY_RANK, Ticket.created_at.desc(), Ticket.id.desc()),
}
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


@bp.get("/")
@staff_required
def tickets():
    requested = request.args.get("page", "1")
    # Plain digits of a sane length only: a huge number overflowed the database's integers.
    page = int(requested) if requested.isascii() and requested.isdigit() and len(requested) <= 9 else 1
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "newest"
    with database().reading() as db:
        total = db.scalar(select(func.count()).select_from(Ticket))
        pages = max(1, -(-total // TICKETS_PER_PAGE))
        page = min(max(page, 1), pages)
        rows = db.scalars(
            select(Ticket).order_by(*SORTS[sort]).offset((page - 1) * TICKETS_PER_PAGE).limit(TICKETS_PER_PAGE)
        ).all()
    return render_template("admin/tickets.html", tickets=rows, page=page, pages=pages, total=total, sort=sort)


@bp.get("/tickets/<number>")
@staff_required
def ticket(number: str):
    with database().reading() as db:
        found = db.scalar(select(Ticket).options(selectinload(Ticket.attachments)).where(Ticket.number == number))
        if found is None:
            abort(404)
        messages = db.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == found.id).order_by(OutboxMessage.id)).all()
    return render_template("admin/ticket.html", ticket=found, messages=messages)


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


def revoke_sessions(user: StaffUser) -> None:
    """End every session of ``user`` on the server (sign-out, new password, disabled account)."""
    user.session_version = (user.session_version or 0) + 1
