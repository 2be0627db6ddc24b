"""Form validators shared by the workspace's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

NUL = "\x00"


def storable(form, field) -> None:
    """Refuse text with a NUL character: PostgreSQL cannot store it, and no
    document or label means one."""
    if isinstance(field.data, str) and NUL in field.data:
        raise ValidationError(_l("This text contains a character that cannot be stored (NUL)."))
