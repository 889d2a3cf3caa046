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


# Per-client limits, declared on the views with ``@limiter.limit``. Counters
# live in memory or, for several processes, in Redis (``init_app`` reads
# RATELIMIT_STORAGE_URI, set from KB_RATELIMIT_STORAGE_URL). When that storage
# is unreachable the limits fail open: counted in this process's memory
# (in_memory_fallback_enabled, logged as a warning) and, should even that fail,
# not applied (swallow_errors, logged with its traceback). A rate limiter that
# is down must never answer 500 or lose a customer's form.
limiter = Limiter(
    get_remote_address,
    strategy="moving-window",
    headers_enabled=True,
    key_prefix="kb",
    swallow_errors=True,
    in_memory_fallback_enabled=True,
)


def init_limiter(app) -> None:
    """Bind the limiter to ``app``; one app per process (a gunicorn worker), as Flask-Limiter expects."""
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    limiter.init_app(app)
    # init_app makes a new storage but keeps the "storage is down" mark of the
    # previous one (several apps in one process: the tests); a new storage
    # starts out trusted, and the fallback takes over again if it fails.
    limiter._storage_dead = False


def configured_limit(name: str) -> Callable[[], str]:
    """A limit read from the app's settings at request time (``TICKET_RATE_LIMIT``...)."""
    return lambda: current_app.config[name]


def accepted(response) -> bool:
    """Only a form that was accepted counts: a refused one (422) is the customer's mistake, not abuse."""
    return response.status_code < 400
