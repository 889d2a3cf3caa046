"""The forms of the help center, with their validation messages."""

from __future__ import annotations


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, MultipleFileField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from kb.mail import is_one_line, is_plain_address

SUBJECT_MIN, SUBJECT_MAX = 3, 200
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 10_000

KIND_LABELS = {
    "account": _l("My account or signing in"),
    "billing": _l("Billing and plans"),
    "campaign": _l("A campaign I sent or am preparing"),
    "deliverability": _l("Emails not delivered or marked as spam"),
    "contacts": _l("Contacts, lists and imports"),
    "api": _l("The API or an integration"),
    "other": _l("Something else"),
}


def single_line(form, field):
    """Header-bound text: what the email library accepts as one header line (``kb.mail.is_one_line``)."""
    if field.data and not is_one_line(field.data):
        raise ValidationError(_l("Please write this on one line, without special characters."))


def plain_email(form, field):
    if field.data and not is_plain_address(field.data.strip()):
        raise ValidationError(_l("Please enter one email address, such as ana@example.com."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


class FeedbackForm(FlaskForm):
    answer = RadioField(choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], validators=[DataRequired()])


# What a visitor who answered "No" found missing; stored as ArticleFeedback.question "missing:<code>".
MISSING_REASONS = {
    "answer": _l("It does not answer my question"),
    "steps": _l("The steps did not work for me"),
    "unclear": _l("It is hard to understand"),
    "outdated": _l("It is out of date"),
}


class MissingForm(FlaskForm):
    reason = RadioField(
        _l("What was missing?"),
        choices=[SelectChoice(code, label) for code, label in MISSING_REASONS.items()],
        validators=[DataRequired(_l("Please choose what was missing."))],
    )
    comment = TextAreaField(
        _l("Anything else? (optional)"), filters=[strip],
        validators=[Optional(), Length(max=200, message=_l("Please keep this under 200 characters."))],
    )


class SolvedForm(FeedbackForm):
    subject = HiddenField(filters=[strip])


class TicketForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your email address.")), Length(max=254, message=_l("This email address is too long.")), plain_email],
    )
    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your name.")), Length(max=100, message=_l("Please keep your name under 100 characters.")), single_line],
    )
    subject = StringField(
        _l("Subject"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please say in a few words what this is about.")),
            Length(SUBJECT_MIN, SUBJECT_MAX, message=_l("The subject must be between %(min)d and %(max)d characters.")),
            single_line,
        ],
    )
    description = TextAreaField(
        _l("Describe the problem"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please describe what happened.")),
            Length(DESCRIPTION_MIN, DESCRIPTION_MAX, message=_l("The description must be between 10 and 10,000 characters.")),
        ],
    )
    kind = SelectField(
        _l("What is it about?"),
        choices=[SelectChoice("", _l("Choose…")), *(SelectChoice(code, label) for code, label in KIND_LABELS.items())],
        validate_choice=True,
        validators=[DataRequired(_l("Please choose what your request is about."))],
    )
    message_id = StringField(
        _l("Message ID (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=100, message=_l("Please keep this under 100 characters.")),
            Regexp(r"^[A-Za-z0-9._@<>:+=-]+$", message=_l("A message ID has only letters, digits and . _ @ < > : + = -")),
        ],
    )
    list_id = StringField(
        _l("List ID (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=100, message=_l("Please keep this under 100 characters.")),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("A list ID has only letters, digits and . _ -")),
        ],
    )
    channel = RadioField(_l("How would you like to be answered?"), validators=[DataRequired(_l("Please choose how to be answered."))])
    attachments = MultipleFileField(_l("Attachments (optional)"))
    # Signed list of files already received, so a form shown again keeps them.
    kept_attachments = HiddenField()
    # The form's idempotency key and the time it was shown, signed
    # (itsdangerous): the key makes a form sent twice one ticket; sent too
    # soon after it was shown means a robot.
    started = HiddenField()
    # Honeypot: hidden from people, filled in by robots.
    website = StringField(_l("Leave this field empty"))

    def validate_kind(self, field):
        if field.data not in KIND_LABELS:
            raise ValidationError(_l("Please choose what your request is about."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[strip], validators=[DataRequired(_l("Please enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password.")), Length(max=1000)])


