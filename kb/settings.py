"""Every setting of the help center, read from ``KB_*`` environment variables.

``SETTINGS`` is the single list: the command line, the web app and the README
all use it (a test checks that the README documents each one).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit


@dataclasses.dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str

    @property
    def key(self) -> str:
        """The Flask config key: the name without its ``KB_`` prefix."""
        return self.name.removeprefix("KB_")


SETTINGS = (
    Setting("KB_INSTANCE_DIR", "instance", "Folder for local state: the default index, database and secret key."),
    Setting("KB_ARTICLES_DIR", "articles", "Folder of article files, one sub-folder per locale."),
    Setting("KB_INDEX_DIR", None, "Folder of the search indexes (default: <instance>/index)."),
    Setting("KB_DATABASE_URL", None, "SQLAlchemy URL of the ticket database (default: SQLite file <instance>/kb.sqlite3)."),
    Setting("KB_BASE_URL", None, "Public address of the help center, such as https://help.example.com: every absolute link in emails and pages starts with it, and only its host is answered (default: links follow the request, answered for localhost and 127.0.0.1 only)."),
    Setting("KB_SECRET_KEY", None, "Key that signs sessions and form tokens (default: random, kept in <instance>/secret_key)."),
    Setting("KB_LOCALES", "en,fr,de,es,it,pt", "Comma-separated locales the help center serves."),
    Setting("KB_DEFAULT_LOCALE", "en", "Locale of the source articles, used when nothing else fits."),
    Setting("KB_SMTP_URL", "smtp://127.0.0.1:25", "Mail server for outgoing email: smtp://[user:password@]host:port, smtp+starttls://... or smtps://..."),
    Setting("KB_MAIL_FROM", "Plumora Support <support@plumora.example>", "Sender address of the emails the help center sends."),
    Setting("KB_SUPPORT_INBOX", "support@plumora.example", "Address of the support team, which receives every ticket."),
    Setting("KB_WEBHOOK_URL", None, "Helpdesk URL that receives every ticket as signed JSON (default: no webhook)."),
    Setting("KB_WEBHOOK_SECRET", None, "Key of the webhook's HMAC-SHA256 signature (X-Plumora-Signature); required with KB_WEBHOOK_URL."),
    Setting("KB_OUTBOX_MAX_ATTEMPTS", "8", "Delivery attempts of an email or webhook before it is marked dead."),
    Setting("KB_OUTBOX_RETRY_SECONDS", "30", "Wait before the first retry; each later retry waits twice as long (at most 6 hours)."),
    Setting("KB_OUTBOX_LEASE_SECONDS", "300", "How long a sender holds the one message it is delivering before another sender may take it over; keep it well above the slowest send."),
    Setting("KB_ATTACHMENTS_DIR", None, "Folder of ticket attachments, outside the web root (default: <instance>/attachments)."),
    Setting("KB_ATTACHMENT_MAX_BYTES", "10485760", "Largest attachment accepted, in bytes."),
    Setting("KB_ATTACHMENT_MAX_COUNT", "3", "Most attachments on one ticket."),
    Setting("KB_RATELIMIT_STORAGE_URL", "memory://", "Where rate-limit counters live: memory:// (one process) or redis://host:port/db (shared)."),
    Setting("KB_TICKET_RATE_LIMIT", "5 per 10 minutes", "Ticket submissions allowed per client."),
    Setting("KB_SUGGEST_RATE_LIMIT", "120 per minute", "Suggest API requests allowed per client."),
    Setting("KB_LOGIN_RATE_LIMIT", "10 per 5 minutes", "Staff login attempts allowed per client."),
    Setting("KB_FEEDBACK_RATE_LIMIT", "30 per hour", "Article feedback answers (helpful, solved) allowed per client."),
    Setting("KB_MIN_FILL_SECONDS", "3", "A ticket form sent sooner than this after it was shown is taken for a robot."),
    Setting("KB_ANALYTICS_RETENTION_DAYS", "400", "Days analytics events (searches, flows, views, votes) are kept before kb analytics prune deletes them."),
    Setting("KB_PROXY_HOPS", "0", "Reverse proxies or load balancers in front of kb serve whose X-Forwarded-For/-Proto/-Host are trusted (0: none)."),
)


class SettingsError(ValueError):
    """A setting has a value the help center cannot use."""


def parse_locales(value: str) -> tuple[str, ...]:
    """Split a ``KB_LOCALES`` value.

    >>> parse_locales(" en, fr ,de")
    ('en', 'fr', 'de')
    """
    locales = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    if not locales:
        raise SettingsError("KB_LOCALES names no locale")
    for locale in locales:
        if not locale.replace("_", "").isalnum():
            raise SettingsError(f"KB_LOCALES: {locale!r} is not a locale name such as 'en' or 'pt_BR'")
    return locales


def parse_base_url(value: str) -> str:
    """A ``KB_BASE_URL``: scheme, host, optional port and path, no trailing slash.

    >>> parse_base_url("https://help.example.com/")
    'https://help.example.com'
    >>> parse_base_url("http://127.0.0.1:8000/support")
    'http://127.0.0.1:8000/support'
    >>> parse_base_url("help.example.com")
    Traceback (most recent call last):
    ...
    kb.settings.SettingsError: KB_BASE_URL must be an http:// or https:// address such as https://help.example.com, not 'help.example.com'
    """
    parts = urlsplit(value.strip())
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username or not port_ok:
        raise SettingsError(f"KB_BASE_URL must be an http:// or https:// address such as https://help.example.com, not {value!r}")
    return value.strip().rstrip("/")


def load(environ: Mapping[str, str] | None = None) -> dict:
    """The configuration as a mapping of Flask-style keys (``ARTICLES_DIR``...).

    Paths are made absolute against the working directory so that a later
    ``chdir`` does not move them.
    """
    environ = os.environ if environ is None else environ
    raw = {s.name: environ.get(s.name) or s.default for s in SETTINGS}
    instance = Path(raw["KB_INSTANCE_DIR"]).resolve()
    locales = parse_locales(raw["KB_LOCALES"])
    default_locale = raw["KB_DEFAULT_LOCALE"].strip()
    if default_locale not in locales:
        raise SettingsError(f"KB_DEFAULT_LOCALE {default_locale!r} is not one of KB_LOCALES ({', '.join(locales)})")
    return {
        "INSTANCE_DIR": instance,
        "ARTICLES_DIR": Path(raw["KB_ARTICLES_DIR"]).resolve(),
        "INDEX_DIR": Path(raw["KB_INDEX_DIR"]).resolve() if raw["KB_INDEX_DIR"] else instance / "index",
        "DATABASE_URL": raw["KB_DATABASE_URL"] or f"sqlite:///{instance / 'kb.sqlite3'}",
        "BASE_URL": parse_base_url(raw["KB_BASE_URL"]) if raw["KB_BASE_URL"] else None,
        "SECRET_KEY": raw["KB_SECRET_KEY"],
        "LOCALES": locales,
        "DEFAULT_LOCALE": default_locale,
        "SMTP_URL": raw["KB_SMTP_URL"],
        "MAIL_FROM": raw["KB_MAIL_FROM"],
        "SUPPORT_INBOX": raw["KB_SUPPORT_INBOX"],
        "WEBHOOK_URL": raw["KB_WEBHOOK_URL"],
        "WEBHOOK_SECRET": raw["KB_WEBHOOK_SECRET"],
        "OUTBOX_MAX_ATTEMPTS": _integer(raw, "KB_OUTBOX_MAX_ATTEMPTS", minimum=1),
        "OUTBOX_RETRY_SECONDS": _integer(raw, "KB_OUTBOX_RETRY_SECONDS", minimum=1),
        "OUTBOX_LEASE_SECONDS": _integer(raw, "KB_OUTBOX_LEASE_SECONDS", minimum=1),
        "ATTACHMENTS_DIR": Path(raw["KB_ATTACHMENTS_DIR"]).resolve() if raw["KB_ATTACHMENTS_DIR"] else instance / "attachments",
        "ATTACHMENT_MAX_BYTES": _integer(raw, "KB_ATTACHMENT_MAX_BYTES", minimum=1),
        "ATTACHMENT_MAX_COUNT": _integer(raw, "KB_ATTACHMENT_MAX_COUNT", minimum=0),
        "RATELIMIT_STORAGE_URL": raw["KB_RATELIMIT_STORAGE_URL"],
        "TICKET_RATE_LIMIT": raw["KB_TICKET_RATE_LIMIT"],
        "SUGGEST_RATE_LIMIT": raw["KB_SUGGEST_RATE_LIMIT"],
        "LOGIN_RATE_LIMIT": raw["KB_LOGIN_RATE_LIMIT"],
        "FEEDBACK_RATE_LIMIT": raw["KB_FEEDBACK_RATE_LIMIT"],
        "MIN_FILL_SECONDS": _integer(raw, "KB_MIN_FILL_SECONDS", minimum=0),
        "PROXY_HOPS": _integer(raw, "KB_PROXY_HOPS", minimum=0),
        "ANALYTICS_RETENTION_DAYS": _integer(raw, "KB_ANALYTICS_RETENTION_DAYS", minimum=1),
    }


def _integer(raw: Mapping[str, str], name: str, *, minimum: int) -> int:
    """A whole-number setting.

    >>> _integer({"KB_X": "3"}, "KB_X", minimum=1)
    3
    >>> _integer({"KB_X": "0"}, "KB_X", minimum=1)
    Traceback (most recent call last):
    ...
    kb.settings.SettingsError: KB_X must be a whole number of at least 1, not '0'
    """
    value = raw[name].strip()
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise SettingsError(f"{name} must be a whole number of at least {minimum}, not {raw[name]!r}")
    return int(value)


def instance_secret_key(instance_dir: Path) -> str:
    """A random secret key kept in the instance folder, made on first use.

    Nothing secret is ever in the repository: a deployment sets
    ``KB_SECRET_KEY``, a laptop install gets its own key here.
    """
    path = Path(instance_dir) / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: link fails if another worker won
    # the race, and nobody ever reads a half-written key.
    temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(48))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="ascii").strip()
