"""Staff accounts of the admin area: created, listed, disabled, given a new password.

Passwords are stored as scrypt hashes (Werkzeug). A new password or a
disabled account ends the account's open sessions (``session_version``, which
the admin area checks on every request).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from .models import StaffUser

PASSWORD_MIN = 12


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_staff(db: Session, email: str, password: str) -> StaffUser:
    user = StaffUser(email=normalize_email(email), password_hash=generate_password_hash(password))
    db.add(user)
    return user


def find_staff(db: Session, email: str) -> StaffUser | None:
    return db.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))


def list_staff(db: Session) -> list[StaffUser]:
    return list(db.scalars(select(StaffUser).order_by(StaffUser.email)))


def set_password(db: Session, email: str, password: str) -> bool:
    """A new password for an account; False when there is no such account."""
    user = find_staff(db, email)
    if user is None:
        return False
    user.password_hash = generate_password_hash(password)
    revoke_sessions(user)
    return True


def set_active(db: Session, email: str, active: bool) -> bool:
    """Disable (or enable again) an account; False when there is no such account."""
    user = find_staff(db, email)
    if user is None:
        return False
    user.active = active
    if not active:
        revoke_sessions(user)
    return True


def revoke_sessions(user: StaffUser) -> None:
    """End every session of ``user`` on the server (sign-out, new password, disabled account)."""
    user.session_version = (user.session_version or 0) + 1
