"""The desk's users as ``monitor users`` manages them: add one (with a password hash made by the
caller), list them, give one a new API token (returned once; only its SHA-256 is kept), disable
one (its sessions and token stop working at their next request)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import users
from monitor.db.models import User
from monitor.errors import NotFoundError


@dataclass(frozen=True)
class UserRow:
    """A desk user as `monitor users list` shows it (never a hash)."""
    name: str
    disabled: bool
    has_token: bool
    created_at: datetime


def _row(user: User) -> UserRow:
    return UserRow(name=user.name, disabled=user.disabled,
                   has_token=user.api_token_hash is not None, created_at=user.created_at)


def add_user(s: Session, name: str, password_hash: str, now: datetime) -> UserRow:
    """A new enabled user; ``UserError`` when the name is taken or not a plain name."""
    return _row(users.add_user(s, name, password_hash, now))


def list_users(s: Session) -> tuple[UserRow, ...]:
    """Every user, disabled ones too, by name."""
    return tuple(_row(u) for u in s.scalars(select(User).order_by(User.name)))


def _named(s: Session, name: str) -> User:
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        known = list(s.scalars(select(User.name).order_by(User.name)))
        raise NotFoundError("user", name, known, hint="`monitor users add NAME` adds one")
    return user


def new_token(s: Session, name: str) -> str:
    """A new API token for ``name`` (replacing any), returned once: only its hash is kept."""
    token = secrets.token_urlsafe(32)
    users.set_token(s, _named(s, name), token)
    return token


def disable_user(s: Session, name: str) -> UserRow:
    """Disable ``name``: no login, no session, no API token works for it any more."""
    user = _named(s, name)
    user.disabled = True
    return _row(user)
