"""The coordinators' workspace: meetings, partners, questionnaires, QR handouts."""

from .views import blueprint  # noqa: F401
