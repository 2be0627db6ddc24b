"""Public survey pages for phones: no login, nothing that identifies anyone."""

from .views import blueprint  # noqa: F401
