"""The full indicator report over N answers (default 1,000,000) in closed
meetings, on SQLite and PostgreSQL, next to the bare GROUP BY queries that
count those answers, measured in the same run.

    .venv/bin/python benchmarks/report.py [--answers N] [--runs R] [--engines sqlite,postgresql]

Prints per engine the median time of the bare GROUP BY queries, of the report
counted from the answers (no counts stored yet), the time of storing the
meetings' counts once (app/evaluation/report/stored_counts.py), and the
median time of the report from the stored counts (target: <= 200 ms).
PostgreSQL: the scratch database is made on the server of BENCH_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from app.db import Database  # noqa: E402
from app.evaluation.report import reporting, stored_counts  # noqa: E402
from app.models import QuestionnaireVersion  # noqa: E402
from benchmarks._data import fill, scratch_database  # noqa: E402

TODAY, NOW = dt.date(2026, 1, 1), dt.datetime(2026, 1, 1, 12, 0)
TARGET_MS = 200


def bare_statements(session, version_id: int) -> list[str]:
    """The statements the report issues, captured and replayed without the app around them."""
    captured: list[tuple[str, object]] = []
    from sqlalchemy import event

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "GROUP BY" in statement.upper():
            captured.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        version = session.get(QuestionnaireVersion, version_id)
        reporting.build_report(session, version, reporting.ReportOptions(), today=TODAY, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return captured


def seconds(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(engine_name: str, answers: int, runs: int) -> None:
    with scratch_database(engine_name) as url:
        started = time.perf_counter()
        version_id = fill(url, answers)
        print(f"{engine_name}: {answers:,} answers loaded in {time.perf_counter() - started:.1f} s", flush=True)
        database = Database(url)
        session = database.session()
        statements = bare_statements(session, version_id)
        session.rollback()

        def bare():
            raw = database.engine.raw_connection()
            try:
                cursor = raw.cursor()
                for statement, parameters in statements:
                    cursor.execute(statement, parameters)
                    cursor.fetchall()
            finally:
                raw.close()

        def report():
            with database.session() as s:
                version = s.get(QuestionnaireVersion, version_id)
                reporting.build_report(s, version, reporting.ReportOptions(), today=TODAY, now=NOW)

        def store():
            with database.session(write=True) as s:
                stored_counts.store_closed_meetings(s, NOW)
                s.commit()

        def medians(*functions) -> list[float]:
            for function in functions:  # warm the caches of every path alike
                function()
            times: list[list[float]] = [[] for _ in functions]
            for _ in range(runs):  # interleaved, so that machine noise hits all alike
                for i, function in enumerate(functions):
                    times[i].append(seconds(function))
            return [statistics.median(t) for t in times]

        bare_time, from_answers = medians(bare, report)
        storing = seconds(store)
        (from_stored,) = medians(report)
        verdict = "met" if from_stored * 1000 <= TARGET_MS else "NOT met"
        print(
            f"{engine_name}: bare GROUP BY queries ({len(statements)}) median {bare_time * 1000:.0f} ms; "
            f"report counted from the answers median {from_answers * 1000:.0f} ms; "
            f"storing the counts once {storing * 1000:.0f} ms; "
            f"report from stored counts median {from_stored * 1000:.1f} ms "
            f"(target <= {TARGET_MS} ms: {verdict}); runs {runs}",
            flush=True,
        )
        session.close()
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    for engine_name in args.engines.split(","):
        measure(engine_name, args.answers, args.runs)


if __name__ == "__main__":
    main()
