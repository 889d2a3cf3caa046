"""Building and sending email: header safety and the SMTP connection."""

from __future__ import annotations

import datetime as dt
import functools
import os
import secrets
import smtplib
import ssl
import unicodedata
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT_SECONDS = 15


class HeaderInjection(ValueError):
    """A header value holds a line break, which could add headers."""


def is_one_line(value: str) -> bool:
    """True when ``value`` can be one header line: the email library's own rule, and no control characters.

    Python's email package refuses a header value that ``str.splitlines``
    splits, which besides CR and LF means VT, FF, FS/GS/RS, NEL (U+0085) and
    the Unicode line and paragraph separators (U+2028, U+2029). Other control
    characters (NUL, BEL, DEL, C1) have no place in a name or subject either.

    >>> is_one_line("Facture impayée – urgent 🙂")
    True
    >>> [is_one_line(f"a{c}b") for c in ("\\n", "\\u2028", "\\u2029", "\\x85", "\\x0b", "\\x00", "\\x7f")]
    [False, False, False, False, False, False, False]
    """
    return len(value.splitlines()) <= 1 and not any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in value)


# Control characters, line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Zl", "Zp"}


def header_value(value: str) -> str:
    """``value`` if it is safe as one header line (``is_one_line``).

    >>> header_value("Reset my password")
    'Reset my password'
    >>> header_value("hi\\r\\nBcc: victim@example.com")
    Traceback (most recent call last):
    ...
    kb.mail.HeaderInjection: line break in header value: 'hi\\r\\nBcc: victim@example.com'
    """
    if not is_one_line(value):
        raise HeaderInjection(f"line break in header value: {value!r}")
    return value


def build_message(
    *, sender: str, to: str, subject: str, body: str, reply_to: str | None = None, language: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = header_value(sender)
    message["To"] = header_value(to)
    if reply_to:
        message["Reply-To"] = header_value(reply_to)
    message["Subject"] = header_value(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message.set_content(body)
    if language:  # after set_content, which drops Content-* headers
        message["Content-Language"] = header_value(language)
    return message


def envelope_address(header: str) -> str:
    """The bare address of a ``Name <address>`` header value.

    >>> envelope_address("Plumora Support <support@plumora.example>")
    'support@plumora.example'
    """
    return parseaddr(header_value(header))[1]


def _domain(sender: str) -> str:
    address = envelope_address(sender)
    return address.rpartition("@")[2] or "localhost"


def is_plain_address(value: str) -> bool:
    """True for one mailbox address without display name or line breaks.

    >>> is_plain_address("ana@example.com"), is_plain_address("a@b.c, evil@x.y"), is_plain_address("nobody")
    (True, False, False)
    """
    if any(c in value for c in "\r\n\0,;<>\"() "):
        return False
    try:
        address = Address(addr_spec=value)
    except (ValueError, IndexError):
        return False
    return bool(address.username and "." in address.domain)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Made once: loading the system's certificates takes about 0.1 s.
    return ssl.create_default_context()


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "plain", "starttls" or "tls"
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse ``KB_SMTP_URL``.

        >>> SmtpServer.from_url("smtp+starttls://bot:s%40crit@mail.example:587")
        SmtpServer(host='mail.example', port=587, security='starttls', username='bot', password='s@crit')
        >>> SmtpServer.from_url("smtps://mail.example").port
        465
        """
        parts = urlsplit(url)
        schemes = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
        if parts.scheme not in schemes or not parts.hostname:
            raise ValueError(f"KB_SMTP_URL must look like smtp://host:port, smtp+starttls://... or smtps://..., not {url!r}")
        security, default_port = schemes[parts.scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        if self.security == "tls":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=_tls_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            if self.security == "starttls":
                client.starttls(context=_tls_context())
            if self.username:
                client.login(self.username, self.password or "")
            client.sendmail(sender, [recipient], message)


@dataclass(frozen=True)
class CaughtMail:
    """One email kept in a :class:`MailFolder`."""

    name: str
    sender: str
    recipient: str
    subject: str
    date: str
    body: str


class MailFolder:
    """Where email goes when no mail server is configured (``KB_SMTP_URL`` unset).

    Each message is written as one ``.eml`` file, so a demo or a laptop
    install shows every email it would have sent (the admin area lists them)
    instead of failing to reach a mail server that does not exist.

    >>> import tempfile
    >>> folder = MailFolder(Path(tempfile.mkdtemp()))
    >>> message = build_message(sender="a@b.example", to="c@d.example", subject="Hi", body="Hello")
    >>> folder.send("a@b.example", "c@d.example", message.as_bytes())
    >>> [(m.recipient, m.subject, m.body.strip()) for m in folder.messages()]
    [('c@d.example', 'Hi', 'Hello')]
    """

    NAME_CHARACTERS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz-.")

    def __init__(self, path: Path):
        self.path = Path(path)

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
        name = f"{stamp}-{secrets.token_hex(4)}.eml"
        envelope = f"X-Envelope-From: {header_value(sender)}\r\nX-Envelope-To: {header_value(recipient)}\r\n".encode()
        # Written aside and renamed: a reader never sees half a message.
        temporary = self.path / f".{name}.tmp"
        temporary.write_bytes(envelope + message)
        os.replace(temporary, self.path / name)

    def messages(self, limit: int = 200) -> list[CaughtMail]:
        """The newest messages first."""
        if not self.path.is_dir():
            return []
        names = sorted((p.name for p in self.path.glob("*.eml")), reverse=True)[:limit]
        return [m for m in (self.message(name) for name in names) if m is not None]

    def message(self, name: str) -> CaughtMail | None:
        if not name.endswith(".eml") or not set(name) <= self.NAME_CHARACTERS:
            return None
        try:
            raw = (self.path / name).read_bytes()
        except OSError:
            return None
        parsed = message_from_bytes(raw, policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        return CaughtMail(
            name=name,
            sender=str(parsed["From"] or ""),
            recipient=str(parsed["X-Envelope-To"] or parsed["To"] or ""),
            subject=str(parsed["Subject"] or ""),
            date=str(parsed["Date"] or ""),
            body=text.get_content() if text is not None else "",
        )


def mail_transport(config: dict) -> SmtpServer | MailFolder:
    """The SMTP server of ``KB_SMTP_URL``, else the instance's mail folder."""
    if config.get("SMTP_URL"):
        return SmtpServer.from_url(config["SMTP_URL"])
    return MailFolder(mail_folder_path(config))


def mail_folder_path(config: dict) -> Path:
    return Path(config["INSTANCE_DIR"]) / "mail"
