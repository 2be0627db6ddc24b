"""Who is logged in, and which roles may see a page."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import UserMixin, current_user, login_required

from app.db import db_session
from app.extensions import login_manager
from app.models import User


class StaffUser(UserMixin):
    """What a request knows of the logged-in account (not the database row)."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.role = user.role

    def may(self, *roles: str) -> bool:
        """Whether this account acts in one of ``roles``; admins act in every role."""
        return self.role in roles or self.role == "admin"


@login_manager.user_loader
def _load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = db_session().get(User, int(user_id))
    return StaffUser(user) if user is not None and user.active else None


def role_required(*roles: str):
    """Only logged-in accounts with one of ``roles`` may pass; admins always may."""

    def decorate(view):
        @wraps(view)
        @login_required
        def checked(*args, **kwargs):
            if not current_user.may(*roles):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate
