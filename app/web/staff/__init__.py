"""The workspace of coordinators, evaluators and admins (login required)."""

from .views import blueprint  # noqa: F401
