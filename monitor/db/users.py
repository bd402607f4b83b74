"""The desk's users: add, find by name or by API token, set a password or a token.

Only hashes are stored: the password's argon2 hash (made by ``monitor.web.passwords``) and the
SHA-256 of an API token. Sessions call these; they never see a password in the clear here.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.db.models import User
from monitor.errors import UserError


def token_digest(token: str) -> str:
    """What is stored for an API token: its SHA-256 (a token is random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(s: Session, name: str, password_hash: str, now: datetime) -> User:
    """A new user; ``UserError`` when the name is taken or not a plain name."""
    if not name or len(name) > 100 or not name.isprintable() or name != name.strip():
        raise UserError(f"user name {name!r}: 1 to 100 printable characters, no edge spaces")
    if s.scalar(select(User.id).where(User.name == name)) is not None:
        raise UserError(f"user {name!r} already exists")
    user = User(name=name, password_hash=password_hash, disabled=False, created_at=now)
    s.add(user)
    s.flush()
    return user


def find_user(s: Session, name: str) -> User | None:
    """The enabled user called ``name``, or None."""
    return s.scalar(select(User).where(User.name == name, User.disabled.is_(False)))


def user_by_token(s: Session, token: str) -> User | None:
    """The enabled user holding API token ``token``, or None."""
    return s.scalar(select(User).where(User.api_token_hash == token_digest(token),
                                       User.disabled.is_(False)))


def set_password_hash(s: Session, user: User, password_hash: str) -> None:
    """Replace ``user``'s password hash (made by ``monitor.web.passwords``)."""
    user.password_hash = password_hash


def set_token(s: Session, user: User, token: str) -> None:
    """Give ``user`` the API token ``token`` (only its digest is kept)."""
    user.api_token_hash = token_digest(token)


def count_users(s: Session) -> int:
    """How many enabled users there are (a desk on a public address needs one)."""
    return int(s.scalar(select(func.count(User.id)).where(User.disabled.is_(False))) or 0)
