"""The contact flow: a subject, the articles that may answer it, then the ticket form.

With JavaScript it is one page: suggestions appear under the subject as the
customer types (``static/combobox.js``), "None of these answers my question"
sits right below them and reveals the ticket form in place, subject kept
(``static/contact.js``). Without it, each step is a server-rendered page:

1. ``/<locale>/contact``: the subject form.
2. ``/<locale>/contact/suggestions``: articles matching the subject, and
   "I still need help". An article opened from here asks "Did this solve
   your problem?": yes is a deflection, no comes back here.
3. ``/<locale>/contact/ticket``: the ticket form, reached only through
   "I still need help" (it needs the subject).
4. ``/<locale>/contact/tickets/<token>``: the confirmation, reachable only
   through the unguessable link given after sending.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kb.analytics import events as ev
from kb.attachments import AttachmentRejected, StoredFile
from kb.feedback import record_answer
from kb.mail import is_one_line
from kb.models import OutboxMessage, utcnow
from kb.tickets import TicketRequest, create_ticket, latest_ticket_since, ticket_by_link

from . import analytics, pages, search_index
from .channels import (
    channel_view, current_customer, decision_for, kind_choices, no_store, now, promise, remember_ticket, rules,
)
from .extensions import accepted, attachment_store, configured_limit, database, limiter, rerenders
from .forms import SUBJECT_MAX, SUBJECT_MIN, SolvedForm, TicketForm
from .notifications import enqueue_ticket_messages

bp = Blueprint("contact", __name__)
bp.url_value_preprocessor(pages.pull_locale)
bp.url_defaults(pages.add_locale)

SUGGESTIONS = 5
OPENED_KEPT = 10

ATTACHMENT_MESSAGES = {
    "empty": _l("%(name)s is empty."),
    "too-large": _l("%(name)s is larger than %(size)s MB."),
    "type": _l("%(name)s is not a screenshot, PDF, short video (MP4, WebM) or text file."),
}


def subject_problem(subject: str) -> str | None:
    """Why a subject cannot be used, or None."""
    if len(subject) < SUBJECT_MIN:
        return _("Please type at least %(num)d characters.", num=SUBJECT_MIN)
    if len(subject) > SUBJECT_MAX:
        return _("Please keep the subject under %(num)d characters.", num=SUBJECT_MAX)
    if not is_one_line(subject):
        return _("Please write the subject on one line, without special characters.")
    return None


def suggestions_for(subject: str) -> list:
    return search_index().search(subject, g.locale, SUGGESTIONS)


@bp.get("/<locale>/contact")
def start():
    """The subject, its suggestions and, hidden until "None of these answers my question", the form."""
    subject = request.args.get("subject", "").strip()[:SUBJECT_MAX]
    form = TicketForm(formdata=None, data=signed_in_details(subject))
    flow = analytics.ensure_flow()
    return render_template(
        "contact/subject.html", subject=subject, error=None, flow=flow, **ticket_form_context(form, kept=[])
    )


@bp.get("/<locale>/contact/suggestions")
def suggestions():
    subject = request.args.get("subject", "").strip()
    problem = subject_problem(subject)
    flow = analytics.ensure_flow()
    if problem:
        return render_template("contact/subject.html", subject=subject, error=problem, flow=flow), 422
    hits = suggestions_for(subject)
    analytics.record_search(subject, hits, locale=g.locale, flow=flow)
    return render_template("contact/suggestions.html", subject=subject, hits=hits)


@bp.get("/<locale>/contact/articles/<article_id>")
def article(article_id: str):
    doc, shown_locale, versions = pages.find_article(article_id)
    subject = request.args.get("subject", "").strip()[:SUBJECT_MAX]
    opened = [a for a in session.get("contact_opened", []) if a != article_id]
    session["contact_opened"] = [article_id, *opened][:OPENED_KEPT]
    analytics.record(ev.OPEN, flow=analytics.ensure_flow(), article_id=doc["id"], category=doc.get("category") or None)
    form = SolvedForm(formdata=None, data={"subject": subject})
    return render_template("contact/article.html", doc=doc, shown_locale=shown_locale, versions=versions, subject=subject, form=form)


@bp.post("/<locale>/contact/articles/<article_id>/solved")
@limiter.limit(configured_limit("FEEDBACK_RATE_LIMIT"))
def solved(article_id: str):
    doc, _shown, _versions = pages.find_article(article_id)
    form = SolvedForm()
    subject = (form.subject.data or "")[:SUBJECT_MAX]
    if not form.validate():
        return redirect(url_for(".article", article_id=article_id, subject=subject))
    positive = form.answer.data == "yes"
    record_answer(
        database(), visitor=pages.visitor_id(), article_id=doc["id"], locale=g.locale, question="solved", positive=positive, subject=subject or None
    )
    analytics.record(
        ev.ANSWER, flow=analytics.current_flow(), article_id=doc["id"], category=doc.get("category") or None, positive=positive
    )
    if positive:
        session.pop("contact_opened", None)
        analytics.end_flow()
        return render_template("contact/solved.html", doc=doc)
    if subject_problem(subject):
        return redirect(url_for(".start"))
    return redirect(url_for(".suggestions", subject=subject))


@rerenders("contact.solved")
def solved_refused(reason: str):
    """Back to the article, subject kept, to answer again with a fresh token."""
    flash(_("Your answer could not be checked. Please answer again."))
    subject = request.form.get("subject", "")[:SUBJECT_MAX]
    return redirect(url_for(".article", article_id=request.view_args["article_id"], subject=subject), code=303)


@bp.route("/<locale>/contact/ticket", methods=["GET", "POST"])
# Only accepted tickets count: a customer correcting a refused form is never locked out.
@limiter.limit(configured_limit("TICKET_RATE_LIMIT"), methods=["POST"], deduct_when=accepted)
def ticket():
    # Only a POST submits. HEAD (which Werkzeug routes wherever GET goes) is
    # answered as GET: it once ran the submission past CSRF and the rate limit.
    if request.method != "POST":
        subject = request.args.get("subject", "").strip()
        if subject_problem(subject):
            # The form comes only after the suggestions: start there.
            return redirect(url_for(".start", subject=subject))
        analytics.record(ev.FORM, flow=analytics.ensure_flow())
        form = TicketForm(formdata=None, data=signed_in_details(subject))
        return render_ticket_form(form, kept=[])
    return submit_ticket()


def submit_ticket():
    config = current_app.config
    form = TicketForm()
    form.set_kind_choices(kind_choices())
    kept = load_kept(form.kept_attachments.data)
    if request.form.get("refresh"):
        # Without JavaScript: the channel choices again, for the kind now chosen.
        received, upload_problems = receive_uploads(room=config["ATTACHMENT_MAX_COUNT"] - len(kept))
        return render_ticket_form(form, kept + received, errors=upload_problems)
    if form.website.data:
        return render_ticket_form(form, kept, notice=_("We could not accept this form. Please try again."), status=400)
    key, shown_at = read_form_token(form.started.data)
    if key is not None and (first := ticket_by_link(database(), ticket_link_token(key))) is not None:
        # This form was sent before (a double click, a replay): its ticket, not a new one.
        return redirect_to_confirmation(first.locale, ticket_link_token(key))
    too_fast = key is None or (utcnow() - shown_at).total_seconds() < config["MIN_FILL_SECONDS"]
    received, upload_problems = receive_uploads(room=config["ATTACHMENT_MAX_COUNT"] - len(kept))
    kept += received
    valid = form.validate()
    if not valid or upload_problems or too_fast:
        notice = _("Please take a moment to check your request, then send it again.") if too_fast else None
        return render_ticket_form(form, kept, errors=upload_problems, notice=notice, status=422)
    if not form.send_anyway.data and recent_ticket_by_address(form.email.data):
        return render_ticket_form(form, kept, recent_by_address=True)
    if form.kind.data != "campaign":
        form.message_id.data = form.list_id.data = None
    customer = current_customer()
    ticket_request = TicketRequest(
        locale=g.locale,
        channel="ticket",
        priority=rules().priority_of(customer.plan if customer.signed_in else None),
        plan=customer.plan,
        created_at=now(),
        kind=form.kind.data,
        email=form.email.data,
        name=form.name.data,
        subject=form.subject.data,
        description=form.description.data,
        message_id=form.message_id.data,
        list_id=form.list_id.data,
        suggested=suggested_articles(form.subject.data),
        attachments=kept,
    )
    flow = analytics.current_flow()

    def notify(db, ticket, token):
        enqueue_ticket_messages(db, ticket, token)
        analytics.ticket_events(db, ticket, ticket_request.suggested, flow)

    link_token = ticket_link_token(key)
    try:
        number = create_ticket(database(), ticket_request, notify, link_token=link_token).number
    except IntegrityError:
        # The same form, sent at the same moment, was stored first.
        first = ticket_by_link(database(), link_token)
        if first is None:
            raise
        number = first.number
    session.pop("contact_opened", None)
    remember_ticket(number, link_token)
    analytics.end_flow()
    return redirect_to_confirmation(g.locale, link_token)


def redirect_to_confirmation(locale: str, link_token: str):
    return redirect(url_for(".confirmation", locale=locale, token=link_token), code=303)


@rerenders("contact.ticket")
def ticket_refused(reason: str):
    """The form as sent, shown again when CSRF or the rate limit refused it."""
    form = TicketForm(formdata=request.form)
    form.set_kind_choices(kind_choices())
    kept = load_kept(form.kept_attachments.data)
    if reason == "rate":
        notice = _("You have sent several requests in a short time. Please wait a few minutes, then send this one: everything you typed is kept.")
        status = 429
    else:
        notice = _("Your form could not be checked, so it was not sent. Everything you typed is kept: please check it and send it again.")
        status = 400
    if any(f.filename for f in request.files.getlist("attachments")):
        notice += " " + _("Please attach your files again.")
    return render_ticket_form(form, kept, notice=notice, status=status)


@bp.get("/<locale>/contact/tickets/<token>")
def confirmation(token: str):
    found = ticket_by_link(database(), token) if len(token) <= 100 else None
    if found is None:
        abort(404)
    response = no_store(
        render_template("contact/confirmation.html", ticket=found, email_status=confirmation_status(found), **promise(found, html=True))
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def confirmation_status(ticket) -> str:
    """Where the customer's confirmation email is: "sent", "pending" or "dead"."""
    with database().reading() as db:
        status = db.scalar(
            select(OutboxMessage.status)
            .where(OutboxMessage.ticket_id == ticket.id, OutboxMessage.kind == "email", OutboxMessage.recipient == ticket.email)
            .order_by(OutboxMessage.id)
            .limit(1)
        )
    return status or "pending"


