"""HTTP: thin views that translate requests into service calls and back."""

from flask import abort


def get_or_404(model, object_id: int):
    """The row with this id in the request's session, or a 404 page."""
    from .. import db_session

    found = db_session().get(model, object_id)
    if found is None:
        abort(404)
    return found
