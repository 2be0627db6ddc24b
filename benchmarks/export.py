"""A CSV export of N stored responses (default 1,000,000, 12 answers each), on
SQLite and PostgreSQL: peak memory and throughput of the export, next to a
bare ``csv.writer`` over a raw cursor of the same rows, measured in the same run.

    .venv/bin/python benchmarks/export.py [--responses N] [--engines sqlite,postgresql] [--free-text]

Each export runs in a child process started afresh (``python benchmarks/export.py
--child``); its peak RSS is the kernel's high-water mark of that process
(``VmHWM`` in /proc, read by the child as it ends: unlike ``ru_maxrss`` it
starts counting at exec, so the parent's memory shared before exec is not
counted).  Two children per engine:

- ``export``: the export code alone (app.evaluation.export.exporting, no web app), as a worker
  or a script would run it;
- ``cli``: ``flask export`` in the full app, whose start-up alone imports
  scipy for the reports (its baseline is printed too).

The bare writer runs the statement the export streams (the same random-order
table, the same join) on the driver's own cursor (server-side on PostgreSQL)
and writes each answer row as it comes.  Targets: peak RSS <= 150 MB;
export throughput >= 50 % of the bare writer's.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks._data import ANSWERS_PER_RESPONSE, fill, scratch_database  # noqa: E402

RSS_TARGET_MB = 150
RATIO_TARGET = 0.5


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _today() -> dt.date:
    """Today where the network meets, as the app says it (no app is made here)."""
    from app.clock import local_date, utcnow
    from app.config import Config

    return local_date(utcnow(), Config.TIME_ZONE)


def _plan(session, version_id: int, free_text: bool):
    from app.evaluation.export import exporting

    request = exporting.ExportRequest(version_id, "csv", free_text=free_text)
    from app.clock import utcnow

    return exporting.plan_export(session, request, today=_today(), now=utcnow())


def child_export(url: str, version_id: int, out: str, free_text: bool) -> None:
    """Runs in the child: the export code path, no web app."""
    from app.db import Database
    from app.evaluation.export import exporting

    baseline = _rss_mb()
    database = Database(url)
    session = database.session()
    today = _today()
    started = time.perf_counter()
    plan = _plan(session, version_id, free_text)
    session.close()
    with open(out, "wb") as file:
        for chunk in exporting.export_bytes(database.engine, plan, today=today):
            file.write(chunk)
    seconds = time.perf_counter() - started
    print(
        json.dumps({"rows": plan.responses, "seconds": seconds, "baseline_mb": baseline, "peak_mb": _rss_mb("VmHWM")})
    )


def child_cli(url: str, out: str, free_text: bool) -> None:
    """Runs in the child: ``flask export`` in the full app."""
    from app import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark"})
    baseline = _rss_mb()
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(
        args=[
            "export",
            "--questionnaire",
            "iv-1",
            "--format",
            "csv",
            "--out",
            out,
            "--free-text" if free_text else "--no-free-text",
        ]
    )
    if result.exit_code:
        raise SystemExit(result.output)
    print(json.dumps({"seconds": time.perf_counter() - started, "baseline_mb": baseline, "peak_mb": _rss_mb("VmHWM")}))


def run_child(*args: str) -> dict:
    """Run this script as a child; returns what it printed (times, baseline and peak RSS)."""
    result = subprocess.run([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def bare(url: str, version_id: int, out: str, free_text: bool) -> float:
    """Seconds for the statement the export streams, written by a plain csv.writer."""
    from app.clock import utcnow
    from app.db import Database
    from app.evaluation.export import queries

    database = Database(url)
    session = database.session()
    question_ids = [v.question_id for v in _plan(session, version_id, free_text).columns if v.question_id]
    session.close()
    started = time.perf_counter()
    with database.engine.connect() as connection:
        with connection.begin():
            order = queries.create_random_order(connection, queries.selection_filters(version_id, now=utcnow()))
            statement = queries.answer_statement(order, question_ids)
            sql = str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
            raw = connection.connection.driver_connection
            cursor = raw.cursor(name="bare") if database.engine.dialect.name == "postgresql" else raw.cursor()
            cursor.execute(sql)
            with open(out, "w", newline="") as file:
                writer = csv.writer(file)
                while rows := cursor.fetchmany(5000):
                    writer.writerows(rows)
            cursor.close()
            queries.drop_random_order(connection, order)
    database.dispose()
    return time.perf_counter() - started


def measure(engine_name: str, responses: int, free_text: bool) -> None:
    with scratch_database(engine_name) as url, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        version_id = fill(url, responses * ANSWERS_PER_RESPONSE)
        print(
            f"{engine_name}: {responses:,} responses ({responses * ANSWERS_PER_RESPONSE:,} answers) loaded "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        out = str(Path(folder) / "export.csv")
        bare_out = str(Path(folder) / "bare.csv")

        text = "1" if free_text else ""
        # Each the better of two runs, taking turns (the first bare run also warms
        # the database's caches for the export).
        bare_seconds = bare(url, version_id, bare_out, free_text)
        exported = run_child("export", url, str(version_id), out, text)
        with open(out, encoding="utf-8") as file:
            lines = sum(1 for _ in file) - 1
        assert lines == responses == exported["rows"], (lines, responses)
        bare_seconds = min(bare_seconds, bare(url, version_id, bare_out, free_text))
        again = run_child("export", url, str(version_id), out, text)
        exported = {
            **exported,
            "seconds": min(exported["seconds"], again["seconds"]),
            "peak_mb": max(exported["peak_mb"], again["peak_mb"]),
        }
        cli = run_child("cli", url, out, text)

        export_rate = responses / exported["seconds"]
        bare_rate = responses / bare_seconds
        ratio = export_rate / bare_rate
        print(
            f"{engine_name}: export {exported['seconds']:.1f} s = {export_rate:,.0f} rows/s; bare csv.writer "
            f"{bare_seconds:.1f} s = {bare_rate:,.0f} rows/s ({bare_rate * ANSWERS_PER_RESPONSE:,.0f} answer "
            f"rows/s); ratio {ratio:.2f} (target >= {RATIO_TARGET})",
            flush=True,
        )
        print(
            f"{engine_name}: peak RSS export {exported['peak_mb']:.0f} MB (of which {exported['baseline_mb']:.0f} MB "
            f"after the imports) (target <= {RSS_TARGET_MB}); flask export in the full app "
            f"{cli['peak_mb']:.0f} MB (app baseline {cli['baseline_mb']:.0f} MB, {cli['seconds']:.1f} s)",
            flush=True,
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *args = sys.argv[2:]
        if kind == "export":
            child_export(args[0], int(args[1]), args[2], bool(args[3]))
        else:
            child_cli(args[0], args[1], bool(args[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--free-text", action="store_true", help="Export the free-text answers too (scrubbed).")
    options = parser.parse_args()
    for engine_name in options.engines.split(","):
        measure(engine_name, options.responses, options.free_text)


if __name__ == "__main__":
    main()