def recent_ticket_by_address(email: str) -> bool:
    """Whether ``email`` sent a request within the rules' notice time.

    Only yes or no: whoever typed the address may not own it, so the
    ticket's number is never shown for a typed address.
    """
    since = now() - dt.timedelta(hours=rules().recent_ticket_hours)
    return latest_ticket_since(database(), email, since) is not None


def signed_in_details(subject: str) -> dict:
    """A new form's first values: the subject, and the signed-in customer's address and name."""
    customer = current_customer()
    return {"subject": subject, "email": customer.email or "", "name": customer.name or ""}


def render_ticket_form(form: TicketForm, kept: list[StoredFile], *, errors=(), notice=None, status=200, recent_by_address=False):
    context = ticket_form_context(form, kept, errors=errors, notice=notice, recent_by_address=recent_by_address)
    return render_template("contact/ticket.html", **context), status


def ticket_form_context(form: TicketForm, kept: list[StoredFile], *, errors=(), notice=None, recent_by_address=False) -> dict:
    """What contact/_ticket_form.html needs, on its own page or on the contact page."""
    config = current_app.config
    form.set_kind_choices(kind_choices())
    key, _shown_at = read_form_token(form.started.data)
    # A form shown again keeps its key (sending the corrected form twice still
    # makes one ticket) and gets a new time (a too-fast robot waits again).
    form.started.data = form_serializer().dumps(key or secrets.token_urlsafe(24))
    form.kept_attachments.data = _signer("kept").dumps([f.as_dict() for f in kept])
    form.website.data = ""
    form.send_anyway.data = False
    return {
        "form": form,
        "kept": kept,
        "errors": list(errors),
        "notice": notice,
        "recent_by_address": recent_by_address,
        "recent_hours": rules().recent_ticket_hours,
        **channel_view(decision_for(form.kind.data)),
        "max_count": config["ATTACHMENT_MAX_COUNT"],
        "max_megabytes": _megabytes(config["ATTACHMENT_MAX_BYTES"]),
    }


