"""Where the help center's links point, which hosts it answers, and how its cookies are set.

Absolute links (the customer's confirmation email, canonical and ``hreflang``
links) never come from the request's ``Host`` header, which anyone can forge:

- with ``KB_BASE_URL`` set, every absolute link starts with it, and only its
  host (and this machine's own names, for health checks) is answered;
- without it (a laptop or a development install), links follow the request,
  which is answered only when it names this machine (``localhost``,
  ``127.0.0.1``, ``[::1]``). A server reachable from elsewhere must say its
  public address: refusing other hosts is safer than mailing customers a link
  an attacker chose, and makes the missing setting obvious at the first request.

Any other host, or a malformed one, is a plain 400 (see ``host_refused``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadHost, HTTPException, SecurityError

from kb.settings import parse_base_url

# Not [::1]: Werkzeug cannot match a bracketed IPv6 host against a trusted list.
LOCAL_HOSTS = ("localhost", "127.0.0.1")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
}


def configure(app) -> None:
    """Trusted hosts and cookie flags from ``BASE_URL``; called by ``create_app``."""
    base = app.config.get("BASE_URL")
    if base:
        app.config["BASE_URL"] = base = parse_base_url(base)
        app.config["TRUSTED_HOSTS"] = [urlsplit(base).hostname, *LOCAL_HOSTS]
    else:
        app.config["TRUSTED_HOSTS"] = list(LOCAL_HOSTS)
    # Flask defines SESSION_COOKIE_SAMESITE as None, so setdefault would keep None.
    # Lax: the cookie still comes with a link followed from an email or another
    # site (the customer arrives signed in to their form), never with a
    # cross-site POST.
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = SessionInterface()

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def secure_cookies() -> bool:
    """Cookies get ``Secure`` when the help center is reached over HTTPS.

    Either its base URL says so, or this request came over HTTPS (directly or,
    with ``KB_PROXY_HOPS``, through a trusted proxy's ``X-Forwarded-Proto``).
    On plain HTTP (a laptop) a Secure cookie would never come back.
    """
    base = current_app.config.get("BASE_URL")
    return bool(current_app.config.get("SESSION_COOKIE_SECURE") or (base and base.startswith("https://")) or request.is_secure)


def cookie_flags() -> dict:
    """The flags every cookie of the help center is set with."""
    return {"httponly": True, "samesite": "Lax", "secure": secure_cookies()}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, ``Secure`` decided per request."""

    def get_cookie_secure(self, app) -> bool:
        return secure_cookies()


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for ``endpoint``: from ``KB_BASE_URL`` when set, else from the (trusted) request."""
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, **values, _external=True)
    parts = urlsplit(base)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def host_refused(exc: HTTPException) -> bool:
    """True for a request refused for its Host header (malformed, or not one this server answers).

    No link can be built for such a request, so it gets a plain answer
    instead of a page (whose links would fail: the finding that gave a 500).
    """
    return isinstance(exc, (BadHost, SecurityError))
