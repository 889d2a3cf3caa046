"""Customers signed in by the main product: a signed, expiring link.

The main product knows who the customer is; the help center keeps no
passwords. It sends the customer to ``/sso/<token>``, where the token is
signed with ``KB_SSO_SECRET`` (itsdangerous) and carries email, name,
account, plan and support PIN. A token older than ``KB_SSO_LINK_SECONDS``
is refused.

>>> token = make_token("s3cret", email="ana@example.com", plan="premium", pin="482913")
>>> read_token("s3cret", token, max_age=60).plan
'premium'
>>> read_token("other key", token, max_age=60)
Traceback (most recent call last):
...
kb.sso.SignInRefused: the sign-in link is not signed with this help center's key
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .channels import Customer
from .mail import is_plain_address

SALT = "kb.sso"
FIELDS = ("email", "name", "account", "plan", "pin")


class SignInRefused(ValueError):
    """A sign-in link that is expired, forged or malformed."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    if not secret:
        raise SignInRefused("signing in is not set up (KB_SSO_SECRET is empty)")
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(secret: str, *, email: str, plan: str, name: str = "", account: str = "", pin: str = "") -> str:
    """What the main product does: sign who the customer is."""
    if not is_plain_address(email):
        raise SignInRefused(f"{email!r} is not an email address")
    return _serializer(secret).dumps({"email": email, "name": name, "account": account, "plan": plan, "pin": pin})


def read_token(secret: str, token: str, *, max_age: int) -> Customer:
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired:
        raise SignInRefused("the sign-in link has expired") from None
    except BadSignature:
        raise SignInRefused("the sign-in link is not signed with this help center's key") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k, ""), str) for k in FIELDS):
        raise SignInRefused("the sign-in link does not say who the customer is")
    if not is_plain_address(data.get("email", "")) or not data.get("plan"):
        raise SignInRefused("the sign-in link has no email address or no plan")
    return Customer(**{k: (data.get(k) or None) for k in FIELDS})