def receive_uploads(room: int) -> tuple[list[StoredFile], list[str]]:
    """Check and store the files of this request; what was kept and what was refused."""
    config = current_app.config
    uploads = [f for f in request.files.getlist("attachments") if f.filename]
    stored, errors = [], []
    if len(uploads) > room:
        errors.append(
            ngettext("You can attach at most %(num)d file.", "You can attach at most %(num)d files.", config["ATTACHMENT_MAX_COUNT"])
        )
        uploads = uploads[: max(room, 0)]
    store = attachment_store()
    for upload in uploads:
        data = upload.stream.read(config["ATTACHMENT_MAX_BYTES"] + 1)
        try:
            stored.append(store.save(upload.filename, data, max_bytes=config["ATTACHMENT_MAX_BYTES"]))
        except AttachmentRejected as exc:
            errors.append(str(ATTACHMENT_MESSAGES[exc.reason] % {"name": upload.filename[-100:], "size": _megabytes(config["ATTACHMENT_MAX_BYTES"])}))
    return stored, errors


def load_kept(token: str | None) -> list[StoredFile]:
    if not token:
        return []
    try:
        items = _signer("kept").loads(token)
        kept = [StoredFile(**item) for item in items]
    except (BadSignature, TypeError, ValueError):
        return []
    store = attachment_store()
    return [f for f in kept if store.path(f.stored_name).is_file()]


