"""WSGI entry point (gunicorn: ``wsgi:app``) and the development server (``make run``)."""

import os

from werkzeug.serving import WSGIRequestHandler

from app import create_app

app = create_app()


class AnonymousRequestHandler(WSGIRequestHandler):
    """The development server's access log without client address or time of
    day: a line with a participant's path and a time could tie a person to an answer."""

    def address_string(self) -> str:
        return "-"

    def log_date_time_string(self) -> str:
        return "-"


if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "5000")),
        request_handler=AnonymousRequestHandler,
        debug=False,
    )
