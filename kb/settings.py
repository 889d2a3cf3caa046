"""Every setting of the help center, read from ``KB_*`` environment variables.

``SETTINGS`` declares each one once (name, default, parser, help); one
loader reads them all and refuses any bad value at start-up, naming its
variable. ``kb --help`` and the README's table are made from the same
declarations (a test checks the README).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting has a value the help center cannot use."""


# A parser turns a setting's text (None when unset and without default) into
# its value, given the values of the settings declared before it; it raises
# ValueError with a message that the loader prefixes with the setting's name.
Parser = Callable[[str | None, Mapping[str, Any]], Any]


@dataclasses.dataclass(frozen=True)
class Setting:
    """One setting: its variable, default text, parser and help (README and ``kb --help``)."""

    name: str
    default: str | None
    parse: Parser
    help: str
    # How the docs show a default that is not a fixed text (``default`` None).
    default_text: str = "none"

    @property
    def key(self) -> str:
        """The Flask config key: the name without its ``KB_`` prefix."""
        return self.name.removeprefix("KB_")

    @property
    def shown_default(self) -> str:
        """The default as the README's table shows it."""
        return f"`{self.default}`" if self.default is not None else self.default_text


# Parsers


def text(raw: str | None, config: Mapping[str, Any]) -> str | None:
    return raw


def directory(under_instance: str | None = None) -> Parser:
    """A folder, made absolute (a later ``chdir`` does not move it); unset, ``under_instance`` of the instance folder."""

    def parse(raw: str | None, config: Mapping[str, Any]) -> Path:
        if raw is None:
            return config["INSTANCE_DIR"] / under_instance
        return Path(raw).resolve()

    return parse


def optional_file(raw: str | None, config: Mapping[str, Any]) -> Path | None:
    """A file, made absolute; unset, None (the caller's default applies)."""
    return Path(raw).resolve() if raw else None


def integer(minimum: int) -> Parser:
    """A whole number of at least ``minimum``.

    >>> integer(1)("3", {})
    3
    >>> integer(1)("0", {})
    Traceback (most recent call last):
    ...
    ValueError: must be a whole number of at least 1, not '0'
    """

    def parse(raw: str | None, config: Mapping[str, Any]) -> int:
        value = (raw or "").strip()
        if not (value.isascii() and value.isdigit()) or int(value) < minimum:
            raise ValueError(f"must be a whole number of at least {minimum}, not {raw!r}")
        return int(value)

    return parse


def locales(raw: str | None, config: Mapping[str, Any]) -> tuple[str, ...]:
    """Comma-separated locale names.

    >>> locales(" en, fr ,de", {})
    ('en', 'fr', 'de')
    """
    found = tuple(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))
    if not found:
        raise ValueError("names no locale")
    for locale in found:
        if not locale.replace("_", "").isalnum():
            raise ValueError(f"{locale!r} is not a locale name such as 'en' or 'pt_BR'")
    return found


def default_locale(raw: str | None, config: Mapping[str, Any]) -> str:
    locale = (raw or "").strip()
    if locale not in config["LOCALES"]:
        raise ValueError(f"{locale!r} is not one of KB_LOCALES ({', '.join(config['LOCALES'])})")
    return locale


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


def base_url(raw: str | None, config: Mapping[str, Any]) -> str | None:
    return parse_base_url(raw) if raw else None


def database_url(raw: str | None, config: Mapping[str, Any]) -> str:
    return raw or f"sqlite:///{config['INSTANCE_DIR'] / 'kb.sqlite3'}"


def smtp_url(raw: str | None, config: Mapping[str, Any]) -> str | None:
    """Unset: no mail server, emails are kept in the instance folder (kb.mail.MailFolder)."""
    from .mail import SmtpServer

    if raw is None:
        return None
    SmtpServer.from_url(raw)  # raises ValueError when malformed
    return raw


LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}


def logo_file(raw: str | None, config: Mapping[str, Any]) -> Path | None:
    if not raw:
        return None
    path = Path(raw).resolve()
    if path.suffix.lower() not in LOGO_TYPES:
        raise ValueError(f"must be an .svg, .png or .webp file, not {raw!r}")
    if not path.is_file():
        raise ValueError(f"{raw!r} does not exist")
    return path


def brand_color(raw: str | None, config: Mapping[str, Any]) -> str:
    from .brand import check_brand_color

    return check_brand_color(raw or "")


def site_name(raw: str | None, config: Mapping[str, Any]) -> str:
    if not raw or not raw.strip() or any(ord(c) < 32 for c in raw):
        raise ValueError(f"must be a name on one line, not {raw!r}")
    return raw.strip()


def mail_address(with_name: bool) -> Parser:
    """One email address; with ``with_name``, a display name may come with it (``Name <a@b.c>``)."""

    def parse(raw: str | None, config: Mapping[str, Any]) -> str:
        from .mail import envelope_address, is_plain_address

        address = envelope_address(raw or "") if with_name else (raw or "")
        if not is_plain_address(address):
            raise ValueError(f"expected an address such as support@example.com, not {raw!r}")
        return raw

    return parse


