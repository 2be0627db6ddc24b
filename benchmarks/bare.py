"""The floor of this stack: Flask under the same gunicorn configuration, one
INSERT into the same database per POST, and nothing else (no templates, no
forms, no sessions, no translations).

``GET /m/bare`` gives a page with one hidden field; ``POST /m/bare`` stores
it and answers 303 to ``/m/bare/thanks``, so the phones of
benchmarks/_phones.py walk the same journey as on the participant form.  Serve with
``gunicorn -c gunicorn.conf.py 'benchmarks.bare:create_app()'``.
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, redirect, request
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from app.db import Database

PATH = "/m/bare"
metadata = MetaData()
bare_insert = Table("bench_bare_insert", metadata, Column("id", Integer, primary_key=True), Column("token", String(64)))


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    # The same engine set-up as the app's: WAL and BEGIN IMMEDIATE on SQLite, a pool on PostgreSQL.
    database = Database(database_url or os.environ["DATABASE_URL"])

    @app.get(PATH)
    def form():
        token = secrets.token_urlsafe(24)
        return (
            f'<form method="post"><input id="submission_id" name="submission_id" type="hidden" value="{token}"></form>'
        )

    @app.post(PATH)
    def store():
        session = database.session(write=True)
        try:
            session.execute(insert(bare_insert).values(token=request.form.get("submission_id", "")[:64]))
            session.commit()
        finally:
            session.close()
        return redirect(PATH + "/thanks", 303)

    @app.get(PATH + "/thanks")
    def thanks():
        return "<p>Thank you.</p>"

    return app
