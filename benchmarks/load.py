"""A meeting's burst of phones against the app under gunicorn, on SQLite and
PostgreSQL, judged against absolute targets; the floor of the stack
(benchmarks/bare.py: Flask and one INSERT under the same gunicorn
configuration) is printed beside it for reference.

    .venv/bin/python -m benchmarks.load [--phones 240] [--runs 3] [--engines sqlite,postgresql]

Each engine gets a scratch database, migrated and holding the IV.1
questionnaire and one open meeting.  A phone's journey: it opens the form,
sends a complete valid answer (its own cookies, the form's hidden fields, the
headers a browser sends with a form) and opens the thank-you page.  Two kinds
of burst:

* ``all at once``: every phone starts at the same instant, the worst a
  meeting can do; the server is saturated and the latencies are mostly
  queueing.  ``--bursts`` of them per run, the app's and the bare
  endpoint's taking turns; the medians;
* ``over N s``: the phones arrive evenly over ``--ramp`` seconds (240 in
  10 s is six times faster than a real meeting, where people need a minute
  or two to fill the form in): the latencies a participant sees.

The targets (TARGETS), per engine, with 5 gunicorn workers on 2 cores:

* 240 phones: 0 errors and 0 lost (every submission stored, with all its answers);
* phones arriving over 10 s: POST p99 <= 100 ms;
* all 240 at once: POST p99 <= 2 s;
* server CPU per journey <= 15 ms: the CPU time of the gunicorn workers and,
  on PostgreSQL, of the server processes of their connections, divided by
  the journeys; unlike latencies, it hardly depends on what else the machine
  is doing.

PostgreSQL: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.db import Database, upgrade
from app.models import Answer, Response

from . import bare
from ._data import ANSWERS_PER_RESPONSE, POSTGRES_URL, open_meeting, scratch_database
from ._phones import burst
from ._serve import gunicorn


def prepare(url: str) -> str:
    """Migrate, store IV.1 and an open meeting, create the bare endpoint's table;
    returns the meeting's participant path."""
    upgrade(url)
    path = f"/m/{open_meeting(url)}"
    database = Database(url)
    bare.metadata.create_all(database.engine)
    database.dispose()
    return path