def http_url(raw: str | None, config: Mapping[str, Any]) -> str | None:
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http:// or https:// URL, not {raw!r}")
    return raw


def required_with(other: str) -> Parser:
    """Text that must be set when the setting ``other`` (declared before it) is."""

    def parse(raw: str | None, config: Mapping[str, Any]) -> str | None:
        if config.get(other.removeprefix("KB_")) and not raw:
            raise ValueError(f"must be set when {other} is")
        return raw

    return parse


def rate_limit(raw: str | None, config: Mapping[str, Any]) -> str:
    import limits

    limits.parse_many(raw or "")  # raises ValueError: "5 per 10 minutes", "120/minute"
    return raw


def choice(*choices: str) -> Parser:
    def parse(raw: str | None, config: Mapping[str, Any]) -> str:
        if raw not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {raw!r}")
        return raw

    return parse


def storage_url(raw: str | None, config: Mapping[str, Any]) -> str:
    from limits.storage import SCHEMES

    if urlsplit(raw or "").scheme not in SCHEMES:
        raise ValueError(f"expected memory:// or redis://host:port/db, not {raw!r}")
    return raw


SETTINGS = (
    Setting("KB_INSTANCE_DIR", "instance", directory(), "Folder for local state: the default index, database and secret key."),
    Setting("KB_ARTICLES_DIR", "articles", directory(), "Folder of article files, one sub-folder per locale."),
    Setting("KB_INDEX_DIR", None, directory("index"), "Folder of the search indexes.", "`<instance>/index`"),
    Setting(
        "KB_DATABASE_URL", None, database_url,
        "SQLAlchemy URL of the ticket database; a `postgresql://` URL for PostgreSQL.",
        "SQLite file `<instance>/kb.sqlite3`",
    ),
    Setting(
        "KB_BASE_URL", None, base_url,
        "Public address of the help center, such as `https://help.example.com`. Every absolute link (the customer's "
        "confirmation email, canonical and `hreflang` links) starts with it, and only its host (and "
        "`localhost`/`127.0.0.1`) is answered. Unset, links follow the request and only `localhost` and `127.0.0.1` "
        "are answered: set it on any server reached from elsewhere. See [docs/security.md](docs/security.md).",
    ),
    Setting(
        "KB_SECRET_KEY", None, text,
        "Key that signs sessions and form tokens. Set it when several servers serve one help center.",
        "random, kept in `<instance>/secret_key`",
    ),
    Setting("KB_LOCALES", "en,fr,de,es,it,pt", locales, "Comma-separated locales the help center serves."),
    Setting("KB_DEFAULT_LOCALE", "en", default_locale, "Locale of the source articles, used when nothing else fits."),
    Setting(
        "KB_SMTP_URL", None, smtp_url,
        "Mail server for outgoing email: `smtp://[user:password@]host:port`, `smtp+starttls://...` or `smtps://...`. "
        "Unset, every email is kept as an `.eml` file in the instance folder and listed in the admin area "
        "(`/admin/mail`), for a demo or a laptop.",
        "none: emails are written to `<instance>/mail/`",
    ),
    Setting("KB_MAIL_FROM", "Plumora Support <support@plumora.example>", mail_address(with_name=True), "Sender of the emails the help center sends."),
    Setting(
        "KB_SUPPORT_INBOX", "support@plumora.example", mail_address(with_name=False),
        "Address of the support team, which receives every ticket with its attachments.",
    ),
    Setting("KB_WEBHOOK_URL", None, http_url, "Helpdesk URL that receives every ticket as signed JSON."),
    Setting(
        "KB_WEBHOOK_SECRET", None, required_with("KB_WEBHOOK_URL"),
        "Key of the webhook's HMAC-SHA256 signature; required with `KB_WEBHOOK_URL`.",
    ),
    Setting("KB_OUTBOX_MAX_ATTEMPTS", "8", integer(1), "Delivery attempts of an email or webhook before it is marked dead."),
    Setting(
        "KB_OUTBOX_RETRY_SECONDS", "30", integer(1),
        "Wait before the first retry; each later retry waits twice as long (at most 6 hours).",
    ),
    Setting(
        "KB_OUTBOX_LEASE_SECONDS", "300", integer(1),
        "How long a sender holds the one message it is delivering before another sender may take it over; keep it "
        "well above the slowest send.",
    ),
    Setting(
        "KB_ATTACHMENTS_DIR", None, directory("attachments"), "Folder of ticket attachments, outside the web root.",
        "`<instance>/attachments`",
    ),
    Setting("KB_ATTACHMENT_MAX_BYTES", "10485760", integer(1), "Largest attachment accepted, in bytes."),
    Setting("KB_ATTACHMENT_MAX_COUNT", "3", integer(0), "Most attachments on one ticket."),
    Setting(
        "KB_RATELIMIT_STORAGE_URL", "memory://", storage_url,
        "Where rate-limit counters live: `memory://` (per process) or `redis://host:port/db` (shared by every worker and server).",
    ),
    Setting("KB_TICKET_RATE_LIMIT", "5 per 10 minutes", rate_limit, "Ticket submissions allowed per client."),
    Setting("KB_SUGGEST_RATE_LIMIT", "120 per minute", rate_limit, "Suggest API requests allowed per client."),
    Setting("KB_LOGIN_RATE_LIMIT", "10 per 5 minutes", rate_limit, "Staff sign-in attempts allowed per client."),
    Setting(
        "KB_FEEDBACK_RATE_LIMIT", "30 per hour", rate_limit,
        'Article feedback answers ("Was this article helpful?", "Did this solve your problem?") allowed per client.',
    ),
    Setting(
        "KB_CHANNEL_CHOICE_LIMIT", "20 per hour", rate_limit,
        "Chat and phone choices recorded for the reports per client; beyond it the customer still reaches the chat or "
        "the number, the choice is just not counted.",
    ),
    Setting(
        "KB_MIN_FILL_SECONDS", "3", integer(0),
        "A ticket form sent sooner than this after it was shown is taken for a robot.",
    ),
    Setting(
        "KB_SCORER", "arrays", choice("arrays", "whoosh"),
        "How search scores articles: `arrays` (BM25F with NumPy over Whoosh's postings, fast) or `whoosh` "
        "(Whoosh's own matchers: slower, with Whoosh's coordination).",
    ),
    Setting("KB_SITE_NAME", "Plumora", site_name, "Name of the company or product, shown in the header, page titles and emails."),
    Setting(
        "KB_LOGO_FILE", None, logo_file, "SVG, PNG or WebP logo shown in the header (served at `/brand/logo`).",
        "the built-in logo",
    ),
    Setting(
        "KB_BRAND_COLOR", "#1d4ed8", brand_color,
        "Primary colour of buttons and links (`#rrggbb`). Refused at start unless it reaches a contrast of 4.5:1 "
        "(WCAG AA) with white text on it and against the light backgrounds it is shown on; dark mode uses a lighter "
        "mix of it for links. The favicon is drawn in it.",
    ),
    Setting(
        "KB_RULES_FILE", None, optional_file,
        "YAML file of the support rules: plans, channels, opening hours and time zone, holidays, languages, request kinds, "
        "answer times, phone numbers and chat address (see [docs/support-rules.md](docs/support-rules.md)). Checked at "
        "start-up: a bad file stops `kb serve` with `path:line: problem`.",
        "the shipped `kb/default_rules.yaml`",
    ),
    Setting(
        "KB_SSO_SECRET", None, text,
        "Key shared with the main product, which signs each customer's sign-in link (email, name, account, plan, support PIN).",
        "none (everyone is anonymous)",
    ),
    Setting("KB_SSO_LINK_SECONDS", "300", integer(1), "How long a sign-in link stays valid, in seconds."),
    Setting(
        "KB_ANALYTICS_RETENTION_DAYS", "400", integer(1),
        "Days analytics events (searches, flows, views, votes) are kept before `kb analytics prune` deletes them; "
        "the outbox worker of `kb serve` prunes hourly.",
    ),
    Setting(
        "KB_PROXY_HOPS", "0", integer(0),
        "Reverse proxies or load balancers in front of `kb serve` whose `X-Forwarded-For`/`-Proto`/`-Host` are trusted "
        "(0: none). Set it to the number of proxies, or rate limits count every customer as the proxy.",
    ),
)


