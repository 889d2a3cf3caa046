"""Shared pieces of the web app: database access, rate limits, form re-rendering."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from kb.attachments import AttachmentStore
from kb.db import Database

# Views that can show their form again, input kept, when a request is refused
# before reaching them (expired CSRF token, rate limit): endpoint -> function
# taking the reason ("csrf" or "rate") and returning a response.
RERENDER: dict[str, Callable] = {}


def rerenders(endpoint: str):
    def register(function):
        RERENDER[endpoint] = function
        return function

    return register


def database() -> Database:
    return current_app.extensions["kb.db"]


def attachment_store() -> AttachmentStore:
    return AttachmentStore(current_app.config["ATTACHMENTS_DIR"])


def make_limiter(app) -> Limiter:
    """Per-client limits; counters in memory or, for several servers, in Redis."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URL"],
        strategy="moving-window",
        headers_enabled=True,
        key_prefix="kb",
    )
    rules = {
        "api.suggest": (lambda: current_app.config["SUGGEST_RATE_LIMIT"], None),
        "contact.ticket": (lambda: current_app.config["TICKET_RATE_LIMIT"], ["POST"]),
        "admin.login": (lambda: current_app.config["LOGIN_RATE_LIMIT"], ["POST"]),
    }
    for endpoint, (limit, methods) in rules.items():
        app.view_functions[endpoint] = limiter.limit(limit, methods=methods)(app.view_functions[endpoint])
    return limiter