def stored(url: str) -> tuple[int, int]:
    """Rows stored now, and of those the whole ones: responses (whole: with
    every answer) and the bare endpoint's rows."""
    whole_responses = (
        select(Answer.response_id).group_by(Answer.response_id).having(func.count() == ANSWERS_PER_RESPONSE).subquery()
    )
    database = Database(url)
    with database.engine.connect() as connection:
        responses = connection.scalar(select(func.count()).select_from(Response))
        whole = connection.scalar(select(func.count()).select_from(whole_responses))
        rows = connection.scalar(select(func.count()).select_from(bare.bare_insert))
    database.dispose()
    return responses + rows, whole + rows


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def server_cpu(server, url: str) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn workers and, on PostgreSQL, by the
    server processes of their connections: the work per journey, whatever else
    the machine is busy with."""
    database = []
    if url.startswith("postgresql"):
        admin = create_engine(POSTGRES_URL)
        with admin.connect() as connection:
            database = list(
                connection.scalars(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": make_url(url).database}
                )
            )
        admin.dispose()
    return sum(map(_cpu_seconds, server.worker_pids())), sum(map(_cpu_seconds, database))


def measure(server, url: str, path: str, phones: int, ramp: float) -> dict:
    before, whole_before = stored(url)
    cpu_before = server_cpu(server, url)
    result, elapsed = burst(server.base_url, path, phones, ramp=ramp)
    cpu = [after - before for after, before in zip(server_cpu(server, url), cpu_before, strict=True)]
    after, whole_after = stored(url)
    gets = [p.get_ms for p in result if p.get_ms is not None]
    posts = [ms for p in result for ms in p.post_ms]
    thanked = sum(p.thanked for p in result)
    thank_you_pages = sum(p.thanks_status is not None for p in result)
    return {
        "sent": phones,
        "thanked": thanked,
        "stored": after - before,
        "whole": whole_after - whole_before,
        "errors": sum(p.problem is not None for p in result),
        "problems": [p.problem for p in result if p.problem][:3],
        "rps": (len(gets) + len(posts) + thank_you_pages) / elapsed,
        "jps": thanked / elapsed,
        "elapsed": elapsed,
        "cpu_ms": sum(cpu) / max(thanked, 1) * 1000,
        "db_cpu_ms": cpu[1] / max(thanked, 1) * 1000,
        "get": [percentile(gets, q) for q in (50, 95, 99)],
        "post": [percentile(posts, q) for q in (50, 95, 99)],
    }


def warm_up(server, path: str, workers: int) -> None:
    """Every worker imports, connects and compiles its templates before the
    clock runs.  One burst may leave a worker idle (the first to accept
    takes most of them); its first form page then costs the first measured
    burst a template compilation, so three."""
    for _ in range(3):
        burst(server.base_url, path, 4 * workers)


def row(label: str, figures: dict) -> str:
    get, post = figures["get"], figures["post"]
    return (
        f"{label:<26} {figures['rps']:7.0f} {figures['jps']:7.1f}  "
        f"{get[0]:6.0f} {get[1]:6.0f} {get[2]:6.0f}   {post[0]:6.0f} {post[1]:6.0f} {post[2]:6.0f}  "
        f"{figures['errors']:4d} {figures['sent'] - figures['whole']:5d} {figures['stored']:4d}/{figures['sent']}  "
        f"{figures['cpu_ms']:6.1f} ({figures['db_cpu_ms']:.1f})"
    )


HEADER = (
    f"{'':<26} {'req/s':>7} {'jour/s':>7}  {'GET p50':>6} {'p95':>6} {'p99':>6}   "
    f"{'POSTp50':>6} {'p95':>6} {'p99':>6}  {'err':>4} {'lost':>5} stored/sent  cpu/journey (db)   (ms)"
)


def combined(bursts: list[dict]) -> dict:
    """Several bursts against one server as one row: the median of each rate
    and latency, the sums of what was sent, stored and lost."""
    return {
        **{key: sum(b[key] for b in bursts) for key in ("sent", "thanked", "stored", "whole", "errors")},
        **{key: statistics.median(b[key] for b in bursts) for key in ("rps", "jps", "elapsed", "cpu_ms", "db_cpu_ms")},
        **{key: [statistics.median(b[key][i] for b in bursts) for i in range(3)] for key in ("get", "post")},
        "problems": [p for b in bursts for p in b["problems"]][:3],
    }


# The targets: phones arriving over RAMP seconds, and all of them at once.
PHONES = 240
RAMP = 10.0
TARGETS = (  # key, what, unit, at most
    ("errors", "errors", "", 0),
    ("lost", "lost", "", 0),
    ("arriving_p99", "POST p99, arriving", " ms", 100),
    ("at_once_p99", "POST p99, all at once", " ms", 2000),
    ("cpu_ms", "server CPU per journey", " ms", 15),
)
SUMMED = ("errors", "lost")


def run_engine(engine: str, args) -> list[dict]:
    """``args.runs`` runs on a scratch database of this engine; the judged figures of each."""
    judged = []
    with scratch_database(engine) as url, tempfile.TemporaryDirectory() as logs:
        path = prepare(url)
        targets = [
            ("resonanz", "wsgi:app", path, "/login"),
            ("bare", "benchmarks.bare:create_app()", bare.PATH, bare.PATH),
        ]
        for run in range(1, args.runs + 1):
            figures = {}
            with ExitStack() as servers:
                # Both servers run side by side (an idle one costs nothing) and
                # their bursts alternate, so a slow moment of the shared
                # machine falls on both alike rather than on one of them.
                started = {}
                for name, wsgi, target_path, ready in targets:
                    server = servers.enter_context(
                        gunicorn(url, Path(logs) / f"{name}.log", app=wsgi, workers=args.workers, ready_path=ready)
                    )
                    workers = len(server.worker_pids())
                    warm_up(server, target_path, workers)
                    started[name] = server, target_path
                bursts = {name: [] for name in started}
                for _ in range(args.bursts):
                    for name, (server, target_path) in started.items():
                        bursts[name].append(measure(server, url, target_path, args.phones, 0))
                for name, (server, target_path) in started.items():
                    figures[name, "all at once"] = combined(bursts[name])
                    if args.ramp:
                        figures[name, f"over {args.ramp:g} s"] = measure(
                            server, url, target_path, args.phones, args.ramp
                        )
            print(
                f"\n{engine}, run {run}: {args.phones} phones, {workers} gunicorn workers; "
                f"'all at once': median of {args.bursts} bursts each, alternating"
            )
            print(HEADER)
            for (name, mode), f in figures.items():
                print(row(f"{name}, {mode}", f))
                if f["problems"]:
                    print(f"    e.g. {f['problems']}")
                if f["whole"] != f["stored"]:
                    print(f"    HALF-STORED: {f['stored'] - f['whole']} responses without all their answers")
            judged.append({name: judge(figures, name, args.ramp) for name in started})
    return judged


def judge(figures: dict, name: str, ramp: float) -> dict:
    """The figures of one server's run that the targets speak of."""
    mine = {mode: f for (server, mode), f in figures.items() if server == name}
    at_once = mine["all at once"]
    return {
        "errors": sum(f["errors"] for f in mine.values()),
        "lost": sum(f["sent"] - f["whole"] for f in mine.values()),
        "arriving_p99": mine[f"over {ramp:g} s"]["post"][2] if ramp else float("nan"),
        "at_once_p99": at_once["post"][2],
        "cpu_ms": at_once["cpu_ms"],
        "db_cpu_ms": at_once["db_cpu_ms"],
    }