def form_serializer() -> URLSafeTimedSerializer:
    """Signs a ticket form's idempotency key together with the time the form was shown (itsdangerous)."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="kb.contact.form")


def read_form_token(token: str | None):
    """The form's key and the time it was shown, or (None, None) for a missing or forged token."""
    try:
        key, shown_at = form_serializer().loads(token or "", return_timestamp=True)
    except BadSignature:
        return None, None
    if not isinstance(key, str) or not key:
        return None, None
    return key, shown_at


def ticket_link_token(key: str) -> str:
    """The confirmation link of the ticket made from the form with ``key``.

    Derived from the key with the secret key (HMAC), so sending the same form
    again finds the first ticket through the unique link, the only thing the
    database keeps of it (as a hash), and the database's uniqueness makes two
    simultaneous sends one ticket.
    """
    digest = hmac.new(current_app.secret_key.encode(), b"kb.ticket-link:" + key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def suggested_articles(subject: str) -> list[dict]:
    """What the flow offered before the ticket: the subject's suggestions and the articles opened."""
    opened = session.get("contact_opened", [])
    index = search_index()
    # The same search as the suggestions, without their snippets.
    hits = index.search(subject, g.locale, SUGGESTIONS, snippets=False)
    articles = [{"id": h.id, "locale": h.locale, "title": h.title, "opened": h.id in opened} for h in hits]
    listed = {a["id"] for a in articles}
    for article_id in opened:
        versions = (index.document(loc, article_id) for loc in pages.page_fallback_locales(g.locale))
        doc = next((d for d in versions if d is not None), None)
        if doc is not None and article_id not in listed:
            articles.append({"id": article_id, "locale": doc.get("locale", g.locale), "title": doc["title"], "opened": True})
    return articles


def _signer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=f"kb.contact.{purpose}")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"
