"""Staff accounts of the admin area (created by ``kb staff add``)."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from .models import StaffUser


def create_staff(db, email: str, password: str) -> StaffUser:
    """Add a staff account to the session ``db``; only a hash of the password is kept."""
    user = StaffUser(email=email.strip().lower(), password_hash=generate_password_hash(password))
    db.add(user)
    return user