def load(environ: Mapping[str, str] | None = None) -> dict:
    """The configuration as a mapping of Flask-style keys (``ARTICLES_DIR``...).

    Each setting is parsed in the order of ``SETTINGS`` (a parser may use the
    settings before it); the first bad value stops with its variable's name.

    >>> load({"KB_OUTBOX_MAX_ATTEMPTS": "many"})
    Traceback (most recent call last):
    ...
    kb.settings.SettingsError: KB_OUTBOX_MAX_ATTEMPTS must be a whole number of at least 1, not 'many'
    """
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.name) or setting.default
        try:
            config[setting.key] = setting.parse(raw, config)
        except ValueError as exc:
            message = str(exc).removeprefix(f"{setting.name} ")
            raise SettingsError(f"{setting.name} {message}") from None
    return config


def markdown_table() -> str:
    """The README's table of settings, made from ``SETTINGS``."""
    lines = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    lines += [f"| `{s.name}` | {s.shown_default} | {s.help} |" for s in SETTINGS]
    return "\n".join(lines)


def help_text() -> str:
    """The settings as ``kb --help`` lists them, made from ``SETTINGS``."""
    lines = ["Settings (environment variables):", ""]
    for s in SETTINGS:
        lines.append(f"  {s.name}: {s.help} Default: {s.shown_default}.".replace("`", ""))
    return "\n".join(lines)


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