def verdicts(engine: str, judged: list[dict]) -> list[str]:
    """One line per target: each run's figure, the median (errors and lost: the
    sum), met or missed; then the bare endpoint's medians for reference."""

    def figure(server: str, key: str) -> float:
        values = [run[server][key] for run in judged]
        return sum(values) if key in SUMMED else statistics.median(values)

    lines = []
    for key, what, unit, most in TARGETS:
        digits = 0 if key in SUMMED else 1
        each = " ".join(f"{run['resonanz'][key]:.{digits}f}" for run in judged)
        value = figure("resonanz", key)
        lines.append(
            f"{engine:<11} {what:<24} {f'<= {most}{unit}':>10}   runs {each:<22} "
            f"{'total' if key in SUMMED else 'median'} {value:7.{digits}f}{unit:<4} "
            f"{'met' if value <= most else 'MISSED'}"
        )
    if engine == "postgresql":
        lines.append(
            f"{engine:<11} {'':<36}of the CPU, PostgreSQL's own: median {figure('resonanz', 'db_cpu_ms'):.1f} ms"
        )
    lines.append(
        f"{engine:<11} bare endpoint, for reference: POST p99 arriving {figure('bare', 'arriving_p99'):.0f} ms, "
        f"all at once {figure('bare', 'at_once_p99'):.0f} ms; CPU per journey {figure('bare', 'cpu_ms'):.1f} ms"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=PHONES)
    parser.add_argument("--ramp", type=float, default=RAMP, help="seconds over which phones arrive (0: skip)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--bursts", type=int, default=5, help="all-at-once bursts per server and run")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    if (args.phones, args.ramp) != (PHONES, RAMP):
        print(f"note: the targets are set for {PHONES} phones arriving over {RAMP:g} s or all at once")
    lines = []
    for engine in args.engines.split(","):
        lines += verdicts(engine.strip(), run_engine(engine.strip(), args))
    print(
        f"\nagainst the targets: {args.phones} phones, arriving over {args.ramp:g} s or all at once "
        f"({args.runs} runs per engine)"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
